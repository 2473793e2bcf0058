// The official SDK's v2 client pinned to MCP 2026-07-28 and its v1 client (initialize and a session)
// against one mcp-live server and one endpoint at the same time, over real sockets: the same handlers
// serve both eras, elicitation and sampling as input_required rounds for one and as server→client
// requests for the other.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as StreamableHTTPClientTransportV2,
  type VersionNegotiationMode,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as StreamableHTTPClientTransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { McpHttpServer, StreamableHTTPServer } from '../../src/transports/index.ts';
import { MODES, type Mode, toNodeListener, until } from '../transports/harness.ts';

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

/** What the handlers saw, to check that answers reached them and which era each call ran in. */
interface Seen {
  names: Array<{ name: string; era: string }>;
  replies: Array<{ text: string; era: string }>;
  /** Resolves once the test opens `caller`'s gate. */
  gate(caller: string): Promise<void>;
  open(caller: string): void;
}

function newSeen(): Seen {
  const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const get = (caller: string) => {
    let gate = gates.get(caller);
    if (gate === undefined) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      gate = { promise, resolve };
      gates.set(caller, gate);
    }
    return gate;
  };
  return {
    names: [],
    replies: [],
    gate: (caller) => get(caller).promise,
    open: (caller) => get(caller).resolve(),
  };
}

const era = (ctx: { stateless: boolean; protocolVersion: string | undefined }) =>
  `${ctx.stateless ? 'stateless' : 'session'} ${ctx.protocolVersion}`;

function demoServer(seen: Seen): McpServer {
  const server = new McpServer({ name: 'dual-era', version: '1.0.0' });
  server.tool('era', {}, (_args, ctx) => era(ctx));
  server.tool('ask_name', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({
      message: 'Your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
    const name = String(answer.content?.name);
    seen.names.push({ name, era: era(ctx) });
    return `hello ${name}`;
  });
  server.tool('ask_llm', {}, async (_args, ctx) => {
    const answer = await ctx.sample({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }],
      maxTokens: 10,
    });
    const text = answer.content.type === 'text' ? answer.content.text : answer.content.type;
    seen.replies.push({ text, era: era(ctx) });
    return `the model said: ${text}`;
  });
  server.tool('halfway', { input: { caller: s.string().required() } }, async ({ caller }, ctx) => {
    ctx.progress(1, 2, 'halfway');
    // Goes on only once the caller has seen that progress: it must arrive while the tool still runs.
    await seen.gate(caller);
    ctx.progress(2, 2, 'done');
    // Answers only once the caller has that progress too: a client may handle a notification later
    // than a response that follows it (the v1 client does, by a microtask), and the machine may be slow.
    await seen.gate(`${caller}:done`);
    return `done for ${caller}`;
  });
  server.resource('memo://greeting', { name: 'greeting', mimeType: 'text/plain' }, () => 'hello, reader');
  server.prompt('greet', { arguments: { who: { required: true } } }, ({ who }) => `Please greet ${who}`);
  return server;
}

interface Host {
  server: McpServer;
  seen: Seen;
  /** The Streamable HTTP endpoint both eras share. */
  mcpURL: string;
  /** The HTTP+SSE endpoint, when the host serves that wire too. */
  sseURL: string | undefined;
}

type Kind = 'StreamableHTTPServer' | 'McpHttpServer';

async function startHost(t: TestContext, kind: Kind, mode: Mode): Promise<Host> {
  const seen = newSeen();
  const server = demoServer(seen);
  const transport =
    kind === 'StreamableHTTPServer' ? new StreamableHTTPServer(server) : new McpHttpServer(server);
  const http = createServer(
    mode === 'node' ? (req, res) => void transport.handleNode(req, res) : toNodeListener(transport.fetch),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    server,
    seen,
    mcpURL: `${origin}/mcp`,
    sseURL: kind === 'McpHttpServer' ? `${origin}/sse` : undefined,
  };
}

/** Every JSON-RPC message the v2 client POSTed, in order. */
type Posted = Array<Record<string, unknown>>;

async function connectV2(t: TestContext, host: Host, mode: VersionNegotiationMode = { pin: '2026-07-28' }) {
  const posted: Posted = [];
  const recording: typeof fetch = (input, init) => {
    if (typeof init?.body === 'string') posted.push(JSON.parse(init.body) as Record<string, unknown>);
    return fetch(input, init);
  };
  const client = new ClientV2(
    { name: 'sdk-v2', version: '2.4.0' },
    { capabilities: { elicitation: {}, sampling: {} }, versionNegotiation: { mode } },
  );
  const errors: unknown[] = [];
  client.onerror = (error) => void errors.push(error);
  const transport = new StreamableHTTPClientTransportV2(new URL(host.mcpURL), { fetch: recording });
  await client.connect(transport);
  t.after(() => client.close());
  return { client, posted, errors };
}

interface Legacy {
  label: string;
  client: ClientV1;
}

/** v1 clients with sessions: Streamable HTTP on the shared endpoint, and HTTP+SSE where the host has it. */
async function connectV1(t: TestContext, host: Host): Promise<Legacy[]> {
  const wires: Array<{ label: string; transport: TransportV1 }> = [
    { label: 'v1 Streamable HTTP', transport: new StreamableHTTPClientTransportV1(new URL(host.mcpURL)) },
  ];
  if (host.sseURL !== undefined) {
    wires.push({ label: 'v1 HTTP+SSE', transport: new SSEClientTransport(new URL(host.sseURL)) });
  }
  return Promise.all(
    wires.map(async ({ label, transport }) => {
      const client = new ClientV1(
        { name: 'sdk-v1', version: '1.0.0' },
        { capabilities: { elicitation: {}, sampling: {} } },
      );
      await client.connect(transport);
      t.after(() => client.close());
      return { label, client };
    }),
  );
}

const text = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text;

for (const kind of ['StreamableHTTPServer', 'McpHttpServer'] as const) {
  for (const mode of MODES) {
    describe(`SDK v2 (2026-07-28) beside SDK v1 (sessions) on one ${kind} (${mode})`, () => {
      test('both eras discover, list and call tools, read the resource and get the prompt at once', async (t) => {
        const host = await startHost(t, kind, mode);
        const [{ client: v2, errors }, legacy] = await Promise.all([connectV2(t, host), connectV1(t, host)]);
        assert.equal(v2.getProtocolEra(), 'modern');
        assert.equal(v2.getNegotiatedProtocolVersion(), '2026-07-28');
        assert.deepEqual(v2.getServerVersion(), { name: 'dual-era', version: '1.0.0' });
        const discovered = await v2.discover();
        assert.equal(discovered.supportedVersions[0], '2026-07-28');
        assert.ok(discovered.supportedVersions.includes('2025-11-25'), 'the 2025 revisions are listed too');
        assert.deepEqual(discovered.capabilities.tools, { listChanged: true });
        assert.deepEqual(discovered._meta?.[SERVER_INFO], { name: 'dual-era', version: '1.0.0' });
        assert.equal(host.server.sessionCount, legacy.length, 'only the v1 clients hold sessions');

        const [modernEra, ...legacyEras] = await Promise.all([
          v2.callTool({ name: 'era', arguments: {} }),
          ...legacy.map(({ client }) => client.callTool({ name: 'era', arguments: {} })),
        ]);
        assert.equal(text(modernEra!), 'stateless 2026-07-28');
        for (const result of legacyEras) assert.equal(text(result), 'session 2025-11-25');

        const names = ['ask_llm', 'ask_name', 'era', 'halfway'];
        const lists = await Promise.all([v2.listTools(), ...legacy.map(({ client }) => client.listTools())]);
        for (const { tools } of lists) assert.deepEqual(tools.map((tool) => tool.name).sort(), names);

        const reads = await Promise.all([
          v2.readResource({ uri: 'memo://greeting' }),
          ...legacy.map(({ client }) => client.readResource({ uri: 'memo://greeting' })),
        ]);
        for (const { contents } of reads) {
          assert.deepEqual(contents, [
            { uri: 'memo://greeting', mimeType: 'text/plain', text: 'hello, reader' },
          ]);
        }
        const prompts = await Promise.all([
          v2.getPrompt({ name: 'greet', arguments: { who: 'Ada' } }),
          ...legacy.map(({ client }) => client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } })),
        ]);
        for (const { messages } of prompts) {
          assert.deepEqual(messages, [{ role: 'user', content: { type: 'text', text: 'Please greet Ada' } }]);
        }
        assert.deepEqual(errors, []);
      });

      test('an elicitation is an input_required round for v2 and a server→client request for v1', async (t) => {
        const host = await startHost(t, kind, mode);
        const [{ client: v2, posted, errors }, legacy] = await Promise.all([
          connectV2(t, host),
          connectV1(t, host),
        ]);
        const asked: string[] = [];
        v2.setRequestHandler('elicitation/create', async (request) => {
          asked.push(`v2: ${request.params.message}`);
          return { action: 'accept', content: { name: 'Ada' } };
        });
        legacy.forEach(({ label, client }, i) => {
          client.setRequestHandler(ElicitRequestSchema, async (request) => {
            asked.push(`${label}: ${request.params.message}`);
            return { action: 'accept', content: { name: `Legacy${i}` } };
          });
        });
        const [modern, ...older] = await Promise.all([
          v2.callTool({ name: 'ask_name', arguments: {} }),
          ...legacy.map(({ client }) => client.callTool({ name: 'ask_name', arguments: {} })),
        ]);
        assert.equal(text(modern!), 'hello Ada');
        for (const [i, result] of older.entries()) assert.equal(text(result), `hello Legacy${i}`);
        assert.deepEqual(
          asked.sort(),
          ['v2', ...legacy.map(({ label }) => label)].map((who) => `${who}: Your name?`).sort(),
        );
        assert.deepEqual(
          [...host.seen.names].sort((a, b) => a.name.localeCompare(b.name)),
          [
            { name: 'Ada', era: 'stateless 2026-07-28' },
            ...legacy.map((_, i) => ({ name: `Legacy${i}`, era: 'session 2025-11-25' })),
          ],
        );

        // On the wire: the v2 client asked once, then retried with its answer and the server's state.
        const calls = posted.filter((m) => m.method === 'tools/call');
        assert.equal(calls.length, 2);
        const retry = calls[1]!.params as Record<string, unknown>;
        assert.deepEqual(retry.inputResponses, {
          'elicit-0': { action: 'accept', content: { name: 'Ada' } },
        });
        assert.equal(typeof retry.requestState, 'string');
        assert.ok(
          posted.every((m) => 'method' in m),
          'the v2 client never answered a server→client request: there was none',
        );
        assert.deepEqual(errors, []);
      });

      test('a sampling request is an input_required round for v2 and a server→client request for v1', async (t) => {
        const host = await startHost(t, kind, mode);
        const [{ client: v2, posted }, legacy] = await Promise.all([connectV2(t, host), connectV1(t, host)]);
        v2.setRequestHandler('sampling/createMessage', async () => ({
          role: 'assistant',
          content: { type: 'text', text: 'hi from v2' },
          model: 'test-model',
        }));
        for (const { client } of legacy) {
          client.setRequestHandler(CreateMessageRequestSchema, async () => ({
            role: 'assistant',
            content: { type: 'text', text: 'hi from v1' },
            model: 'test-model',
          }));
        }
        const [modern, ...older] = await Promise.all([
          v2.callTool({ name: 'ask_llm', arguments: {} }),
          ...legacy.map(({ client }) => client.callTool({ name: 'ask_llm', arguments: {} })),
        ]);
        assert.equal(text(modern!), 'the model said: hi from v2');
        for (const result of older) assert.equal(text(result), 'the model said: hi from v1');
        assert.deepEqual(
          host.seen.replies.filter((r) => r.era.startsWith('stateless')),
          [{ text: 'hi from v2', era: 'stateless 2026-07-28' }],
        );
        const retry = posted.filter((m) => m.method === 'tools/call')[1]?.params as Record<string, unknown>;
        assert.deepEqual(Object.keys(retry.inputResponses as object), ['sample-0']);
      });

      test('progress reaches both eras while the tool is still running', async (t) => {
        const host = await startHost(t, kind, mode);
        const [{ client: v2 }, legacy] = await Promise.all([connectV2(t, host), connectV1(t, host)]);
        const callers = ['v2', ...legacy.map(({ label }) => label)];
        const progress = callers.map(() => [] as unknown[]);
        const onprogress = (i: number) => (p: { progress: number }) => {
          progress[i]!.push(p);
          if (p.progress === 1) host.seen.open(callers[i]!);
          if (p.progress === 2) host.seen.open(`${callers[i]!}:done`);
        };
        // A tool whose progress is held back until it returns would wait for its gate for ever.
        const options = { timeout: 5_000 };
        const results = await Promise.all([
          v2
            .callTool(
              { name: 'halfway', arguments: { caller: 'v2' } },
              { ...options, onprogress: onprogress(0) },
            )
            .catch((error: Error) =>
              assert.fail(`no progress reached the v2 client in time: ${error.message}`),
            ),
          ...legacy.map(({ client, label }, i) =>
            client.callTool({ name: 'halfway', arguments: { caller: label } }, undefined, {
              ...options,
              onprogress: onprogress(i + 1),
            }),
          ),
        ]);
        for (const [i, result] of results.entries()) assert.equal(text(result), `done for ${callers[i]}`);
        for (const seen of progress) {
          assert.deepEqual(seen, [
            { progress: 1, total: 2, message: 'halfway' },
            { progress: 2, total: 2, message: 'done' },
          ]);
        }
      });

      test('a v2 listen and the v1 sessions all hear tools/list_changed; closing the listen ends it', async (t) => {
        const host = await startHost(t, kind, mode);
        const [{ client: v2 }, legacy] = await Promise.all([connectV2(t, host), connectV1(t, host)]);
        const modernHeard: Array<Record<string, unknown> | undefined> = [];
        v2.setNotificationHandler('notifications/tools/list_changed', (n) => void modernHeard.push(n.params));
        const legacyHeard = legacy.map(() => 0);
        legacy.forEach(({ client }, i) => {
          client.setNotificationHandler(ToolListChangedNotificationSchema, () => void legacyHeard[i]!++);
        });
        await v2.listTools();
        const subscription = await v2
          .listen({ toolsListChanged: true }, { timeout: 5_000 })
          .catch((error: Error) => assert.fail(`the listen was not acknowledged: ${error.message}`));
        assert.deepEqual(subscription.honoredFilter, { toolsListChanged: true });
        assert.equal(host.server.subscriptionCount, 1);

        host.server.tool('late', {}, () => 'I came late');
        await until(
          () => modernHeard.length === 1 && legacyHeard.every((n) => n === 1),
          3_000,
          'list_changed',
        );
        const subscriptionId = modernHeard[0]?._meta as Record<string, unknown>;
        assert.equal(typeof subscriptionId[SUBSCRIPTION_ID], 'string', 'tagged with the listen request id');
        assert.ok((await v2.listTools()).tools.some((tool) => tool.name === 'late'));
        assert.equal(text(await v2.callTool({ name: 'late', arguments: {} })), 'I came late');

        await subscription.close();
        assert.equal(await subscription.closed, 'local');
        await until(() => host.server.subscriptionCount === 0, 3_000, 'the server to drop the listen');
        host.server.tool('later', {}, () => 'later');
        await until(() => legacyHeard.every((n) => n === 2), 3_000, 'the second list_changed');
        assert.equal(modernHeard.length, 1, 'a closed listen hears nothing more');
      });

      test('a v2 client in auto mode speaks 2026-07-28 to this dual-era server', async (t) => {
        const host = await startHost(t, kind, mode);
        const { client, posted } = await connectV2(t, host, 'auto');
        assert.equal(client.getProtocolEra(), 'modern');
        assert.equal(text(await client.callTool({ name: 'era', arguments: {} })), 'stateless 2026-07-28');
        assert.equal(posted[0]?.method, 'server/discover');
        assert.ok(!posted.some((m) => m.method === 'initialize'), 'no fallback to initialize');
        assert.equal(host.server.sessionCount, 0);
      });
    });
  }
}
