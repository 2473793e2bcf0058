// What only the Node side has: listen(), the loopback guard it infers, and framework mounting.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { SSEServer, type SSEServerOptions } from '../../src/transports/index.ts';
import { parseListenAddress } from '../../src/transports/listen.ts';
import { EventStream, post, send } from './harness.ts';

async function listening(
  t: TestContext,
  address: Parameters<SSEServer['listen']>[0],
  options: SSEServerOptions = {},
) {
  const server = new McpServer({ name: 'listen', version: '1.0.0' });
  const sse = new SSEServer(server, options);
  const info = await sse.listen(address);
  t.after(() => sse.close({ timeout: 0 }));
  return { sse, info, origin: `http://127.0.0.1:${info.port}` };
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(handler: Handler | unknown): void;
  get(path: string, handler: (req: unknown, res: { send(body: string): void }) => void): void;
}

describe('SSEServer.listen', () => {
  test('parses Go-style and host:port addresses; a port alone is loopback', () => {
    assert.deepEqual(parseListenAddress(':8080'), { port: 8080, host: undefined });
    assert.deepEqual(parseListenAddress('8080'), { port: 8080, host: '127.0.0.1' });
    assert.deepEqual(parseListenAddress(8080), { port: 8080, host: '127.0.0.1' });
    assert.deepEqual(parseListenAddress({ port: 8080 }), { port: 8080, host: '127.0.0.1' });
    assert.deepEqual(parseListenAddress('127.0.0.1:9000'), { port: 9000, host: '127.0.0.1' });
    assert.deepEqual(parseListenAddress('[::1]:9000'), { port: 9000, host: '::1' });
    assert.deepEqual(parseListenAddress({ host: 'localhost' }), { port: 0, host: 'localhost' });
    assert.throws(() => parseListenAddress('nonsense'), { code: 'INVALID_OPTION' });
  });

  test('listen(port) binds loopback; every interface without authenticate is refused, saying how to open up', async (t) => {
    const server = new McpServer({ name: 'safe', version: '1' });
    const sse = new SSEServer(server);
    t.after(() => sse.close({ timeout: 0 }));
    for (const open of [':0', '0.0.0.0:0', { host: '::', port: 0 }] as const) {
      await assert.rejects(sse.listen(open), {
        code: 'INVALID_OPTION',
        message: /without authentication.*listen\(8080\).*authenticate.*allowUnauthenticated: true/,
      });
    }
    const info = await sse.listen(0);
    assert.equal(info.host, '127.0.0.1');
  });

  test('serves the stream at the URL it reports, and close() stops the server', async (t) => {
    const { sse, info, origin } = await listening(t, '127.0.0.1:0', { basePath: '/mcp' });
    assert.equal(info.host, '127.0.0.1');
    assert.equal(info.url, `${origin}/mcp/sse`);
    const stream = await EventStream.open(t, info.url);
    assert.match(await stream.endpoint(), /^\/mcp\/message\?sessionId=/);
    await assert.rejects(sse.listen(0), { code: 'ALREADY_LISTENING' });
    await sse.close();
    await stream.closed();
    await assert.rejects(send(info.url), { code: 'ECONNREFUSED' });
    await assert.rejects(sse.listen(0), { code: 'CLOSED' });
  });

  test('a loopback bind refuses foreign Host and Origin headers by default', async (t) => {
    const { origin, info } = await listening(t, { host: '127.0.0.1', port: 0 });
    assert.equal((await send(info.url, { headers: { Host: `attacker.example:${info.port}` } })).status, 403);
    assert.equal((await send(info.url, { headers: { Origin: 'https://attacker.example' } })).status, 403);
    const local = await EventStream.open(t, `${origin}/sse`, { Host: `localhost:${info.port}` });
    assert.equal(local.status, 200);
  });

  test('an any-interface bind has no loopback guard unless asked', async (t) => {
    const open = await listening(t, ':0', { allowUnauthenticated: true });
    assert.equal(open.info.url, `http://localhost:${open.info.port}/sse`);
    const stream = await EventStream.open(t, `${open.origin}/sse`, { Host: 'mcp.example.com' });
    assert.equal(stream.status, 200);
    const guarded = await listening(t, ':0', { dnsRebindingProtection: true, allowUnauthenticated: true });
    assert.equal((await send(`${guarded.origin}/sse`, { headers: { Host: 'mcp.example.com' } })).status, 403);
  });
});

describe('SSEServer.handleNode in frameworks', () => {
  async function expressApp(t: TestContext, sse: SSEServer, withJSON: boolean) {
    const express = (await import('express' as string)).default as (() => ExpressApp) & { json(): unknown };
    const app = express();
    if (withJSON) app.use(express.json());
    app.use(sse.handleNode);
    app.get('/health', (_req, res) => res.send('fine'));
    const http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    t.after(async () => {
      await sse.close({ timeout: 0 });
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  for (const withJSON of [false, true]) {
    test(`works as Express middleware${withJSON ? ' after express.json()' : ''}; other routes go to next()`, async (t) => {
      const sse = new SSEServer(new McpServer({ name: 'express', version: '1.0.0' }), { basePath: '/mcp' });
      const origin = await expressApp(t, sse, withJSON);
      assert.equal((await send(`${origin}/health`)).body, 'fine');
      const stream = await EventStream.open(t, `${origin}/mcp/sse`);
      const endpoint = origin + (await stream.endpoint());
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 'x', method: 'ping' })).status, 202);
      assert.deepEqual(await stream.message(), { jsonrpc: '2.0', id: 'x', result: {} });
    });
  }
});
