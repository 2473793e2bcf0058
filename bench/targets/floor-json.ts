// The floor of a POST answered with JSON: a hand-written node:http server on POST /mcp that answers each
// JSON-RPC request with one JSON body in one write. It serves 2025 sessions (an `Mcp-Session-Id` from
// `initialize`, looked up on every later request) and 2026-07-28 stateless requests (no session).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { answerMessage, type FloorEffects, type FloorMessage, isStateless } from './floor-rpc.ts';
import type { Floor } from './floor-sse.ts';
import { readBody } from './harness.ts';

export interface JSONFloorOptions {
  effects?: Partial<FloorEffects>;
  /** Takes over a request the JSON floor would answer (a listen); true when it did. */
  intercept?(message: FloorMessage, res: ServerResponse): boolean;
  /** Open streams, for the memory report. @default the number of sessions */
  size?(): number;
}

function writeJSON(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  // Head and body leave in one write: Node joins the head with the first chunk of `end`.
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function createJSONFloor(options: JSONFloorOptions = {}): Floor {
  const sessions = new Set<string>();
  const effects: FloorEffects = { broadcast: () => 0, touch: () => 0, ...options.effects };

  function receive(req: IncomingMessage, body: string, res: ServerResponse): void {
    let message: FloorMessage;
    try {
      message = JSON.parse(body) as FloorMessage;
    } catch {
      writeJSON(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'invalid JSON' } });
      return;
    }
    const session = req.headers['mcp-session-id'];
    let headers: Record<string, string> | undefined;
    if (message.method === 'initialize') {
      const id = randomUUID();
      sessions.add(id);
      headers = { 'mcp-session-id': id };
    } else if (!isStateless(message) && (typeof session !== 'string' || !sessions.has(session))) {
      writeJSON(res, 404, {
        jsonrpc: '2.0',
        id: message.id ?? null,
        error: { code: -32001, message: 'no session' },
      });
      return;
    }
    if (options.intercept?.(message, res) === true) return;
    const answer = answerMessage(message, effects, '2025-06-18');
    if (answer === undefined) res.writeHead(202).end();
    else writeJSON(res, 200, answer, headers);
  }

  const server = createServer((req, res) => {
    if (req.url !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'DELETE') {
      sessions.delete(String(req.headers['mcp-session-id']));
      res.writeHead(200).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    readBody(req).then(
      (body) => receive(req, body, res),
      () => res.writeHead(400).end('unreadable body'),
    );
  });
  return {
    server,
    get size() {
      return options.size?.() ?? sessions.size;
    },
  };
}
