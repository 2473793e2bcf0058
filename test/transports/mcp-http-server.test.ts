// McpHttpServer: Streamable HTTP and HTTP+SSE on one port for one McpServer, through both paths.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '../../src/server/mcp-server.ts';
import { McpHttpServer, type McpHttpServerOptions } from '../../src/transports/index.ts';
import { MODES, type Mode, send, toNodeListener, until } from './harness.ts';
import { initializeMessage, mcpPost } from './streamable-harness.ts';

async function start(t: TestContext, mode: Mode, options: McpHttpServerOptions = {}) {
  const server = new McpServer({ name: 'one-port', version: '1.0.0' });
  server.tool('whoami', {}, (_args, ctx) => `${ctx.session.transport} ${ctx.session.principal ?? ''}`.trim());
  const both = new McpHttpServer(server, options);
  const http = createServer(
    mode === 'node' ? (req, res) => void both.handleNode(req, res) : toNodeListener(both.fetch),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await both.close({ timeout: 0 });
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return { server, both, origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function connect(t: TestContext, transport: SSEClientTransport | StreamableHTTPClientTransport) {
  const client = new Client({ name: 'sdk-client', version: '1.0.0' });
  await client.connect(transport);
  t.after(() => client.close());
  return client;
}

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as Array<{ text: string }>)[0]!.text;

for (const mode of MODES) {
  describe(`McpHttpServer (${mode})`, () => {
    test('serves Streamable HTTP and HTTP+SSE clients of one McpServer on one port', async (t) => {
      const h = await start(t, mode, { basePath: '/api' });
      const modern = await connect(t, new StreamableHTTPClientTransport(new URL(`${h.origin}/api/mcp`)));
      const legacy = await connect(t, new SSEClientTransport(new URL(`${h.origin}/api/sse`)));
      assert.equal(text(await modern.callTool({ name: 'whoami' })), 'streamable-http');
      assert.equal(text(await legacy.callTool({ name: 'whoami' })), 'sse');
      assert.equal(h.both.sessionCount, 2);
      assert.equal(h.server.sessionCount, 2);
      const seen: string[] = [];
      for (const client of [modern, legacy]) {
        client.fallbackNotificationHandler = async (n) => void seen.push(n.method);
      }
      assert.equal(await h.server.broadcast('custom/hello'), 2);
      await until(() => seen.length === 2);
      assert.equal((await send(`${h.origin}/api/other`)).status, 404);
      assert.equal((await send(`${h.origin}/mcp`)).status, 404);
    });

    test('shared options apply to both transports: authentication, here', async (t) => {
      const h = await start(t, mode, {
        authenticate: (req) => req.headers.get('authorization')?.replace('Bearer ', '') || undefined,
      });
      assert.equal((await mcpPost(`${h.origin}/mcp`, initializeMessage())).status, 401);
      assert.equal((await send(`${h.origin}/sse`, { headers: { Accept: 'text/event-stream' } })).status, 401);
      const requestInit = { headers: { Authorization: 'Bearer ada' } };
      const modern = await connect(
        t,
        new StreamableHTTPClientTransport(new URL(`${h.origin}/mcp`), { requestInit }),
      );
      const legacy = await connect(
        t,
        new SSEClientTransport(new URL(`${h.origin}/sse`), {
          requestInit,
          eventSourceInit: {
            fetch: (url, init) =>
              fetch(url, { ...init, headers: { ...init?.headers, ...requestInit.headers } }),
          },
        }),
      );
      assert.equal(text(await modern.callTool({ name: 'whoami' })), 'streamable-http ada');
      assert.equal(text(await legacy.callTool({ name: 'whoami' })), 'sse ada');
    });

    test('each transport can be left out, and takes its own options', async (t) => {
      const onlySSE = await start(t, mode, { streamableHTTP: false, sse: { sseEndpoint: '/events' } });
      assert.equal(onlySSE.both.streamableHTTP, undefined);
      assert.equal((await mcpPost(`${onlySSE.origin}/mcp`, initializeMessage())).status, 404);
      await connect(t, new SSEClientTransport(new URL(`${onlySSE.origin}/events`)));
      const onlyMcp = await start(t, mode, {
        sse: false,
        streamableHTTP: { endpoint: '/rpc', stateless: true },
      });
      assert.equal((await send(`${onlyMcp.origin}/sse`)).status, 404);
      const answer = await mcpPost(`${onlyMcp.origin}/rpc`, initializeMessage());
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['mcp-session-id'], undefined);
    });

    test("the seed's layout: Streamable HTTP at /mcp, HTTP+SSE at /mcp/sse and /mcp/message", async (t) => {
      const h = await start(t, mode, { sse: { basePath: '/mcp' } });
      const modern = await connect(t, new StreamableHTTPClientTransport(new URL(`${h.origin}/mcp`)));
      const legacy = await connect(t, new SSEClientTransport(new URL(`${h.origin}/mcp/sse`)));
      assert.equal(text(await modern.callTool({ name: 'whoami' })), 'streamable-http');
      assert.equal(text(await legacy.callTool({ name: 'whoami' })), 'sse');
      assert.equal((await send(`${h.origin}/sse`)).status, 404);
      // The same with the endpoint at the prefix itself.
      const prefixed = await start(t, mode, { basePath: '/mcp', streamableHTTP: { endpoint: '' } });
      await connect(t, new StreamableHTTPClientTransport(new URL(`${prefixed.origin}/mcp`)));
      await connect(t, new SSEClientTransport(new URL(`${prefixed.origin}/mcp/sse`)));
      assert.equal(prefixed.both.sessionCount, 2);
    });

    test('maxSessions counts the sessions of both wires', async (t) => {
      const h = await start(t, mode, { maxSessions: 1 });
      await connect(t, new SSEClientTransport(new URL(`${h.origin}/sse`)));
      const refused = await mcpPost(`${h.origin}/mcp`, initializeMessage());
      assert.equal(refused.status, 503);
      assert.match(refused.body, /maximum of 1 sessions/);
    });
  });
}

test('listen() serves both on one port and reports the /mcp URL; close() stops it', async () => {
  const server = new McpServer({ name: 'one-port', version: '1.0.0' });
  const both = new McpHttpServer(server);
  const { url, port } = await both.listen('127.0.0.1:0');
  assert.equal(url, `http://127.0.0.1:${port}/mcp`);
  assert.equal((await mcpPost(url, initializeMessage())).status, 200);
  const stream = await send(`http://127.0.0.1:${port}/sse`, { method: 'POST' });
  assert.equal(stream.status, 405);
  await both.close({ timeout: 0 });
  await server.close();
  await assert.rejects(send(url));
  await assert.rejects(both.listen(0), /was closed/);
  assert.throws(() => new McpHttpServer(server, { sse: false, streamableHTTP: false }), /at least one/);
});
