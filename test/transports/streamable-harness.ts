// Shared by the Streamable HTTP suites: one server per test through the Node path or the fetch path
// (wrapped in node:http, so both run over real sockets), raw MCP requests, and live event streams.
import { type ClientRequest, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { StreamableHTTPServer, type StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import { type Mode, type RawResponse, send, toNodeListener } from './harness.ts';
import { type ParsedEvent, SSEParser } from './sse-parser.ts';

export { delay, MODES, type Mode, send, until } from './harness.ts';

export interface StreamableHarness {
  server: McpServer;
  transport: StreamableHTTPServer;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The MCP endpoint. */
  url: string;
  /** Drops every open connection, as a network failure would. */
  dropConnections(): void;
}

/** Starts a `StreamableHTTPServer` on 127.0.0.1:0 through `mode`; everything is torn down after the test. */
export async function startStreamable(
  t: TestContext,
  mode: Mode,
  options: StreamableHTTPServerOptions = {},
  server = new McpServer({ name: 'streamable-test', version: '1.0.0' }),
): Promise<StreamableHarness> {
  const transport = new StreamableHTTPServer(server, options);
  const http = createServer(
    mode === 'node' ? (req, res) => void transport.handleNode(req, res) : toNodeListener(transport.fetch),
  );
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  t.after(async () => {
    await transport.close({ timeout: 0 });
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    server,
    transport,
    origin,
    url: `${origin}/mcp`,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

export const ACCEPT = 'application/json, text/event-stream';

export function initializeMessage(version = '2025-11-25', capabilities: Record<string, unknown> = {}) {
  return {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: version, capabilities, clientInfo: { name: 'raw', version: '0' } },
  } as const;
}

/** POSTs one message (or raw text) as a conforming client would: JSON, accepting JSON and SSE. */
export function mcpPost(url: string, message: unknown, headers: Record<string, string> = {}) {
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  return send(url, {
    method: 'POST',
    headers: { Accept: ACCEPT, 'Content-Type': 'application/json', ...headers },
    body,
  });
}

/** The events of a whole (ended) event-stream body. */
export function eventsOf(body: string): ParsedEvent[] {
  const parser = new SSEParser();
  parser.feed(body);
  return parser.events;
}

/** The JSON-RPC messages of a whole POST answer: one JSON body (a message or a batch), or an event stream. */
export function messagesOf(body: string): Array<Record<string, unknown>> {
  const start = body.trimStart()[0];
  if (start === '{') return [JSON.parse(body) as Record<string, unknown>];
  if (start === '[') return JSON.parse(body) as Array<Record<string, unknown>>;
  return eventsOf(body)
    .filter((e) => e.data !== '')
    .map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

/** Initializes a session over raw HTTP; returns its id and the headers later requests need. */
export async function openSession(
  h: StreamableHarness,
  options: {
    version?: string;
    capabilities?: Record<string, unknown>;
    headers?: Record<string, string>;
  } = {},
) {
  const version = options.version ?? '2025-11-25';
  const answer = await mcpPost(
    h.url,
    initializeMessage(version, options.capabilities),
    options.headers ?? {},
  );
  if (answer.status !== 200) throw new Error(`initialize got ${answer.status}: ${answer.body}`);
  const sessionId = answer.headers['mcp-session-id'] as string;
  const headers = { ...options.headers, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': version };
  const initialized = await mcpPost(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  if (initialized.status !== 202) throw new Error(`initialized got ${initialized.status}`);
  return { sessionId, headers, answer };
}

/** An HTTP response whose event stream is parsed as it arrives. */
export class LiveStream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly parser: SSEParser;
  readonly #req: ClientRequest;
  readonly #res: IncomingMessage;
  #cursor = 0;
  #wake: (() => void) | undefined;
  #ended = false;
  #body = '';

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
    res.on('data', (chunk: string) => {
      this.#body += chunk;
      this.parser.feed(chunk);
    });
    res.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
  }

  /** Sends a request and resolves with its response once the headers are in; `t.after` closes it. */
  static open(
    t: TestContext,
    url: string,
    options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<LiveStream> {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> =
      method === 'POST'
        ? { Accept: ACCEPT, 'Content-Type': 'application/json', ...options.headers }
        : { Accept: 'text/event-stream', ...options.headers };
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: false }, (res) => {
        const stream = new LiveStream(req, res);
        t.after(() => stream.close());
        resolve(stream);
      });
      req.on('error', reject);
      req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Everything received so far. */
  get body(): string {
    return this.#body;
  }

  /** The next event not yet returned. */
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

  /** The next JSON-RPC message that `match` accepts, skipping others (and priming events). */
  async message(match: (m: Record<string, unknown>) => boolean = () => true, timeout = 3_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      if (event.data === '') continue;
      const message = JSON.parse(event.data) as Record<string, unknown>;
      if (match(message)) return { message, id: event.id };
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

/** A JSON-RPC error body's message, for assertions on HTTP refusals. */
export function errorOf(response: RawResponse): { code: number; message: string; data?: unknown } {
  return (JSON.parse(response.body) as { error: { code: number; message: string } }).error;
}
