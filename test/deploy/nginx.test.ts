// examples/deploy/nginx.conf, as docs/deployment.md shows it, run by Debian's nginx in front of a real
// mcp-live server: the three protocols' clients work through it, events are not held back, quiet
// streams outlive nginx's read timeout thanks to mcp-live's keep-alives, and upstream connections are reused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { connect, type McpClient } from '../../src/client/index.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { McpHttpServer } from '../../src/transports/index.ts';
import { NGINX_CONF, nginxForTests, startNginx } from './nginx-harness.ts';

const nginx = nginxForTests();
const skip = nginx.skip;
/** nginx's read timeout in these tests (the file says 1h): keep-alives must beat it. */
const READ_TIMEOUT = { 'proxy_read_timeout 1h;': 'proxy_read_timeout 1s;' };
const opened: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of opened.reverse()) await close();
});

/** A deferred with a bound, so that a broken test ends with a message instead of hanging. */
function waitFor<T = void>(what: string, ms = 5_000) {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  void promise.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return { promise, resolve };
}

/** An mcp-live server on 127.0.0.1:0 (a node:http server of our own, to count its connections). */
async function startUpstream(keepAliveInterval: number, gateMs = 5_000) {
  const server = new McpServer({ name: 'behind-nginx', version: '1.0.0' });
  server.tool('whoami', { description: 'What the proxy told us about the request' }, (_args, ctx) =>
    JSON.stringify({
      host: ctx.headers.get('host'),
      forwardedFor: ctx.headers.get('x-forwarded-for'),
      forwardedProto: ctx.headers.get('x-forwarded-proto'),
      forwardedHost: ctx.headers.get('x-forwarded-host'),
    }),
  );
  // Reports progress, then finishes only once the client has heard it: a proxy that holds the
  // progress back until the response ends makes this tool time out instead.
  const heard = new Map<string, () => void>();
  const halfway = {
    description: 'Progress, then wait for the client to hear it',
    input: { key: s.string().required() },
  };
  server.tool('halfway', halfway, async ({ key }, ctx) => {
    const gate = waitFor(`progress of ${key} reaching the client`, gateMs);
    heard.set(key, gate.resolve);
    ctx.progress(1, 2, 'halfway');
    try {
      await gate.promise;
      return 'done';
    } catch (error) {
      return (error as Error).message;
    } finally {
      heard.delete(key);
    }
  });
  const mcp = new McpHttpServer(server, { keepAliveInterval, health: true });
  let connections = 0;
  const http = createServer((req, res) => void mcp.handleNode(req, res));
  http.on('connection', () => connections++);
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  opened.push(async () => {
    await mcp.close({ timeout: 0 });
    await server.close();
    http.closeAllConnections();
    await new Promise((done) => http.close(done));
  });
  const { port } = http.address() as AddressInfo;
  return { server, port, connections: () => connections, heard };
}

async function startProxy(upstreamPort: number, changes: Record<string, string> = {}) {
  const proxy = await startNginx(nginx.binary!, upstreamPort, changes);
  opened.push(() => proxy.close());
  return proxy;
}

/** Calls `halfway` and releases it from the progress notification as it arrives. */
async function progressArrives(client: McpClient, heard: Map<string, () => void>, key: string) {
  const result = await client.callTool('halfway', { key }, { onProgress: () => heard.get(key)?.() });
  return (result.content as Array<{ text: string }>)[0]?.text;
}

test('docs/deployment.md shows examples/deploy/nginx.conf as it is', () => {
  const docs = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
  assert.ok(
    docs.includes(`\`\`\`nginx\n${readFileSync(NGINX_CONF, 'utf8')}\`\`\``),
    'the ```nginx block matches the file',
  );
});

test('through nginx, HTTP+SSE, Streamable HTTP and 2026-07-28 clients call tools, hear progress at once, and keep their streams through quiet periods', {
  skip,
  timeout: 60_000,
}, async () => {
  const upstream = await startUpstream(250);
  const proxy = await startProxy(upstream.port, READ_TIMEOUT);
  const url = `${proxy.origin}/mcp`;
  const clients = {
    sse: await connect(url, { protocol: 'sse', sseUrl: `${proxy.origin}/sse` }),
    '2025': await connect(url, { protocol: '2025' }),
    '2026-07-28': await connect(url, { protocol: '2026-07-28' }),
  };
  opened.push(async () => {
    for (const client of Object.values(clients)) await client.close();
  });
  const listen = await clients['2026-07-28'].listen({
    'dev.mcp-live/events': { methods: ['deploy/announce'] },
  });
  const reconnects: string[] = [];
  for (const [name, client] of Object.entries(clients)) {
    assert.equal(
      client.transport,
      name === 'sse' ? 'sse' : name === '2025' ? 'streamable-http' : 'stateless',
    );
    client.on('reconnecting', () => reconnects.push(name));
    const who = await client.callTool('whoami', {});
    assert.deepEqual(JSON.parse((who.content as Array<{ text: string }>)[0]!.text), {
      host: '127.0.0.1',
      forwardedFor: '127.0.0.1',
      forwardedProto: 'http',
      forwardedHost: '127.0.0.1',
    });
    assert.equal(
      await progressArrives(client, upstream.heard, name),
      'done',
      `${name}: progress was held back`,
    );
  }
  const sessions = [clients.sse.sessionId, clients['2025'].sessionId];

  // Quiet for more than twice nginx's read timeout: only keep-alive comments flow.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const announced = Object.entries(clients).map(([name, client]) => {
    const arrived = waitFor<unknown>(`deploy/announce reaching the ${name} client`);
    client.onNotification('deploy/announce', (params) => arrived.resolve(params));
    return arrived.promise;
  });
  await upstream.server.broadcast('deploy/announce', { release: 42 });
  for (const params of await Promise.all(announced))
    assert.equal((params as { release: number }).release, 42);
  assert.deepEqual(reconnects, [], 'no stream was cut and reopened');
  assert.deepEqual([clients.sse.sessionId, clients['2025'].sessionId], sessions);
  await listen.close();

  // A client nobody here wrote: the official SDK over HTTP+SSE.
  const sdk = new Client({ name: 'sdk-behind-nginx', version: '1.0.0' });
  await sdk.connect(new SSEClientTransport(new URL(`${proxy.origin}/sse`)));
  const tools = await sdk.listTools();
  assert.deepEqual(tools.tools.map((tool) => tool.name).sort(), ['halfway', 'whoami']);
  await sdk.close();
});

test('a quiet stream lives past nginx read timeout on keep-alives alone, and is cut without them', {
  skip,
  timeout: 60_000,
}, async () => {
  const readStream = async (origin: string, until: (text: string) => boolean) => {
    const controller = new AbortController();
    const response = await fetch(`${origin}/sse`, { signal: controller.signal });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-accel-buffering'), null, 'nginx keeps X-Accel-* to itself');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, 10_000);
    try {
      for (;;) {
        // nginx cutting the stream shows as an end or as a connection error ("other side closed").
        const read = await reader.read().catch(() => ({ done: true, value: undefined }) as const);
        if (read.done) return { text, ended: !timedOut };
        text += read.value;
        if (until(text)) return { text, ended: false };
      }
    } finally {
      clearTimeout(deadline);
      controller.abort();
    }
  };
  const keepAlives = (text: string) => text.split(': keep-alive').length - 1;
  const started = Date.now();

  const alive = await startUpstream(250);
  const kept = await readStream(
    (await startProxy(alive.port, READ_TIMEOUT)).origin,
    (t) => keepAlives(t) >= 8,
  );
  assert.equal(kept.ended, false);
  assert.match(kept.text, /^event: endpoint\n/);
  assert.ok(Date.now() - started > 1_500, 'the stream was open for longer than the read timeout');

  const silent = await startUpstream(0);
  const cut = await readStream((await startProxy(silent.port, READ_TIMEOUT)).origin, () => false);
  assert.equal(cut.ended, true, 'nginx ends a stream that is silent for longer than proxy_read_timeout');
  assert.equal(keepAlives(cut.text), 0);
});

test("with proxy_buffering on, mcp-live's X-Accel-Buffering: no still gets every event through at once", {
  skip,
  timeout: 30_000,
}, async () => {
  const upstream = await startUpstream(15_000);
  const proxy = await startProxy(upstream.port, { 'proxy_buffering off;': 'proxy_buffering on;' });
  for (const protocol of ['sse', '2025', '2026-07-28'] as const) {
    const client = await connect(`${proxy.origin}/mcp`, { protocol, sseUrl: `${proxy.origin}/sse` });
    try {
      assert.equal(
        await progressArrives(client, upstream.heard, protocol),
        'done',
        `${protocol}: progress was held back`,
      );
    } finally {
      await client.close();
    }
  }
});

test('the check above can fail: buffered and compressed, with X-Accel-Buffering ignored, progress waits for the result', {
  skip,
  timeout: 30_000,
}, async () => {
  const upstream = await startUpstream(15_000, 1_000);
  const ignoring = { 'proxy_buffering off;': 'proxy_buffering on; proxy_ignore_headers X-Accel-Buffering;' };
  const proxy = await startProxy(upstream.port, ignoring);
  const client = await connect(`${proxy.origin}/mcp`, { protocol: '2026-07-28' });
  try {
    const text = await progressArrives(client, upstream.heard, 'held');
    assert.equal(text, 'progress of held reaching the client did not happen within 1000 ms');
  } finally {
    await client.close();
  }
});

test('nginx keeps its connections to mcp-live open and reuses them, and passes the health probes on', {
  skip,
  timeout: 30_000,
}, async () => {
  const upstream = await startUpstream(15_000);
  const proxy = await startProxy(upstream.port);
  const first = await fetch(`${proxy.origin}/readyz`);
  assert.equal(first.status, 200);
  assert.equal(((await first.json()) as { status: string }).status, 'ready');
  const before = upstream.connections();
  for (let i = 0; i < 6; i++) {
    const response = await fetch(`${proxy.origin}/livez`);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  }
  assert.equal(upstream.connections() - before, 0, 'six requests went over the connection nginx kept');
});
