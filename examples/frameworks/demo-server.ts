// The MCP server the framework examples mount: a tool that reports progress and a resource.
import { setTimeout as sleep } from 'node:timers/promises';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/index.ts';

/** A small server: `count` (progress as it counts) and `demo://greeting`. */
export function createDemoServer(): McpServer {
  const server = new McpServer({ name: 'framework-demo', version: '1.0.0' });
  server.tool(
    'count',
    { description: 'Counts to `to`, reporting progress', input: { to: s.number().default(3) } },
    async ({ to }, ctx) => {
      for (let i = 1; i <= to; i++) {
        ctx.progress(i, to, `counted ${i} of ${to}`);
        // Lets each progress notification leave before the result (and stops on cancellation).
        await sleep(5, undefined, { signal: ctx.signal });
      }
      return `counted to ${to}`;
    },
  );
  server.resource('demo://greeting', { name: 'greeting', mimeType: 'text/plain' }, () => 'Hello from MCP');
  return server;
}
