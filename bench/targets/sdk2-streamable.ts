// The official SDK v2's sessionful Streamable HTTP over node:http, as its "Sessions, state, and scaling"
// guide shows: one NodeStreamableHTTPServerTransport (`@modelcontextprotocol/node`) and one McpServer
// per session, kept in a map by `Mcp-Session-Id`, with the localhost Host/Origin guards in front.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  localhostHostValidation,
  localhostOriginValidation,
  NodeStreamableHTTPServerTransport,
} from '@modelcontextprotocol/node';
import { isInitializeRequest, type McpServer } from '@modelcontextprotocol/server';
import { announce, parseTargetArgs, readBody, serveControl } from './harness.ts';
import { broadcastTo, createSDK2Server } from './sdk2-tools.ts';

const args = parseTargetArgs();
const sessions = new Map<string, { server: McpServer; transport: NodeStreamableHTTPServerTransport }>();
const effects = {
  broadcast: broadcastTo(function* () {
    for (const session of sessions.values()) yield session.server;
  }),
  touch: () => {},
};
const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

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
  const server = createSDK2Server(effects);
  const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
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
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  if (new URL(req.url ?? '/', 'http://sdk2').pathname !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(400).end('bad request');
    else res.destroy();
  });
});

serveControl(() => sessions.size);
http.listen(args.port, args.host, () => announce(http, 'sdk2-streamable'));
