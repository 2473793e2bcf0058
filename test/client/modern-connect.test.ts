// How the client picks a protocol: 2026-07-28 first (server/discover), then a 2025 session, then HTTP+SSE;
// what it reports once connected; options that pin one; methods 2026-07-28 removed fail before sending.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as z from 'zod';
import { McpClient } from '../../src/client/mcp-client.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { isProtocolError } from '../../src/protocol/protocol-error.ts';
import { clientFor, startSSEPeer, startStreamablePeer } from './helpers.ts';
import {
  CAPABILITIES_KEY,
  CLIENT_INFO_KEY,
  recordingFetch,
  startHost,
  VERSION_KEY,
} from './modern-helpers.ts';

describe('protocol choice', () => {
  test("'auto' speaks 2026-07-28 to mcp-live: server/discover, no session, identity from the discover result", async (t) => {
    const host = await startHost(t, (server) => server.tool('echo', {}, () => 'hi'));
    const { fetch, sent } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch, clientInfo: { name: 'tester', version: '9.9.9' } });
    const result = await client.connect();
    assert.equal(client.protocolVersion, '2026-07-28');
    assert.equal(client.transport, 'stateless');
    assert.equal(client.sessionId, undefined);
    assert.deepEqual(client.serverInfo, { name: 'modern-peer', version: '2.0.0' });
    assert.deepEqual(client.serverCapabilities?.tools, { listChanged: true });
    assert.equal(client.instructions, 'Use the echo tool to test.');
    assert.equal(result.protocolVersion, '2026-07-28');
    assert.equal(host.server.sessionCount, 0, 'no session was opened');

    assert.equal(sent.length, 1);
    const [discover] = sent;
    assert.equal(discover?.body.method, 'server/discover');
    assert.equal(discover?.headers.get('mcp-protocol-version'), '2026-07-28');
    assert.equal(discover?.headers.get('mcp-method'), 'server/discover');
    assert.equal(discover?.headers.get('mcp-session-id'), null);
    assert.deepEqual(discover?.body.params?._meta, {
      [VERSION_KEY]: '2026-07-28',
      [CLIENT_INFO_KEY]: { name: 'tester', version: '9.9.9' },
      [CAPABILITIES_KEY]: {},
    });
    assert.equal((await client.callTool('echo')).content[0]?.type, 'text');
    assert.equal(host.server.sessionCount, 0);
  });

  test("'auto' falls back to a 2025 session against a server that only speaks 2025 (the official SDK 1.x)", async (t) => {
    const peer = await startStreamablePeer(t, {
      setup: (server) =>
        server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
          content: [{ type: 'text', text: String(a + b) }],
        })),
    });
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    assert.equal(client.transport, 'streamable-http');
    assert.equal(client.protocolVersion, '2025-11-25');
    assert.match(client.sessionId ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      peer.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { method: string }).method),
      ['server/discover', 'initialize', 'notifications/initialized'],
    );
    const call = await client.callTool('add', { a: 2, b: 3 });
    assert.deepEqual(call.content, [{ type: 'text', text: '5' }]);
  });

  test("'auto' falls back to HTTP+SSE when neither 2026-07-28 nor a 2025 session is served there", async (t) => {
    const peer = await startSSEPeer(t);
    const client = clientFor(t, { url: peer.url });
    await client.connect();
    assert.equal(client.transport, 'sse');
    assert.equal(client.protocolVersion, '2025-11-25');
    assert.deepEqual(
      peer.requests.slice(0, 3).map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`),
      ['POST /sse', 'POST /sse', 'GET /sse'],
    );
    assert.equal((peer.requests[0]?.body as { method?: string } | undefined)?.method, 'server/discover');
    assert.equal((peer.requests[1]?.body as { method?: string } | undefined)?.method, 'initialize');
  });

  test("'auto' falls back to a session when discover is answered -32601, -32022 or without 2026-07-28", async (t) => {
    const host = await startHost(t);
    const answers: Array<(id: unknown) => Response> = [
      (id) =>
        Response.json(
          { jsonrpc: '2.0', id, error: { code: -32601, message: 'no such method' } },
          { status: 404 },
        ),
      (id) =>
        Response.json(
          {
            jsonrpc: '2.0',
            id,
            error: { code: -32022, message: 'unsupported', data: { supported: ['2025-11-25'] } },
          },
          { status: 400 },
        ),
      (id) =>
        Response.json({
          jsonrpc: '2.0',
          id,
          result: { supportedVersions: ['2025-11-25'], capabilities: {} },
        }),
    ];
    for (const [index, answer] of answers.entries()) {
      const methods: string[] = [];
      // A gateway in front of mcp-live that answers server/discover as a server without 2026-07-28 would.
      const gateway: typeof fetch = (input, init) => {
        const body = JSON.parse(String(init?.body ?? '{}')) as { id?: unknown; method?: string };
        if (init?.method === 'POST') methods.push(String(body.method));
        if (body.method === 'server/discover') return Promise.resolve(answer(body.id));
        return fetch(input, init);
      };
      const client = clientFor(t, { url: host.url, fetch: gateway });
      await client.connect();
      assert.equal(client.transport, 'streamable-http', `answer ${index}`);
      assert.equal(client.protocolVersion, '2025-11-25');
      assert.deepEqual(methods, ['server/discover', 'initialize', 'notifications/initialized']);
    }
  });

  test("a -32020 answer to discover is a 2026 server refusing the request: 'auto' does not fall back", async (t) => {
    const host = await startHost(t);
    const refusing: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete('mcp-method');
      return fetch(input, { ...init, headers });
    };
    const client = clientFor(t, { url: host.url, fetch: refusing });
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(isProtocolError(error));
      assert.equal(error.code, -32020);
      assert.match(error.message, /Mcp-Method header is missing/);
      return true;
    });
    assert.equal(host.server.sessionCount, 0, 'no session was opened instead');
  });

  test("protocol '2026-07-28' against a discover result without it fails with REMOTE_ERROR naming the versions", async (t) => {
    const host = await startHost(t);
    const client = clientFor(t, {
      url: host.url,
      protocol: '2026-07-28',
      fetch: async (_input, init) => {
        const { id } = JSON.parse(String(init?.body)) as { id: unknown };
        return Response.json({
          jsonrpc: '2.0',
          id,
          result: { supportedVersions: ['2025-06-18'], capabilities: {} },
        });
      },
    });
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'REMOTE_ERROR'));
      assert.match(error.message, /supportedVersions \["2025-06-18"\], without 2026-07-28/);
      return true;
    });
  });

  test("protocol '2025' and the older transport option hold a session with mcp-live, as before", async (t) => {
    const host = await startHost(t);
    for (const options of [{ protocol: '2025' as const }, { transport: 'auto' as const }]) {
      const { fetch, methods } = recordingFetch();
      const client = clientFor(t, { url: host.url, fetch, ...options });
      await client.connect();
      assert.equal(client.transport, 'streamable-http', JSON.stringify(options));
      assert.equal(methods()[0], 'initialize');
      assert.ok(client.sessionId !== undefined);
    }
  });

  test("protocol '2026-07-28' against a 2025-only server fails, saying what the server answered", async (t) => {
    const peer = await startStreamablePeer(t);
    const client = clientFor(t, { url: peer.url, protocol: '2026-07-28' });
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'HTTP_STATUS'));
      assert.match(error.message, /POST http:\/\/127\.0\.0\.1:\d+\/mcp answered 400/);
      return true;
    });
    assert.ok(
      !peer.requests.some((r) => (r.body as { method?: string } | undefined)?.method === 'initialize'),
    );
  });

  test('protocol and transport that disagree are refused, naming both', () => {
    for (const [protocol, transport] of [
      ['sse', 'streamable-http'],
      ['2026-07-28', 'sse'],
      ['auto', 'sse'],
    ] as const) {
      assert.throws(
        () => new McpClient({ url: 'http://127.0.0.1:1/mcp', protocol, transport }),
        (error: unknown) =>
          isMcpLiveError(error, 'INVALID_OPTION') &&
          error.message.includes(`protocol "${protocol}"`) &&
          error.message.includes(`transport "${transport}"`),
      );
    }
    assert.throws(
      () => new McpClient({ url: 'http://127.0.0.1:1/mcp', protocol: '2024' as never }),
      /option protocol is "2024"; expected 'auto', '2026-07-28', '2025' or 'sse'/,
    );
    const agreeing = new McpClient({
      url: 'http://127.0.0.1:1/mcp',
      protocol: '2026-07-28',
      transport: 'streamable-http',
    });
    assert.equal(agreeing.connected, false);
  });
});

describe('methods 2026-07-28 removed', () => {
  test('ping, subscribe and setLogLevel fail at once with CAPABILITY_MISSING and send nothing', async (t) => {
    const host = await startHost(t, (server) => server.resource('memo://a', { name: 'a' }, () => 'a'));
    const { fetch, sent } = recordingFetch();
    const client = clientFor(t, { url: host.url, fetch });
    await client.connect();
    const before = sent.length;
    await assert.rejects(client.ping(), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'CAPABILITY_MISSING'));
      assert.match(error.message, /"ping" does not exist in MCP 2026-07-28/);
      return true;
    });
    await assert.rejects(
      client.subscribe('memo://a'),
      /client\.listen\(\{ resourceSubscriptions: \[uri\] \}\)/,
    );
    await assert.rejects(client.setLogLevel('debug'), /"logging\/setLevel" does not exist/);
    await assert.rejects(client.notify('notifications/roots/list_changed'), (error: unknown) =>
      isMcpLiveError(error, 'CAPABILITY_MISSING'),
    );
    assert.equal(sent.length, before, 'nothing reached the server');
  });

  test('listen() on a 2025 session says it is a 2026-07-28 request and points to subscribe()', async (t) => {
    const host = await startHost(t);
    const client = clientFor(t, { url: host.url, protocol: '2025' });
    await client.connect();
    await assert.rejects(client.listen({ toolsListChanged: true }), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'CAPABILITY_MISSING'));
      assert.match(error.message, /subscriptions\/listen, a MCP 2026-07-28 request/);
      assert.match(error.message, /subscribe\(uri\)/);
      return true;
    });
  });
});
