// Express 5 with MCP mounted beside the app's own routes: Streamable HTTP at /mcp, HTTP+SSE at /sse
// and /message, all from one McpHttpServer. Run `npx tsx examples/frameworks/express.ts [port]`.
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { McpHttpServer } from '../../src/transports/index.ts';
import { createDemoServer } from './demo-server.ts';

/** An Express app that answers MCP on its paths and sends everything else on to its own routes. */
export function createExpressApp(mcp: McpHttpServer): Express {
  const app = express();
  // Before any body parser, so that MCP reads its own bodies with its own limits and error answers.
  // (After `express.json()` works too: a body that was already parsed is used as it is.)
  app.use(mcp.handleNode);
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true, sessions: mcp.sessionCount });
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mcp = new McpHttpServer(createDemoServer());
  const port = Number(process.argv[2] ?? 8080);
  const http: Server = createExpressApp(mcp).listen(port, '127.0.0.1', () => {
    console.log(`MCP on http://127.0.0.1:${port}/mcp (Streamable HTTP) and /sse (HTTP+SSE)`);
  });
  process.once('SIGINT', async () => {
    await mcp.close();
    http.close();
  });
}
