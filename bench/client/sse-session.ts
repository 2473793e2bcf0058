// A lean client of the HTTP+SSE transport (2024-11-05): GET /sse, read the `endpoint` event, then POST
// every message there and match answers arriving on the stream by id.
import type { IncomingMessage } from 'node:http';
import { type BenchSession, CLIENT_INFO, type SessionOptions } from './bench-session.ts';
import { openStream } from './http.ts';
import { PendingCalls } from './pending-calls.ts';
import { SSEParser } from './sse-parser.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };

interface Incoming {
  id?: unknown;
  method?: string;
  params?: unknown;
}

export class SSESession implements BenchSession {
  onNotification: ((method: string, params: unknown) => void) | undefined;
  readonly #options: SessionOptions;
  readonly #pending: PendingCalls;
  #stream: IncomingMessage | undefined;
  /** Path and query of the message endpoint the server announced. */
  #endpoint: string | undefined;

  private constructor(options: SessionOptions) {
    this.#options = options;
    this.#pending = new PendingCalls(options.timeoutMs);
  }

  /** Opens the stream and completes the initialize handshake. */
  static async open(options: SessionOptions): Promise<SSESession> {
    const session = new SSESession(options);
    try {
      await session.#connect();
      await session.call('initialize', {
        protocolVersion: '2024-11-05',
        capabilities: {},
        clientInfo: CLIENT_INFO,
      });
      await session.#post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  async #connect(): Promise<void> {
    const { base, agents, timeoutMs } = this.#options;
    const stream = await openStream(
      agents.streams,
      new URL('sse', base),
      { accept: 'text/event-stream' },
      timeoutMs,
    );
    this.#stream = stream;
    stream.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no endpoint event in ${timeoutMs} ms`)), timeoutMs);
      const parser = new SSEParser((event, data) => {
        if (event === 'endpoint') {
          const url = new URL(data, base);
          this.#endpoint = url.pathname + url.search;
          clearTimeout(timer);
          resolve();
        } else if (event === 'message') {
          this.#receive(data);
        }
      });
      stream.on('data', (chunk: string) => parser.push(chunk));
      const end = () => {
        clearTimeout(timer);
        const error = new Error('the SSE stream ended');
        reject(error);
        this.#pending.failAll(error);
      };
      stream.on('end', end);
      stream.on('error', end);
      stream.on('close', end);
    });
  }

  #receive(data: string): void {
    let message: Incoming;
    try {
      message = JSON.parse(data) as Incoming;
    } catch {
      return;
    }
    if (message.method === undefined) this.#pending.settle(message);
    else if (message.id === undefined) this.onNotification?.(message.method, message.params);
    // A server's keep-alive ping (fastmcp sends one every 5 s) is answered, as any client does.
    else if (message.method === 'ping')
      this.#post({ jsonrpc: '2.0', id: message.id, result: {} }).catch(() => {});
  }

  async #post(message: object): Promise<void> {
    if (this.#endpoint === undefined) throw new Error('session not connected');
    const { pool } = this.#options.agents;
    const reply = await pool.request(
      'POST',
      this.#endpoint,
      JSON_HEADERS,
      JSON.stringify(message),
      this.#options.timeoutMs,
    );
    if (reply.status >= 300) throw new Error(`POST answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  }

  call(method: string, params: Record<string, unknown>): Promise<unknown> {
    const { id, answer } = this.#pending.add(method);
    this.#post({ jsonrpc: '2.0', id, method, params }).catch((error: Error) => this.#pending.fail(id, error));
    return answer;
  }

  close(): void {
    this.#stream?.destroy();
    this.#pending.failAll(new Error('session closed'));
  }
}
