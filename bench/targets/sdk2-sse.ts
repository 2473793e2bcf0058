// The official SDK v2's HTTP+SSE: the frozen v1 SSEServerTransport from
// `@modelcontextprotocol/server-legacy/sse` with a v2 McpServer per session, on GET /sse and
// POST /message, as its "Support legacy clients" guide shows (there on Express; here on node:http, as
// every target, with the same Host/Origin guards the guide's Express app applies).
import { createServer } from 'node:http';
import { localhostHostValidation, localhostOriginValidation } from '@modelcontextprotocol/node';
import type { McpServer } from '@modelcontextprotocol/server';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import { announce, parseTargetArgs, serveControl } from './harness.ts';
import { broadcastTo, createSDK2Server } from './sdk2-tools.ts';

const args = parseTargetArgs();
const sessions = new Map<string, { server: McpServer; transport: SSEServerTransport }>();
const effects = {
  broadcast: broadcastTo(function* () {
    for (const session of sessions.values()) yield session.server;
  }),
  touch: () => {},
};
const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

const http = createServer((req, res) => {
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  const url = new URL(req.url ?? '/', 'http://sdk2');
  if (req.method === 'GET' && url.pathname === '/sse') {
    const transport = new SSEServerTransport('/message', res);
    const server = createSDK2Server(effects);
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
http.listen(args.port, args.host, () => announce(http, 'sdk2-sse'));
