// The official SDK's stateful Streamable HTTP transport over node:http, as its docs show it: one
// StreamableHTTPServerTransport and one McpServer per session, keyed by `Mcp-Session-Id`.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { announce, parseTargetArgs, readBody, serveControl } from './harness.ts';
import { createSDKServer } from './sdk-tools.ts';

const args = parseTargetArgs();
const sessions = new Map<string, { server: McpServer; transport: StreamableHTTPServerTransport }>();
const servers = function* () {
  for (const session of sessions.values()) yield session.server;
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const id = req.headers['mcp-session-id'];
  const existing = typeof id === 'string' ? sessions.get(id) : undefined;
  if (req.method !== 'POST') {
    if (existing === undefined) res.writeHead(404).end('unknown session');
    else await existing.transport.handleRequest(req, res);
    return;
  }
  const body: unknown = JSON.parse(await readBody(req));
  if (existing !== undefined) {
    await existing.transport.handleRequest(req, res, body);
    return;
  }
  if (id !== undefined || !isInitializeRequest(body)) {
    res.writeHead(id === undefined ? 400 : 404).end('no session');
    return;
  }
  const server = createSDKServer(servers);
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (sessionId) => {
      sessions.set(sessionId, { server, transport });
    },
  });
  transport.onclose = () => {
    if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
  };
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://sdk');
  if (url.pathname !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(400).end('bad request');
    else res.destroy();
  });
});

serveControl(() => sessions.size);
http.listen(args.port, args.host, () => announce(http, 'sdk-streamable'));
