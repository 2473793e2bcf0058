// The health option: liveness and readiness probes on every HTTP server, over real sockets and the
// fetch adapter, with stores that answer, fail or hang, and while close() drains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from '../../src/client/index.ts';
import { isMcpLiveError, McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';
import { MemorySessionStore } from '../../src/stores/memory-session-store.ts';
import { McpHttpServer, SSEServer, StreamableHTTPServer } from '../../src/transports/index.ts';

async function listening(
  t: { after(fn: () => Promise<void>): void },
  http: { listen: McpHttpServer['listen']; close: McpHttpServer['close'] },
) {
  const { port } = await http.listen('127.0.0.1:0');
  t.after(() => http.close({ timeout: 0 }));
  return `http://127.0.0.1:${port}`;
}

async function getJSON(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

test('without the health option the probe paths are not served', async (t) => {
  const origin = await listening(t, new McpHttpServer(new McpServer({ name: 'h', version: '1' })));
  assert.equal((await fetch(`${origin}/readyz`)).status, 404);
  assert.equal((await fetch(`${origin}/livez`)).status, 404);
});

test('health: true serves /livez and /readyz, naming every store it asked', async (t) => {
  const origin = await listening(
    t,
    new McpHttpServer(new McpServer({ name: 'h', version: '1' }), { health: true }),
  );
  const live = await getJSON(`${origin}/livez`);
  assert.equal(live.status, 200);
  assert.deepEqual(live.body, { status: 'alive' });
  assert.equal(live.headers.get('cache-control'), 'no-store');
  const ready = await getJSON(`${origin}/readyz`);
  assert.equal(ready.status, 200);
  assert.match(ready.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(ready.body, {
    status: 'ready',
    checks: {
      shutdown: { ok: true },
      sessionStore: { ok: true },
      messageBus: { ok: true },
      eventStore: { ok: true },
    },
  });
  const head = await fetch(`${origin}/readyz`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  const post = await fetch(`${origin}/readyz`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});

test('event stores are probed once each: by wire when each has its own, under one name when shared', async (t) => {
  const server = new McpServer({ name: 'h', version: '1' });
  const own = new McpHttpServer(server, { health: true, sse: { reconnectGracePeriod: 1_000 } });
  assert.deepEqual(Object.keys((await own.readiness()).checks), [
    'shutdown',
    'sessionStore',
    'messageBus',
    'eventStore (streamable-http)',
    'eventStore (sse)',
  ]);
  await own.close({ timeout: 0 });
  const eventStore = new MemoryEventStore();
  const shared = new McpHttpServer(server, {
    health: { readyPath: '/health/ready', livePath: '/health/live' },
    sse: { eventStore, reconnectGracePeriod: 1_000 },
    streamableHTTP: { eventStore },
  });
  const origin = await listening(t, shared);
  const ready = await getJSON(`${origin}/health/ready`);
  assert.deepEqual(Object.keys(ready.body.checks), ['shutdown', 'sessionStore', 'messageBus', 'eventStore']);
  assert.equal((await fetch(`${origin}/health/live`)).status, 200);
  assert.equal((await fetch(`${origin}/readyz`)).status, 404);
});

test('probes pass without authentication and whatever the Host, while MCP requests are refused', async (t) => {
  const http = new StreamableHTTPServer(new McpServer({ name: 'h', version: '1' }), {
    health: true,
    authenticate: () => undefined,
    allowedHosts: ['mcp.example.com'],
  });
  const origin = await listening(t, http);
  assert.equal((await fetch(`${origin}/readyz`)).status, 200);
  assert.equal((await fetch(`${origin}/livez`)).status, 200);
  assert.equal((await fetch(`${origin}/mcp`, { method: 'POST', body: '{}' })).status, 403);
});

test('a store that fails or does not answer makes the server not ready, naming the store and why', async (t) => {
  const sessionStore = new MemorySessionStore();
  sessionStore.ready = async () => {
    throw new McpLiveError('STORE_UNAVAILABLE', 'SQLSessionStore: the database refused the connection');
  };
  const eventStore = new MemoryEventStore();
  eventStore.ready = () => new Promise<void>(() => {});
  const server = new McpServer({ name: 'h', version: '1' }, { sessionStore });
  const sse = new SSEServer(server, { health: { timeout: 50 }, eventStore, reconnectGracePeriod: 1_000 });
  const origin = await listening(t, sse);
  const started = Date.now();
  const ready = await getJSON(`${origin}/readyz`);
  assert.ok(Date.now() - started < 2_000, 'the probe waited past its timeout');
  assert.equal(ready.status, 503);
  assert.deepEqual(ready.body, {
    status: 'not ready',
    checks: {
      shutdown: { ok: true },
      sessionStore: { ok: false, error: 'SQLSessionStore: the database refused the connection' },
      messageBus: { ok: true },
      eventStore: { ok: false, error: 'eventStore (MemoryEventStore) did not answer within 50 ms' },
    },
  });
  assert.equal((await fetch(`${origin}/livez`)).status, 200, 'liveness does not depend on the stores');
  assert.equal((await sse.readiness()).status, 'not ready');
});

test('while close() drains, readiness is 503 "draining" and liveness stays 200', async (t) => {
  const server = new McpServer({ name: 'h', version: '1' });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  server.tool('slow', { description: 'Waits until the test releases it' }, async () => {
    started();
    await released;
    return 'done';
  });
  const http = new McpHttpServer(server, { health: true, shutdownTimeout: 10_000 });
  const origin = await listening(t, http);
  const client = await connect(`${origin}/mcp`, { protocol: '2025' });
  t.after(() => client.close());
  const call = client.callTool('slow', {});
  await running;

  const closed = http.close();
  const draining = await getJSON(`${origin}/readyz`);
  assert.equal(draining.status, 503);
  assert.equal(draining.body.status, 'draining');
  assert.deepEqual(draining.body.checks.shutdown, {
    ok: false,
    error: 'close() has begun: the server drains its sessions and takes no new ones',
  });
  const live = await getJSON(`${origin}/livez`);
  assert.equal(live.status, 200);
  assert.deepEqual(live.body, { status: 'alive' });
  release();
  assert.deepEqual((await call).content, [{ type: 'text', text: 'done' }]);
  await closed;
});

test('the fetch adapter serves the probes too', async () => {
  const http = new McpHttpServer(new McpServer({ name: 'h', version: '1' }), { health: true });
  const ready = await http.fetch(new Request('http://mcp.internal/readyz'));
  assert.equal(ready.status, 200);
  assert.equal(((await ready.json()) as { status: string }).status, 'ready');
  await http.close({ timeout: 0 });
  const after = await http.fetch(new Request('http://mcp.internal/readyz'));
  assert.equal(after.status, 503);
  assert.equal(((await after.json()) as { status: string }).status, 'draining');
  assert.equal((await http.fetch(new Request('http://mcp.internal/livez'))).status, 200);
});

test('a wrong health option is refused with an error naming it', () => {
  const server = new McpServer({ name: 'h', version: '1' });
  const refused = (options: ConstructorParameters<typeof SSEServer>[1], message: RegExp) =>
    assert.throws(
      () => new SSEServer(server, options),
      (error: unknown) => isMcpLiveError(error, 'INVALID_OPTION') && message.test(error.message),
    );
  refused(
    { health: { readyPath: 'readyz' } },
    /^SSEServer option health\.readyPath must be a path that starts with "\/" \(got "readyz"\)$/,
  );
  refused(
    { health: { livePath: '/h', readyPath: '/h' } },
    /health\.livePath and health\.readyPath must differ \(both \/h\)/,
  );
  refused({ health: { timeout: 0 } }, /health\.timeout must be a number ≥ 1 \(got 0\)/);
});
