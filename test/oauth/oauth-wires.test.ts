// OAuth on the three HTTP wires with clients nobody here wrote: the official SDK v1 over HTTP+SSE and
// Streamable HTTP (2025 sessions), the v2 client pinned to 2026-07-28; tokens from oidc-provider.
// Scopes of tools, resources and prompts are refused on the request's POST with 403
// insufficient_scope, whichever wire; sessions belong to the token's subject.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MODES, type Mode } from '../transports/harness.ts';
import { jsonOf, modernPost, openModern } from '../transports/stateless-harness.ts';
import { type AuthorizationServer, startAuthorizationServer } from './authorization-server.ts';
import { challengeOf, type OAuthHost, type Seen, startOAuthHost } from './oauth-host.ts';

type Wire = 'HTTP+SSE' | 'Streamable HTTP 2025' | '2026-07-28';
const WIRES: readonly Wire[] = ['HTTP+SSE', 'Streamable HTTP 2025', '2026-07-28'];

/** The status and headers of an answer (its body is the client's to read, a stream for some). */
interface Answer {
  status: number;
  headers: Headers;
}

/** A connected client of one wire, whose every request carries `token()`; `answers` logs what came back. */
interface Connected {
  callTool(name: string, args?: Record<string, unknown>): Promise<string>;
  readResource(uri: string): Promise<string>;
  getPrompt(name: string): Promise<unknown>;
  answers: Answer[];
}

async function connect(t: TestContext, host: OAuthHost, wire: Wire, token: () => string): Promise<Connected> {
  const answers: Answer[] = [];
  const bearer: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${token()}`);
    const response = await fetch(input, { ...init, headers });
    answers.push({ status: response.status, headers: response.headers });
    return response;
  };
  const info = { name: 'oauth-test', version: '1.0.0' };
  let client: ClientV1 | ClientV2;
  if (wire === '2026-07-28') {
    client = new ClientV2(info, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new TransportV2(new URL(`${host.origin}/mcp`), { fetch: bearer }));
  } else {
    client = new ClientV1(info);
    const url = new URL(`${host.origin}/${wire === 'HTTP+SSE' ? 'sse' : 'mcp'}`);
    await client.connect(
      wire === 'HTTP+SSE'
        ? new SSEClientTransport(url, { fetch: bearer })
        : new StreamableHTTPClientTransport(url, { fetch: bearer }),
    );
  }
  t.after(() => client.close());
  const firstText = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text;
  return {
    answers,
    callTool: async (name, args = {}) => firstText(await client.callTool({ name, arguments: args })),
    readResource: async (uri) => ((await client.readResource({ uri })).contents[0] as { text: string }).text,
    getPrompt: (name) => client.getPrompt({ name }),
  };
}

/** The last answer of `answers` that refused, with its challenge. */
function lastRefusal(answers: Answer[]) {
  const refused = answers.findLast((r) => r.status >= 400)!;
  return { status: refused.status, challenge: challengeOf(refused.headers.get('www-authenticate')) };
}

async function setUp(t: TestContext, mode: Mode): Promise<{ as: AuthorizationServer; host: OAuthHost }> {
  const as = await startAuthorizationServer(t);
  const host = await startOAuthHost(t, mode, {
    issuer: as.issuer,
    scopes: ['mcp'],
    impliedScopes: { admin: ['files:write', 'notes:read'] },
  });
  return { as, host };
}

for (const mode of MODES) {
  for (const wire of WIRES) {
    describe(`OAuth over ${wire} (${mode})`, () => {
      test('a valid token works; the tool sees the token subject, client and scopes', async (t) => {
        const { as, host } = await setUp(t, mode);
        const token = await as.token({ resource: host.origin, scope: 'mcp files:write' });
        const client = await connect(t, host, wire, () => token);
        const seen = JSON.parse(await client.callTool('whoami')) as Seen;
        assert.deepEqual(
          { sub: seen.sub, iss: seen.iss, client: seen.client, scopes: seen.scopes },
          { sub: 'alice', iss: as.issuer, client: 'alice', scopes: ['mcp', 'files:write'] },
        );
        assert.deepEqual(seen.sessionPrincipal, { iss: as.issuer, sub: 'alice' });
        assert.equal(await client.callTool('write_file', { path: '/a' }), 'wrote /a');
        assert.equal(await client.readResource('notes://public'), 'a public note');
      });

      test('a tool, resource or prompt the token has no scope for: 403 insufficient_scope naming every scope it needs', async (t) => {
        const { as, host } = await setUp(t, mode);
        const token = await as.token({ resource: host.origin, scope: 'mcp files:read' });
        const client = await connect(t, host, wire, () => token);
        const cases: Array<[string, () => Promise<unknown>, string]> = [
          ['tool "write_file"', () => client.callTool('write_file', { path: '/a' }), 'mcp files:write'],
          ['resource "notes://secret"', () => client.readResource('notes://secret'), 'mcp notes:read'],
          ['prompt "audit"', () => client.getPrompt('audit'), 'mcp admin'],
        ];
        for (const [target, call, scope] of cases) {
          await assert.rejects(call(), /403|insufficient_scope|Insufficient scope|Forbidden/, target);
          const { status, challenge } = lastRefusal(client.answers);
          assert.equal(status, 403, target);
          assert.equal(challenge.error, 'insufficient_scope', target);
          assert.equal(challenge.scope, scope, target);
          assert.equal(challenge.resource_metadata, `${host.origin}/.well-known/oauth-protected-resource`);
          assert.equal(
            challenge.error_description,
            `${target.replaceAll('"', "'")} needs scope ${scope.split(' ')[1]}, which the token does not grant`,
          );
        }
        // The refusals ran nothing and broke nothing: the client goes on.
        assert.match(await client.callTool('whoami'), /"sub":"alice"/);
      });

      test('a broader scope grants the narrower ones it implies', async (t) => {
        const { as, host } = await setUp(t, mode);
        const token = await as.token({ resource: host.origin, scope: 'mcp admin' });
        const client = await connect(t, host, wire, () => token);
        assert.equal(await client.callTool('write_file', { path: '/b' }), 'wrote /b');
        assert.equal(await client.readResource('notes://secret'), 'the secret note');
      });
    });
  }

  describe(`OAuth principals and sessions (${mode})`, () => {
    test('a token without the server-wide scope is refused before any session opens', async (t) => {
      const { as, host } = await setUp(t, mode);
      const token = await as.token({ resource: host.origin, scope: 'files:read' });
      const refused = await fetch(`${host.origin}/sse`, {
        headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` },
      });
      assert.equal(refused.status, 403);
      const challenge = challengeOf(refused.headers.get('www-authenticate'));
      assert.equal(challenge.error, 'insufficient_scope');
      assert.equal(challenge.scope, 'mcp');
      assert.match(await refused.text(), /this server needs scope mcp/);
      assert.equal(host.server.sessionCount, 0);
    });

    test("another subject's token cannot use a session; a new token of the same subject can", async (t) => {
      const { as, host } = await setUp(t, mode);
      let aliceToken = await as.token({ resource: host.origin, scope: 'mcp' });
      const alice = await connect(t, host, 'Streamable HTTP 2025', () => aliceToken);
      await alice.callTool('whoami');
      const sessionId = alice.answers.at(-1)!.headers.get('mcp-session-id')!;
      const bobToken = await as.token({ client: 'bob', resource: host.origin, scope: 'mcp' });
      const ping = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' });
      const asBob = await fetch(`${host.origin}/mcp`, {
        method: 'POST',
        headers: {
          Accept: 'application/json, text/event-stream',
          'Content-Type': 'application/json',
          'Mcp-Session-Id': sessionId,
          'MCP-Protocol-Version': '2025-11-25',
          Authorization: `Bearer ${bobToken}`,
        },
        body: ping,
      });
      assert.equal(asBob.status, 403);
      assert.match(
        await asBob.text(),
        new RegExp(`session \\\\"${sessionId}\\\\" belongs to another principal`),
      );
      // A refreshed token (another jti, other scopes) of the same subject keeps the session.
      aliceToken = await as.token({ resource: host.origin, scope: 'mcp files:write' });
      assert.equal(await alice.callTool('write_file', { path: '/c' }), 'wrote /c');
      assert.equal(alice.answers.at(-1)!.headers.get('mcp-session-id'), sessionId);
      const seen = JSON.parse(await alice.callTool('whoami')) as Seen;
      assert.deepEqual(seen.scopes, ['mcp', 'files:write'], "ctx.principal is this request's token");
    });

    test('a sealed requestState belongs to the subject: a fresh token of it goes on, another subject gets -32602', async (t) => {
      const { as, host } = await setUp(t, mode);
      const url = `${host.origin}/mcp`;
      const as_ = (token: string) => ({
        headers: { Authorization: `Bearer ${token}` },
        capabilities: { elicitation: {} },
      });
      const first = jsonOf(
        await modernPost(
          url,
          'tools/call',
          { name: 'ask_name', arguments: {} },
          as_(await as.token({ resource: host.origin, scope: 'mcp' })),
        ),
      );
      assert.equal(first.result?.resultType, 'input_required');
      const retry = {
        name: 'ask_name',
        arguments: {},
        requestState: first.result?.requestState,
        inputResponses: { 'elicit-0': { action: 'accept', content: { name: 'Ann' } } },
      };
      const bob = await as.token({ client: 'bob', resource: host.origin, scope: 'mcp' });
      const stolen = await modernPost(url, 'tools/call', retry, as_(bob));
      assert.equal(stolen.status, 400);
      assert.equal(jsonOf(stolen).error?.code, -32602);
      assert.match(jsonOf(stolen).error!.message, /not issued for this request and caller/);
      const fresh = await as.token({ resource: host.origin, scope: 'mcp files:read' });
      const done = jsonOf(await modernPost(url, 'tools/call', retry, as_(fresh)));
      assert.equal(done.result?.resultType, 'complete');
      assert.deepEqual(done.result?.content, [{ type: 'text', text: 'hello Ann' }]);
    });

    test('2026-07-28 listen streams belong to their token subject; a listen on a resource needs its scope', async (t) => {
      const { as, host } = await setUp(t, mode);
      const url = `${host.origin}/mcp`;
      const events = { 'dev.mcp-live/events': { methods: ['note', 'marker'] } };
      const streams = [];
      for (const [id, who] of [
        [1, 'alice'],
        [2, 'bob'],
      ] as const) {
        const token = await as.token({ client: who, resource: host.origin, scope: 'mcp' });
        const headers = { Authorization: `Bearer ${token}` };
        const stream = await openModern(
          t,
          url,
          'subscriptions/listen',
          { notifications: events },
          { id, headers },
        );
        await stream.message((m) => m.method === 'notifications/subscriptions/acknowledged', 3_000);
        streams.push(stream);
      }
      await host.server.broadcast('note', { for: 'alice' }, { principal: { iss: as.issuer, sub: 'alice' } });
      await host.server.broadcast('marker', {});
      const [alice, bob] = streams;
      const firstOf = async (stream: typeof alice) =>
        (await stream!.message((m) => m.method === 'note' || m.method === 'marker', 3_000)).message.method;
      assert.equal(await firstOf(alice), 'note');
      assert.equal(await firstOf(bob), 'marker', 'bob heard no note');

      const token = await as.token({ resource: host.origin, scope: 'mcp' });
      const refused = await modernPost(
        url,
        'subscriptions/listen',
        { notifications: { resourceSubscriptions: ['notes://secret'] } },
        { headers: { Authorization: `Bearer ${token}` } },
      );
      assert.equal(refused.status, 403);
      assert.equal(challengeOf(refused.headers['www-authenticate']).scope, 'mcp notes:read');
    });

    test('broadcasts to one principal reach its sessions only, whatever token they opened with', async (t) => {
      const { as, host } = await setUp(t, mode);
      const heard: Record<string, string[]> = { alice: [], bob: [] };
      for (const who of ['alice', 'bob'] as const) {
        const token = await as.token({ client: who, resource: host.origin, scope: 'mcp' });
        const client = new ClientV1({ name: who, version: '1' });
        client.fallbackNotificationHandler = async (n) => void heard[who]!.push(n.method);
        const bearer: typeof fetch = (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('Authorization', `Bearer ${token}`);
          return fetch(input, { ...init, headers });
        };
        await client.connect(new SSEClientTransport(new URL(`${host.origin}/sse`), { fetch: bearer }));
        t.after(() => client.close());
      }
      const reached = await host.server.broadcast(
        'notes/changed',
        {},
        { principal: { iss: as.issuer, sub: 'bob' } },
      );
      assert.equal(reached, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(heard, { alice: [], bob: ['notes/changed'] });
    });
  });
}
