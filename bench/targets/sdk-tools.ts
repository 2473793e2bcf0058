// The benchmark's two tools on the official SDK's McpServer, one server per session as its docs show.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** Makes one session's server; `broadcast` sends a log message through every server `all()` yields. */
export function createSDKServer(all: () => Iterable<McpServer>): McpServer {
  const server = new McpServer({ name: 'bench-sdk', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('echo', { inputSchema: { message: z.string() } }, ({ message }) => ({
    content: [{ type: 'text', text: message }],
  }));
  server.registerTool('broadcast', { inputSchema: { message: z.string() } }, ({ message }) => {
    let count = 0;
    for (const peer of all()) {
      if (!peer.isConnected()) continue;
      peer.server.sendLoggingMessage({ level: 'info', data: message }).catch(() => {});
      count++;
    }
    return { content: [{ type: 'text', text: `sent ${count}` }] };
  });
  return server;
}
