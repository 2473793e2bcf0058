// A lean client of the 2026-07-28 stateless path: no handshake and no session; every request is a POST
// of its own carrying the `_meta` envelope (protocol version, client info and capabilities) and the
// mirrored headers (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`), as a conforming client sends
// them. Notifications arrive on a `subscriptions/listen` stream, opened when the session opens.
import type { IncomingMessage } from 'node:http';
import { type BenchSession, CLIENT_INFO, type SessionOptions } from './bench-session.ts';
import { openStream } from './http.ts';
import { SSEParser } from './sse-parser.ts';
import { type Incoming, messagesOf } from './streamable-session.ts';

export const MODERN_VERSION = '2026-07-28';
/** The resource every listen stream asks for, and `touch` updates. */
export const LIVE_URI = 'bench://live';
const ACKNOWLEDGED = 'notifications/subscriptions/acknowledged';
// Elicitation is declared so that a handler may ask through an input round.
const META = {
  'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
  'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
};
/** The params members whose value a 2026 client mirrors into `Mcp-Name`. */
const NAME_FIELD: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

/** The headers of a 2026-07-28 POST for `method` with `params`. */
export function modernHeaders(method: string, params: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN_VERSION,
    'mcp-method': method,
  };
  const field = NAME_FIELD[method];
  const name = field === undefined ? undefined : params[field];
  if (typeof name === 'string') headers['mcp-name'] = name;
  return headers;
}

/** The body of a 2026-07-28 request: `params` with the `_meta` envelope every request carries. */
export function modernBody(id: number | string, method: string, params: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: META } });
}

export class StatelessSession implements BenchSession {
  onNotification: ((method: string, params: unknown) => void) | undefined;
  readonly #options: SessionOptions;
  readonly #path: string;
  #next = 1;
  #stream: IncomingMessage | undefined;
  #closed = false;

  private constructor(options: SessionOptions) {
    this.#options = options;
    this.#path = new URL('mcp', options.base).pathname;
  }

  /** Nothing to open but the listen stream, unless `notificationStream` is false. */
  static async open(options: SessionOptions): Promise<StatelessSession> {
    const session = new StatelessSession(options);
    if (options.notificationStream !== false) {
      try {
        await session.#listen();
      } catch (error) {
        session.close();
        throw error;
      }
    }
    return session;
  }

  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    if (this.#closed) throw new Error('session closed');
    const id = this.#next++;
    const { agents, timeoutMs } = this.#options;
    const body = modernBody(id, method, params);
    const reply = await agents.pool.request(
      'POST',
      this.#path,
      modernHeaders(method, params),
      body,
      timeoutMs,
    );
    if (reply.status >= 300 && !(reply.headers['content-type'] ?? '').startsWith('application/json'))
      throw new Error(`POST /mcp answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    for (const message of messagesOf(reply)) {
      if (message.id === id) {
        if (message.error !== undefined)
          throw new Error(`error ${message.error.code}: ${message.error.message}`);
        return message.result;
      }
    }
    throw new Error(`${method}: the answer (status ${reply.status}) held no response to id ${id}`);
  }

  /** Opens `subscriptions/listen` for `LIVE_URI` and waits for its acknowledgment. */
  async #listen(): Promise<void> {
    const { agents, timeoutMs } = this.#options;
    const params = { notifications: { resourceSubscriptions: [LIVE_URI] } };
    const url = new URL(this.#path, this.#options.base);
    const body = modernBody(`listen-${this.#next++}`, 'subscriptions/listen', params);
    const stream = await openStream(
      agents.streams,
      url,
      modernHeaders('subscriptions/listen', params),
      timeoutMs,
      body,
    );
    this.#stream = stream;
    stream.setEncoding('utf8');
    const type = stream.headers['content-type'] ?? '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listen acknowledgment in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        if (error === undefined) resolve();
        else reject(error);
      };
      if (!type.startsWith('text/event-stream')) {
        let text = '';
        stream.on('data', (chunk: string) => {
          text += chunk;
        });
        stream.on('end', () => settle(new Error(`listen answered ${type}: ${text.slice(0, 200)}`)));
        return;
      }
      const parser = new SSEParser((_event, data) => {
        let message: Incoming;
        try {
          message = JSON.parse(data) as Incoming;
        } catch {
          return;
        }
        if (message.method === ACKNOWLEDGED) settle();
        else if (message.method !== undefined) this.onNotification?.(message.method, message.params);
        else settle(new Error(`listen ended: ${data.slice(0, 200)}`));
      });
      stream.on('data', (chunk: string) => parser.push(chunk));
      stream.on('error', (error) => settle(error));
      stream.on('close', () => settle(new Error('the listen stream ended')));
    });
  }

  close(): void {
    this.#closed = true;
    this.#stream?.destroy();
  }
}
