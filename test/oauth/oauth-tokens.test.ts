// Bearer tokens from a real authorization server (oidc-provider on loopback) against an mcp-live
// server with OAuthResourceServer: what is taken, what is refused and how each refusal reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { delay, MODES } from '../transports/harness.ts';
import { startAuthorizationServer } from './authorization-server.ts';
import { challengeOf, startOAuthHost } from './oauth-host.ts';

const ACCEPT = 'application/json, text/event-stream';
const MODERN = '2026-07-28';

function initialize(token?: string): RequestInit {
  const headers: Record<string, string> = { Accept: ACCEPT, 'Content-Type': 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const params = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } };
  return {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params }),
  };
}

/** A 2026-07-28 `tools/call`, with its mirrored headers. */
function modernCall(name: string, args: Record<string, unknown>, token?: string): RequestInit {
  const headers: Record<string, string> = {
    Accept: ACCEPT,
    'Content-Type': 'application/json',
    'MCP-Protocol-Version': MODERN,
    'Mcp-Method': 'tools/call',
    'Mcp-Name': name,
  };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const body = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args, _meta } };
  return { method: 'POST', headers, body: JSON.stringify(body) };
}

/** The text of a 2026-07-28 `tools/call` answer (one JSON body or an event stream). */
async function toolText(response: Response): Promise<string> {
  const body = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json')
    ? body
    : body
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .at(-1)!
        .slice(6);
  return (JSON.parse(json) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text;
}

for (const mode of MODES) {
  describe(`OAuth bearer tokens (${mode})`, () => {
    test('the metadata document is served at its well-known URL, path-suffixed for a resource with a path', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const root = await fetch(`${host.origin}/.well-known/oauth-protected-resource`);
      assert.equal(root.status, 200);
      assert.equal(root.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await root.json(), {
        resource: host.origin,
        authorization_servers: [as.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['mcp'],
      });
      assert.equal((await fetch(`${host.origin}/.well-known/oauth-protected-resource/mcp`)).status, 404);
      const head = await fetch(`${host.origin}/.well-known/oauth-protected-resource`, { method: 'HEAD' });
      assert.deepEqual([head.status, await head.text()], [200, '']);
      const preflight = await fetch(`${host.origin}/.well-known/oauth-protected-resource`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example', 'Access-Control-Request-Headers': 'mcp-protocol-version' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'mcp-protocol-version');
      const post = await fetch(`${host.origin}/.well-known/oauth-protected-resource`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');

      const sub = await startOAuthHost(
        t,
        mode,
        { issuer: as.issuer, resourcePath: '/mcp', metadata: { resource_name: 'Notes' } },
        { sse: false },
      );
      const suffixed = `${sub.origin}/.well-known/oauth-protected-resource/mcp`;
      for (const url of [suffixed, `${sub.origin}/.well-known/oauth-protected-resource`]) {
        const answer = await fetch(url);
        assert.equal(answer.status, 200, url);
        assert.deepEqual(await answer.json(), {
          resource_name: 'Notes',
          resource: `${sub.origin}/mcp`,
          authorization_servers: [as.issuer],
          bearer_methods_supported: ['header'],
        });
      }
      const refused = await fetch(`${sub.origin}/mcp`, initialize());
      assert.equal(challengeOf(refused.headers.get('www-authenticate')).resource_metadata, suffixed);
    });

    test('without a token: 401 naming the metadata and the scopes, on every wire', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const metadata = `${host.origin}/.well-known/oauth-protected-resource`;
      const answers = [
        await fetch(`${host.origin}/mcp`, initialize()),
        await fetch(`${host.origin}/mcp`, modernCall('whoami', {})),
        await fetch(`${host.origin}/sse`, { headers: { Accept: 'text/event-stream' } }),
        await fetch(`${host.origin}/message?sessionId=x`, { method: 'POST', body: '{}' }),
      ];
      for (const answer of answers) {
        assert.equal(answer.status, 401);
        assert.equal(
          answer.headers.get('www-authenticate'),
          `Bearer scope="mcp", resource_metadata="${metadata}"`,
        );
        assert.match(await answer.text(), /no access token; send Authorization: Bearer/);
      }
    });

    test('a valid token is taken; the principal is its subject and issuer, with its scopes', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const token = await as.token({ resource: host.origin, scope: 'mcp files:read' });
      assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
      const answer = await fetch(`${host.origin}/mcp`, modernCall('whoami', {}, token));
      assert.equal(answer.status, 200);
      const seen = JSON.parse(await toolText(answer));
      assert.equal(seen.sub, 'alice');
      assert.equal(seen.iss, as.issuer);
      assert.equal(seen.client, 'alice');
      assert.deepEqual(seen.scopes, ['mcp', 'files:read']);
      // What sessions and sealed states are bound to: the identity, never the token.
      assert.deepEqual(seen.sessionPrincipal, { iss: as.issuer, sub: 'alice' });
    });

    test('wrong audience, wrong issuer, expiry and a bad signature: 401 invalid_token saying which', async (t) => {
      const as = await startAuthorizationServer(t);
      const other = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, clockTolerance: 0 });
      const brief = await as.token({ client: 'brief', resource: host.origin });
      const cases: Array<[string, string, RegExp]> = [
        [
          'audience',
          await as.token({ resource: 'http://127.0.0.1:1/elsewhere' }),
          /audience ["']http:\/\/127\.0\.0\.1:1\/elsewhere["'], not for this server/,
        ],
        [
          'issuer',
          await other.token({ resource: host.origin }),
          new RegExp(`issued by ["']${other.issuer}["'], not by this server's authorization server`),
        ],
        [
          'signature',
          swapSignature(
            await as.token({ resource: host.origin }),
            await as.token({ resource: host.origin, scope: 'mcp' }),
          ),
          /signature that does not verify/,
        ],
        ['not a JWT', 'abc.def.ghi', /is not a JWT/],
      ];
      await delay(2100); // `brief`'s tokens live 1 s
      cases.push(['expiry', brief, /expired at \d{4}-/]);
      for (const [what, token, description] of cases) {
        const answer = await fetch(`${host.origin}/mcp`, modernCall('whoami', {}, token));
        assert.equal(answer.status, 401, what);
        const challenge = challengeOf(answer.headers.get('www-authenticate'));
        assert.equal(challenge.error, 'invalid_token', what);
        assert.match(challenge.error_description!, description, what);
        assert.equal(challenge.resource_metadata, `${host.origin}/.well-known/oauth-protected-resource`);
        assert.match(await answer.text(), description, what);
      }
    });

    test('a token in the query string or a malformed header: 400 invalid_request', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer });
      const token = await as.token({ resource: host.origin });
      const inQuery = await fetch(`${host.origin}/mcp?access_token=${token}`, modernCall('whoami', {}));
      assert.equal(inQuery.status, 400);
      assert.equal(challengeOf(inQuery.headers.get('www-authenticate')).error, 'invalid_request');
      assert.match(await inQuery.text(), /in the URL query, where MCP forbids it/);
      const init = modernCall('whoami', {});
      (init.headers as Record<string, string>).Authorization = `Bearer ${token} ${token}`;
      const twice = await fetch(`${host.origin}/mcp`, init);
      assert.equal(twice.status, 400);
      assert.match(await twice.text(), /malformed: expected "Bearer", one space and one token/);
      (init.headers as Record<string, string>).Authorization = 'Basic YTpi';
      const basic = await fetch(`${host.origin}/mcp`, init);
      assert.equal(basic.status, 401);
      assert.equal(challengeOf(basic.headers.get('www-authenticate')).error, undefined);
      assert.match(await basic.text(), /uses the "Basic" scheme; this server takes Bearer tokens/);
    });

    test('key rotation: tokens signed with the new key verify, and so do those of the old one', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, jwksCooldown: 0 });
      const before = await as.token({ resource: host.origin });
      assert.equal((await fetch(`${host.origin}/mcp`, modernCall('whoami', {}, before))).status, 200);
      assert.equal(as.jwksFetches, 1);
      await as.rotateKeys();
      const after = await as.token({ resource: host.origin });
      assert.equal(decodeProtectedHeader(after).kid, 'k2');
      assert.equal((await fetch(`${host.origin}/mcp`, modernCall('whoami', {}, after))).status, 200);
      assert.equal(as.jwksFetches, 2, 'an unknown key id fetched the JWKS again');
      assert.equal((await fetch(`${host.origin}/mcp`, modernCall('whoami', {}, before))).status, 200);
      assert.equal(as.jwksFetches, 2, 'known keys come from the cache');
    });

    test('an unreachable authorization server: 503 with Retry-After, reported once per request', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, {
        issuer: as.issuer,
        jwksUri: 'http://127.0.0.1:1/jwks',
        timeout: 2_000,
      });
      const token = await as.token({ resource: host.origin });
      const answer = await fetch(`${host.origin}/mcp`, modernCall('whoami', {}, token));
      assert.equal(answer.status, 503);
      assert.equal(answer.headers.get('retry-after'), '5');
      assert.match(await answer.text(), /cannot be verified now/);
      assert.equal(host.errors.length, 1);
      assert.ok(isMcpLiveError(host.errors[0], 'AUTHORIZATION_SERVER_UNAVAILABLE'));
      assert.match(
        (host.errors[0] as Error).message,
        /signing keys of http:\/\/127\.0\.0\.1:\d+ could not be fetched/,
      );
    });
  });
}

/** `token` with the signature of `donor`: same header and claims, a signature that is not theirs. */
function swapSignature(token: string, donor: string): string {
  assert.equal(decodeJwt(token).iss, decodeJwt(donor).iss);
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${donor.split('.')[2]}`;
}
