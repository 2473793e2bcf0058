// The floor: a hand-written node:http server that speaks just enough of the HTTP+SSE transport
// (2024-11-05) to answer the benchmark: initialize, notifications/initialized, ping, tools/list and
// tools/call echo/broadcast. No framework, no validation beyond what the calls need.
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { announce, parseTargetArgs, readBody, serveControl } from './harness.ts';

interface Message {
  id?: string | number;
  method?: string;
  params?: { name?: string; arguments?: { message?: unknown } };
}

const args = parseTargetArgs();
const streams = new Map<string, ServerResponse>();
const TOOLS = ['echo', 'broadcast'].map((name) => ({
  name,
  inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
}));

function write(res: ServerResponse, message: unknown): void {
  res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

function answer(message: Message): unknown {
  switch (message.method) {
    case 'initialize':
      return {
        protocolVersion: '2024-11-05',
        capabilities: { tools: {}, logging: {} },
        serverInfo: { name: 'floor', version: '1.0.0' },
      };
    case 'ping':
      return {};
    case 'tools/list':
      return { tools: TOOLS };
    case 'tools/call': {
      const text = String(message.params?.arguments?.message ?? '');
      if (message.params?.name === 'echo') return { content: [{ type: 'text', text }] };
      if (message.params?.name === 'broadcast') {
        const frame = `event: message\ndata: ${JSON.stringify({
          jsonrpc: '2.0',
          method: 'notifications/message',
          params: { level: 'info', data: text },
        })}\n\n`;
        for (const stream of streams.values()) stream.write(frame);
        return { content: [{ type: 'text', text: `sent ${streams.size}` }] };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function receive(body: string, stream: ServerResponse, res: ServerResponse): void {
  let message: Message;
  try {
    message = JSON.parse(body) as Message;
  } catch {
    res.writeHead(400).end('invalid JSON');
    return;
  }
  res.writeHead(202).end();
  if (message.id === undefined) return;
  const result = answer(message);
  write(
    stream,
    result === undefined
      ? { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `no ${message.method}` } }
      : { jsonrpc: '2.0', id: message.id, result },
  );
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  if (req.method === 'GET' && url.pathname === '/sse') {
    const id = randomUUID();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`event: endpoint\ndata: /message?sessionId=${id}\n\n`);
    streams.set(id, res);
    res.on('close', () => streams.delete(id));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/message') {
    const stream = streams.get(url.searchParams.get('sessionId') ?? '');
    if (stream === undefined) {
      res.writeHead(404).end('unknown session');
      return;
    }
    readBody(req).then(
      (body) => receive(body, stream, res),
      () => res.writeHead(400).end('unreadable body'),
    );
    return;
  }
  res.writeHead(404).end();
});

// One timer for every stream: the cheapest keep-alive there is.
setInterval(() => {
  for (const stream of streams.values()) stream.write(': keep-alive\n\n');
}, args.keepAliveMs).unref();

serveControl(() => streams.size);
server.listen(args.port, args.host, () => announce(server, 'floor'));
