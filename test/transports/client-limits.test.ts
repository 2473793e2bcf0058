// What one client may hold and how long it may take: maxSessionsPerClient across wires (sessions and
// 2026-07-28 requests in flight, listen streams among them), initializeTimeout for HTTP+SSE streams,
// bodyTimeout for POST bodies, and headersTimeout on the server listen() starts.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { defaultClientKey } from '../../src/transports/http/client-limits.ts';
import type { HTTPRequestInfo } from '../../src/transports/http/exchange.ts';
import { McpHttpServer, type McpHttpServerOptions } from '../../src/transports/index.ts';
import { EventStream, INITIALIZE, post } from './harness.ts';
import { modernHeaders, modernMessage, openModern } from './stateless-harness.ts';
import { mcpPost } from './streamable-harness.ts';

async function start(t: TestContext, options: McpHttpServerOptions) {
  const server = new McpServer({ name: 'client-limits', version: '1.0.0' });
  server.tool('noop', {}, () => 'ok');
  const http = new McpHttpServer(server, options);
  const { url } = await http.listen('127.0.0.1:0');
  t.after(async () => {
    await http.close({ timeout: 0 });
    await server.close();
  });
  return { server, url, origin: new URL(url).origin };
}

/** Names the client by a header, as a trusted proxy's forwarded address would. */
const byHeader = (req: HTTPRequestInfo) => req.headers.get('x-client') ?? undefined;

const initialize2025 = {
  ...INITIALIZE,
  params: { ...INITIALIZE.params, protocolVersion: '2025-11-25' },
};

/** A raw HTTP exchange: writes `head` (and `body`), then reads until the server closes. */
function raw(port: number, head: string, body = ''): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, ms: Date.now() - started }));
    socket.write(head + body);
    // Bounded: the test fails rather than hangs should the server never close.
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

describe('the default client of a request', () => {
  test('is its principal, else its peer address; loopback peers and unknown addresses are not counted', () => {
    const req = (remoteAddress: string | undefined) => ({ remoteAddress }) as HTTPRequestInfo;
    assert.equal(defaultClientKey(req('203.0.113.5'), undefined), 'address 203.0.113.5');
    assert.equal(defaultClientKey(req('203.0.113.5'), 'alice'), 'principal alice');
    assert.equal(defaultClientKey(req(undefined), { sub: 'bob' }), 'principal {"sub":"bob"}');
    for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      assert.equal(defaultClientKey(req(local), undefined), undefined, local);
    }
    assert.equal(defaultClientKey(req(undefined), undefined), undefined);
  });
});

describe('maxSessionsPerClient', () => {
  test('counts one client across both wires: the next session gets 429 with Retry-After, others go on, a closed one frees its slot', async (t) => {
    const { url, origin } = await start(t, { maxSessionsPerClient: 2, clientKey: byHeader });
    const a = { 'x-client': 'a' };
    const sse = await EventStream.open(t, `${origin}/sse`, a);
    assert.equal(sse.status, 200);
    const streamable = await mcpPost(url, initialize2025, a);
    assert.equal(streamable.status, 200);
    const third = await EventStream.open(t, `${origin}/sse`, a);
    assert.equal(third.status, 429);
    assert.equal(third.headers['retry-after'], '5');
    const refused = await mcpPost(url, initialize2025, a);
    assert.equal(refused.status, 429);
    assert.match(refused.body, /maxSessionsPerClient/);
    const other = await mcpPost(url, initialize2025, { 'x-client': 'b' });
    assert.equal(other.status, 200, 'another client is not affected');
    sse.close(); // without a grace period, its session closes
    let again = await mcpPost(url, initialize2025, a);
    for (let i = 0; i < 50 && again.status === 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await mcpPost(url, initialize2025, a);
    }
    assert.equal(again.status, 200, 'the closed session freed its slot');
  });

  test('a 2026-07-28 listen stream holds a slot while it is open', async (t) => {
    const { url } = await start(t, { maxSessionsPerClient: 1, clientKey: byHeader });
    const headers = { 'x-client': 'a' };
    const listen = await openModern(
      t,
      url,
      'subscriptions/listen',
      { notifications: { toolsListChanged: true } },
      {
        headers,
      },
    );
    assert.equal(listen.status, 200);
    const ping = () =>
      mcpPost(
        url,
        modernMessage('server/discover', {}, { id: 2 }),
        modernHeaders('server/discover', {}, headers),
      );
    const refused = await ping();
    assert.equal(refused.status, 429);
    assert.match(refused.body, /maxSessionsPerClient/);
    listen.close();
    let answered = await ping();
    for (let i = 0; i < 50 && answered.status === 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answered = await ping();
    }
    assert.equal(answered.status, 200);
  });

  test('by default counts authenticated principals, whatever address they come from', async (t) => {
    const { url } = await start(t, {
      maxSessionsPerClient: 1,
      authenticate: (req) => req.headers.get('authorization')?.replace(/^Bearer /, '') || undefined,
    });
    assert.equal((await mcpPost(url, initialize2025, { Authorization: 'Bearer alice' })).status, 200);
    assert.equal((await mcpPost(url, initialize2025, { Authorization: 'Bearer alice' })).status, 429);
    assert.equal((await mcpPost(url, initialize2025, { Authorization: 'Bearer bob' })).status, 200);
  });
});

describe('deadlines', () => {
  test('an HTTP+SSE stream whose client does not initialize within initializeTimeout is closed; one that does stays', async (t) => {
    const { server, origin } = await start(t, { initializeTimeout: 150 });
    const reasons: string[] = [];
    server.on('sessionClosed', (_session, reason) => void reasons.push(reason));
    const silent = await EventStream.open(t, `${origin}/sse`);
    const polite = await EventStream.open(t, `${origin}/sse`);
    const endpoint = new URL(await polite.endpoint(), origin).href;
    assert.equal((await post(endpoint, INITIALIZE)).status, 202);
    await silent.closed(3_000);
    assert.match(reasons[0] ?? '', /did not complete initialize within 150 ms \(initializeTimeout\)/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(polite.ended, false, 'the initialized session stays');
  });

  for (const wire of ['Streamable HTTP', 'HTTP+SSE'] as const) {
    test(`a POST body that does not arrive within bodyTimeout gets 408 and its connection closes (${wire})`, async (t) => {
      const { url, origin } = await start(t, { bodyTimeout: 200 });
      const { port } = new URL(url);
      let path = '/mcp';
      let session = '';
      if (wire === 'HTTP+SSE') {
        const stream = await EventStream.open(t, `${origin}/sse`);
        const endpoint = new URL(await stream.endpoint(), origin);
        path = endpoint.pathname + endpoint.search;
      } else {
        const answer = await mcpPost(url, initialize2025);
        session = `Mcp-Session-Id: ${answer.headers['mcp-session-id']}\r\nMCP-Protocol-Version: 2025-11-25\r\n`;
      }
      const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${session}Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n`;
      const { answer, ms } = await raw(Number(port), head, '{"jsonrpc"');
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.match(answer, /bodyTimeout \(200 ms\)/);
      assert.ok(ms >= 150 && ms < 5_000, `closed after ${ms} ms`);
    });
  }

  test('a client that does not finish its headers within headersTimeout is answered 408 and closed; an open event stream is not', async (t) => {
    const { url, origin } = await start(t, { headersTimeout: 300, bodyTimeout: 300 });
    const stream = await EventStream.open(t, `${origin}/sse`);
    const { port } = new URL(url);
    const { answer, ms } = await raw(
      Number(port),
      `GET /sse HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `,
    );
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(ms >= 250 && ms < 5_000, `closed after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(stream.ended, false, 'the event stream outlived both deadlines');
  });
});
