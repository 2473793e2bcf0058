// Shared by the SSE suites: one server per test through the Node path or the fetch path (wrapped in
// node:http, so both run over real sockets), raw HTTP calls, and a reader of live event streams.
import {
  type ClientRequest,
  createServer,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { SSEServer, type SSEServerOptions } from '../../src/transports/index.ts';
import { type ParsedEvent, SSEParser } from './sse-parser.ts';

export type Mode = 'node' | 'fetch';
export const MODES: readonly Mode[] = ['node', 'fetch'];

export interface Harness {
  server: McpServer;
  sse: SSEServer;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Every GET the server received, with the server's side of it (to cut a stream from the server's end). */
  gets: Array<{ req: IncomingMessage; res: ServerResponse }>;
}

/** Serves a fetch handler from node:http: IncomingMessage → Request, Response → ServerResponse. */
export function toNodeListener(handler: (request: Request) => Promise<Response>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const init: RequestInit & { duplex?: 'half' } = {
      method: req.method ?? 'GET',
      headers,
      signal: controller.signal,
    };
    if (hasBody) {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
    const response = await handler(
      new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, init),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.flushHeaders();
    if (response.body === null) {
      res.end();
      return;
    }
    const reader = response.body.getReader();
    res.on('close', () => void reader.cancel().catch(() => {}));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!res.write(value)) {
          // Waits for drain or close, then takes its listeners off: a slow reader waits many times.
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.once('drain', done);
            res.once('close', done);
          });
        }
      }
      res.end();
    } catch {
      res.destroy();
    }
  };
}

/** Starts `sse` for `server` on 127.0.0.1:0 through `mode`; everything is torn down after the test. */
export async function startSSE(
  t: TestContext,
  mode: Mode,
  options: SSEServerOptions = {},
  server = new McpServer({ name: 'sse-test', version: '1.0.0' }),
): Promise<Harness> {
  const sse = new SSEServer(server, options);
  const gets: Harness['gets'] = [];
  const handle =
    mode === 'node'
      ? (req: IncomingMessage, res: ServerResponse) => void sse.handleNode(req, res)
      : toNodeListener(sse.fetch);
  const http = createServer((req, res) => {
    if (req.method === 'GET') gets.push({ req, res });
    void handle(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  t.after(async () => {
    await sse.close({ timeout: 0 });
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return { server, sse, origin: `http://127.0.0.1:${port}`, port, gets };
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One raw HTTP request on its own connection. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POSTs one JSON-RPC message (or raw text) with `Content-Type: application/json`. */
export function post(url: string, message: JSONRPCMessage | string, headers: Record<string, string> = {}) {
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  return send(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
}

/** A live `GET …/sse` stream whose events are parsed as they arrive. */
export class EventStream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly parser: SSEParser;
  readonly #req: ClientRequest;
  readonly #res: IncomingMessage;
  #cursor = 0;
  #wake: (() => void) | undefined;
  #ended = false;

  private constructor(req: ClientRequest, res: IncomingMessage) {
    this.#req = req;
    this.#res = res;
    this.status = res.statusCode ?? 0;
    this.headers = res.headers;
    this.parser = new SSEParser(
      () => this.#wake?.(),
      () => this.#wake?.(),
    );
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.parser.feed(chunk));
    res.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
  }

  /** Opens a stream; `t.after` closes it. */
  static open(t: TestContext, url: string, headers: Record<string, string> = {}): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { headers: { Accept: 'text/event-stream', ...headers }, agent: false },
        (res) => {
          const stream = new EventStream(req, res);
          t.after(() => stream.close());
          resolve(stream);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The message URL of the `endpoint` event (which must come first). */
  async endpoint(): Promise<string> {
    const first = await this.next();
    if (first.event !== 'endpoint') throw new Error(`expected the endpoint event first, got ${first.event}`);
    return first.data;
  }

  /** The next event not yet returned, waiting up to `timeout` ms. */
  async next(timeout = 3_000): Promise<ParsedEvent> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const event = this.parser.events[this.#cursor];
      if (event !== undefined) {
        this.#cursor++;
        return event;
      }
      if (this.#ended) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeout} ms`);
      await this.#wait(left);
    }
  }

  /** The next JSON-RPC message that `match` accepts, skipping others. */
  async message(match: (m: Record<string, unknown>) => boolean = () => true, timeout = 3_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      if (event.event !== 'message') continue;
      const message = JSON.parse(event.data) as Record<string, unknown>;
      if (match(message)) return message;
    }
  }

  /** Resolves once the server ended the stream. */
  async closed(timeout = 3_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!this.#ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the stream was still open after ${timeout} ms`);
      await this.#wait(left);
    }
  }

  /** Stops reading (the socket stays open, so the server's writes back up). */
  pause(): void {
    this.#res.pause();
  }

  resume(): void {
    this.#res.resume();
  }

  close(): void {
    this.#req.destroy();
    this.#res.destroy();
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
} as const;

/** Opens a stream and initializes its session over raw HTTP; returns the stream and its POST URL. */
export async function openSession(
  t: TestContext,
  h: Pick<Harness, 'origin'>,
  options: { path?: string; headers?: Record<string, string>; capabilities?: Record<string, unknown> } = {},
) {
  const headers = options.headers ?? {};
  const stream = await EventStream.open(t, h.origin + (options.path ?? '/sse'), headers);
  const endpoint = new URL(await stream.endpoint(), h.origin).href;
  const initialize = {
    ...INITIALIZE,
    params: { ...INITIALIZE.params, capabilities: options.capabilities ?? {} },
  };
  const answer = await post(endpoint, initialize, headers);
  if (answer.status !== 202) throw new Error(`initialize got ${answer.status}: ${answer.body}`);
  await stream.message((m) => m.id === 0);
  await post(endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  const sessionId = new URL(endpoint).searchParams.get('sessionId')!;
  return { stream, endpoint, sessionId };
}

/** The stream and the number of an event id of the default store (`sse-{key}_{n}`); throws for any other. */
/** Splits an SSE event id: `sse-{key}_{n}` with resumption on, a plain `n` without it. */
export function splitEventId(id: string): [stream: string, n: number] {
  const match = /^(?:(sse-[0-9a-f]{24})_)?(\d+)$/.exec(id);
  if (match === null) throw new Error(`${JSON.stringify(id)} is not an SSE event id`);
  return [match[1] ?? '', Number(match[2])];
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds, or fails after `timeout` ms. */
export async function until(condition: () => boolean, timeout = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeout} ms`);
    await delay(5);
  }
}
