// One suite for every framework example: the official SDK client over both HTTP transports, the app's
// own routes, and SSE disconnects and resumption as the framework passes them through.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createDemoServer } from '../../examples/frameworks/demo-server.ts';
import { McpHttpServer, type McpHttpServerOptions } from '../../src/transports/index.ts';
import { EventStream, openSession, post, send, until } from '../transports/harness.ts';

/** An app listening on 127.0.0.1:0. */
export interface StartedApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  close(): Promise<void>;
}

/** Mounts `mcp` in the framework's example app and starts it on 127.0.0.1:0. */
export type StartApp = (mcp: McpHttpServer) => Promise<StartedApp>;

async function setup(t: TestContext, start: StartApp, options: McpHttpServerOptions = {}) {
  const server = createDemoServer();
  const mcp = new McpHttpServer(server, options);
  const app = await start(mcp);
  t.after(async () => {
    await mcp.close({ timeout: 0 });
    await server.close();
    await app.close();
  });
  // The harness's raw-HTTP helpers take this shape.
  return { server, mcp, origin: app.origin, sse: mcp.sse!, port: Number(new URL(app.origin).port), gets: [] };
}

async function connect(t: TestContext, transport: SSEClientTransport | StreamableHTTPClientTransport) {
  const client = new Client({ name: 'framework-test', version: '1.0.0' });
  await client.connect(transport);
  t.after(() => client.close());
  return client;
}

/** The suite for one framework. */
export function describeFramework(name: string, start: StartApp): void {
  describe(`MCP mounted in ${name}`, () => {
    const wires = {
      'Streamable HTTP': (origin: string) => new StreamableHTTPClientTransport(new URL(`${origin}/mcp`)),
      'HTTP+SSE': (origin: string) => new SSEClientTransport(new URL(`${origin}/sse`)),
    };
    for (const [wire, transport] of Object.entries(wires)) {
      test(`the SDK client over ${wire} initializes, calls a tool with progress and reads a resource`, async (t) => {
        const h = await setup(t, start);
        const client = await connect(t, transport(h.origin));
        assert.equal(client.getServerVersion()?.name, 'framework-demo');
        const progress: number[] = [];
        const result = await client.callTool({ name: 'count', arguments: { to: 3 } }, undefined, {
          onprogress: (p) => void progress.push(p.progress),
        });
        assert.deepEqual(result.content, [{ type: 'text', text: 'counted to 3' }]);
        assert.deepEqual(progress, [1, 2, 3]);
        const read = await client.readResource({ uri: 'demo://greeting' });
        assert.deepEqual(read.contents, [
          { uri: 'demo://greeting', mimeType: 'text/plain', text: 'Hello from MCP' },
        ]);
        const expected = wire === 'HTTP+SSE' ? 'sse' : 'streamable-http';
        assert.deepEqual(
          [...h.server.sessions].map((s) => s.transport),
          [expected],
        );
      });
    }

    test("the app's own routes still answer beside MCP", async (t) => {
      const h = await setup(t, start);
      const health = await send(`${h.origin}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(JSON.parse(health.body), { ok: true, sessions: 0 });
      assert.equal((await send(`${h.origin}/elsewhere`)).status, 404);
    });

    test('MCP answers its own errors through the framework: bad JSON, wrong content type, unknown session', async (t) => {
      const h = await setup(t, start);
      const bad = await post(`${h.origin}/message?sessionId=x`, '{"jsonrpc":');
      assert.equal(bad.status, 404, 'the session is checked before the body');
      const { endpoint } = await openSession(t, h);
      const parse = await post(endpoint, '{"jsonrpc":');
      assert.equal(parse.status, 400);
      assert.equal((JSON.parse(parse.body) as { error: { code: number } }).error.code, -32700);
      const text = await send(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: '{}',
      });
      assert.equal(text.status, 415);
    });

    test('a dropped SSE stream is seen: its session closes once reconnectGracePeriod passes', async (t) => {
      const h = await setup(t, start, { sse: { reconnectGracePeriod: 20 } });
      const reasons: string[] = [];
      h.server.on('sessionClosed', (_session, reason) => void reasons.push(reason));
      const client = await connect(t, new SSEClientTransport(new URL(`${h.origin}/sse`)));
      assert.equal(h.mcp.sessionCount, 1);
      await client.close();
      await until(() => h.mcp.sessionCount === 0, 2_000, 'the session closing');
      assert.deepEqual(reasons, ['the client did not reconnect within 20 ms (reconnectGracePeriod)']);
    });

    test('an SSE stream resumes through the framework with Last-Event-ID', async (t) => {
      const h = await setup(t, start, { sse: { reconnectGracePeriod: 30_000 } });
      const { stream, endpoint, sessionId } = await openSession(t, h);
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 'away', method: 'ping' })).status, 202);
      const resumed = await EventStream.open(t, `${h.origin}/sse?sessionId=${sessionId}`, {
        'Last-Event-ID': seen,
      });
      assert.equal(resumed.status, 200);
      assert.equal(new URL(await resumed.endpoint(), h.origin).href, endpoint);
      assert.deepEqual(await resumed.message(), { jsonrpc: '2.0', id: 'away', result: {} });
    });
  });
}
