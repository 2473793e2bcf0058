// Hono with MCP mounted beside the app's own routes through the fetch handler: Streamable HTTP at
// /mcp, HTTP+SSE at /sse and /message, all from one McpHttpServer. On Node it runs under
// @hono/node-server; the same app runs on Bun, Deno and workers. Run `npx tsx examples/frameworks/hono.ts [port]`.
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { McpHttpServer } from '../../src/transports/index.ts';
import { createDemoServer } from './demo-server.ts';

/** A Hono app that hands its MCP paths, as web `Request`s, to `mcp`. */
export function createHonoApp(mcp: McpHttpServer): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true, sessions: mcp.sessionCount }));
  for (const path of ['/mcp', '/sse', '/message']) app.all(path, (c) => mcp.fetch(c.req.raw));
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The fetch handler cannot see which address the server is bound to, so the loopback-only
  // Host/Origin check is asked for explicitly here (see "Security" in docs/sse.md).
  const mcp = new McpHttpServer(createDemoServer(), { dnsRebindingProtection: true });
  const port = Number(process.argv[2] ?? 8080);
  const http = serve({ fetch: createHonoApp(mcp).fetch, port, hostname: '127.0.0.1' }, () => {
    console.log(`MCP on http://127.0.0.1:${port}/mcp (Streamable HTTP) and /sse (HTTP+SSE)`);
  });
  process.once('SIGINT', async () => {
    await mcp.close();
    http.close();
  });
}
