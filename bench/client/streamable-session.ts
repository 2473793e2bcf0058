// A lean client of sessionful Streamable HTTP: POST /mcp with both media types accepted, keep the
// `Mcp-Session-Id`, read each answer as JSON or as an SSE stream, and hold a GET stream open for
// server-initiated notifications (what broadcasts arrive on).
import type { IncomingMessage } from 'node:http';
import { type BenchSession, CLIENT_INFO, type SessionOptions } from './bench-session.ts';
import { openStream, type Reply } from './http.ts';
import { SSEParser } from './sse-parser.ts';

const PROTOCOL_VERSION = '2025-06-18';

export interface Incoming {
  id?: unknown;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code?: number; message?: string };
}

/** The JSON-RPC messages of a POST's answer, a JSON body or a whole event stream. */
export function messagesOf(reply: Reply): Incoming[] {
  const type = reply.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const parsed = JSON.parse(reply.body) as Incoming | Incoming[];
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  const messages: Incoming[] = [];
  if (type.startsWith('text/event-stream')) {
    const parser = new SSEParser((_event, data) => messages.push(JSON.parse(data) as Incoming));
    parser.push(`${reply.body}\n\n`);
  }
  return messages;
}

export class StreamableSession implements BenchSession {
  onNotification: ((method: string, params: unknown) => void) | undefined;
  readonly #options: SessionOptions;
  readonly #url: URL;
  #headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  #next = 1;
  #stream: IncomingMessage | undefined;
  #closed = false;

  private constructor(options: SessionOptions) {
    this.#options = options;
    this.#url = new URL('mcp', options.base);
  }

  /** Initializes, acknowledges, and opens the notification stream. */
  static async open(options: SessionOptions): Promise<StreamableSession> {
    const session = new StreamableSession(options);
    try {
      await session.call('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: CLIENT_INFO,
      });
      await session.#post({ jsonrpc: '2.0', method: 'notifications/initialized' });
      if (options.notificationStream !== false) await session.#listen();
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  async #post(message: object): Promise<Reply> {
    const { agents, timeoutMs } = this.#options;
    const body = JSON.stringify(message);
    const reply = await agents.pool.request('POST', this.#url.pathname, this.#headers, body, timeoutMs);
    if (reply.status >= 300)
      throw new Error(`POST /mcp answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    const id = reply.headers['mcp-session-id'];
    if (id !== undefined && this.#headers['mcp-session-id'] === undefined) {
      this.#headers = { ...this.#headers, 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION };
    }
    return reply;
  }

  async #listen(): Promise<void> {
    const { agents, timeoutMs } = this.#options;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    for (const key of ['mcp-session-id', 'mcp-protocol-version']) {
      const value = this.#headers[key];
      if (value !== undefined) headers[key] = value;
    }
    const stream = await openStream(agents.streams, this.#url, headers, timeoutMs);
    this.#stream = stream;
    stream.setEncoding('utf8');
    const parser = new SSEParser((_event, data) => this.#notify(data));
    stream.on('data', (chunk: string) => parser.push(chunk));
    stream.on('error', () => {});
  }

  #notify(data: string): void {
    try {
      const message = JSON.parse(data) as Incoming;
      if (message.method === undefined) return;
      if (message.id === undefined) this.onNotification?.(message.method, message.params);
      // A server's keep-alive ping (fastmcp sends one every 5 s) is answered, as any client does.
      else if (message.method === 'ping')
        this.#post({ jsonrpc: '2.0', id: message.id, result: {} }).catch(() => {});
    } catch {
      // not JSON: not ours to judge here
    }
  }

  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    if (this.#closed) throw new Error('session closed');
    const id = this.#next++;
    const reply = await this.#post({ jsonrpc: '2.0', id, method, params });
    for (const message of messagesOf(reply)) {
      if (message.id === id) {
        if (message.error !== undefined)
          throw new Error(`error ${message.error.code}: ${message.error.message}`);
        return message.result;
      }
      if (message.method !== undefined && message.id === undefined)
        this.onNotification?.(message.method, message.params);
    }
    throw new Error(`${method}: the answer (status ${reply.status}) held no response to id ${id}`);
  }

  close(tellServer = true): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream?.destroy();
    if (!tellServer || this.#headers['mcp-session-id'] === undefined) return;
    const { agents, timeoutMs } = this.#options;
    agents.pool.request('DELETE', this.#url.pathname, this.#headers, '', timeoutMs).catch(() => {});
  }
}
