// Fastify 5 with MCP mounted beside the app's own routes: Streamable HTTP at /mcp, HTTP+SSE at /sse
// and /message, all from one McpHttpServer. Run `npx tsx examples/frameworks/fastify.ts [port]`.
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { McpHttpServer } from '../../src/transports/index.ts';
import { createDemoServer } from './demo-server.ts';

/** A Fastify app whose MCP routes are handed, raw, to `mcp`. */
export async function createFastifyApp(mcp: McpHttpServer): Promise<FastifyInstance> {
  const app = Fastify();
  app.get('/health', async () => ({ ok: true, sessions: mcp.sessionCount }));
  // An encapsulated scope, so that its body parsing does not change the app's other routes.
  await app.register(async (scope) => {
    // Leave MCP bodies unread: MCP reads them with its own limits and error answers.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack(); // MCP writes the response (an event stream, for some) itself.
      await mcp.handleNode(request.raw, reply.raw);
    };
    for (const path of ['/mcp', '/sse', '/message']) scope.all(path, handle);
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mcp = new McpHttpServer(createDemoServer());
  const app = await createFastifyApp(mcp);
  app.addHook('preClose', () => mcp.close()); // ends MCP's streams, which Fastify would wait for
  const port = Number(process.argv[2] ?? 8080);
  await app.listen({ port, host: '127.0.0.1' });
  console.log(`MCP on http://127.0.0.1:${port}/mcp (Streamable HTTP) and /sse (HTTP+SSE)`);
  process.once('SIGINT', () => void app.close());
}
