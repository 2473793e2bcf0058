// The official SDK's HTTP+SSE transport over node:http: one SSEServerTransport and one McpServer per session.
import { createServer } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { announce, parseTargetArgs, serveControl } from './harness.ts';
import { createSDKServer } from './sdk-tools.ts';

const args = parseTargetArgs();
const sessions = new Map<string, { server: McpServer; transport: SSEServerTransport }>();
const servers = function* () {
  for (const session of sessions.values()) yield session.server;
};

const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://sdk');
  if (req.method === 'GET' && url.pathname === '/sse') {
    const transport = new SSEServerTransport('/message', res);
    const server = createSDKServer(servers);
    sessions.set(transport.sessionId, { server, transport });
    transport.onclose = () => sessions.delete(transport.sessionId);
    server.connect(transport).catch(() => res.destroy());
    return;
  }
  if (req.method === 'POST' && url.pathname === '/message') {
    const session = sessions.get(url.searchParams.get('sessionId') ?? '');
    if (session === undefined) {
      res.writeHead(404).end('unknown session');
      return;
    }
    session.transport.handlePostMessage(req, res).catch(() => {});
    return;
  }
  res.writeHead(404).end();
});

serveControl(() => sessions.size);
http.listen(args.port, args.host, () => announce(http, 'sdk-sse'));
