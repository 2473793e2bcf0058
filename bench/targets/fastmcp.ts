// fastmcp over HTTP, as its README shows: `server.start({ transportType: 'httpStream' })` serves
// Streamable HTTP on /mcp and HTTP+SSE on /sse from one port, with its defaults (sessions, a ping every
// 5 s on each session). `broadcast` sends a log message through every session's SDK server.
import { createServer } from 'node:net';
import { FastMCP } from 'fastmcp';
import { z } from 'zod';
import { announce, parseTargetArgs, serveControl } from './harness.ts';

const args = parseTargetArgs();
const server = new FastMCP({ name: 'bench-fastmcp', version: '1.0.0' });

server.addTool({
  name: 'echo',
  parameters: z.object({ message: z.string() }),
  execute: async ({ message }) => message,
});
server.addTool({
  name: 'broadcast',
  parameters: z.object({ message: z.string() }),
  execute: async ({ message }) => {
    let count = 0;
    for (const session of server.sessions) {
      session.server.sendLoggingMessage({ level: 'info', data: message }).catch(() => {});
      count++;
    }
    return `sent ${count}`;
  },
});

/** fastmcp takes a port and does not tell which one it bound: port 0 is resolved here first. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const port = args.port === 0 ? await freePort(args.host) : args.port;
await server.start({ transportType: 'httpStream', httpStream: { port, host: args.host } });
serveControl(() => server.sessions.length);
announce({ host: args.host, port }, 'fastmcp');
