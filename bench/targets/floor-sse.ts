// The floor of HTTP+SSE (2024-11-05): a hand-written node:http server that speaks just enough of the
// wire to answer the bench's calls. Every answer is one SSE frame written at once on the session's stream.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { answerMessage, type FloorEffects, type FloorMessage, sseFrame } from './floor-rpc.ts';
import { readBody } from './harness.ts';

export interface Floor {
  server: Server;
  /** Open streams (sessions or listen streams). */
  readonly size: number;
}

/** Starts nothing: returns the server (call `listen`) and a count of its open streams. */
export function createSSEFloor(keepAliveMs: number): Floor {
  const streams = new Map<string, ServerResponse>();
  const effects: FloorEffects = {
    broadcast(data) {
      const frame = sseFrame({
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'info', data },
      });
      for (const stream of streams.values()) stream.write(frame);
      return streams.size;
    },
    touch: () => 0,
  };

  function receive(body: string, stream: ServerResponse, res: ServerResponse): void {
    let message: FloorMessage;
    try {
      message = JSON.parse(body) as FloorMessage;
    } catch {
      res.writeHead(400).end('invalid JSON');
      return;
    }
    res.writeHead(202).end();
    const answer = answerMessage(message, effects, '2024-11-05');
    if (answer !== undefined) stream.write(sseFrame(answer));
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
  const timer = setInterval(() => {
    for (const stream of streams.values()) stream.write(': keep-alive\n\n');
  }, keepAliveMs);
  timer.unref();
  server.on('close', () => clearInterval(timer));
  return {
    server,
    get size() {
      return streams.size;
    },
  };
}
