import { ErrorCode, type JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session, SessionChannel } from '../server/session.ts';
import { EventStreamWriter } from './http/event-stream-writer.ts';
import type { StreamSink } from './http/exchange.ts';
import { type KeepAliveSettings, startKeepAlive } from './http/keep-alive.ts';
import { encodeSSEComment, encodeSSEEvent, encodeSSEMessage } from './http/sse-encoder.ts';

export interface SSEStreamSettings {
  keepAlive: KeepAliveSettings;
  maxBufferedBytes: number;
  idleTimeout: number;
}

const KEEP_ALIVE_COMMENT = encodeSSEComment('keep-alive');

/**
 * One session's event stream: the session's channel. Every message becomes a `message` event with
 * an increasing `id:`, written in order, with backpressure, keep-alive and the idle timer.
 */
export class SSEStream implements SessionChannel {
  /** The path prefix the stream was opened under; its POSTs must use the same one. */
  readonly base: string;
  readonly principal: unknown;
  /** When the client last sent a request or notification (not a response). */
  lastClientMessage = Date.now();
  readonly #server: McpServer;
  readonly #settings: SSEStreamSettings;
  readonly #writer: EventStreamWriter;
  readonly #onEnded: (stream: SSEStream) => void;
  #session: Session | undefined;
  #nextEventId = 0;
  #stopKeepAlive: (() => void) | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    server: McpServer,
    settings: SSEStreamSettings,
    init: { base: string; principal: unknown; onEnded: (stream: SSEStream) => void },
  ) {
    this.#server = server;
    this.#settings = settings;
    this.base = init.base;
    this.principal = init.principal;
    this.#onEnded = init.onEnded;
    this.#writer = new EventStreamWriter({
      maxBuffered: settings.maxBufferedBytes,
      onOverflow: (buffered) => this.#overflow(buffered),
    });
  }

  get session(): Session | undefined {
    return this.#session;
  }

  send(message: JSONRPCMessage): void {
    let json: string;
    try {
      json = JSON.stringify(message);
    } catch (error) {
      const replacement = this.#unencodable(message, error);
      if (replacement === undefined) return;
      json = replacement;
    }
    this.#writer.write(encodeSSEMessage(++this.#nextEventId, json));
  }

  close(): void {
    this.#stopKeepAlive?.();
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#writer.end();
    this.#onEnded(this);
  }

  /** Starts the stream on `sink`: the `endpoint` event, anything sent meanwhile, then keep-alive. */
  open(session: Session, sink: StreamSink, endpointURL: string): void {
    this.#session = session;
    sink.onClose(() => void this.#server.closeSession(session, 'client disconnected'));
    this.#writer.attach(sink, encodeSSEEvent({ event: 'endpoint', data: endpointURL }));
    this.#stopKeepAlive = startKeepAlive(this.#settings.keepAlive, {
      session,
      writeComment: () => !this.#writer.blocked && this.#writer.write(KEEP_ALIVE_COMMENT),
      onUnresponsive: (reason) => void this.#server.closeSession(session, reason),
    });
    if (this.#settings.idleTimeout > 0) this.#armIdle(this.#settings.idleTimeout);
  }

  #armIdle(delay: number): void {
    this.#idleTimer = setTimeout(() => this.#checkIdle(), delay);
    (this.#idleTimer as { unref?: () => void }).unref?.();
  }

  #checkIdle(): void {
    const session = this.#session;
    if (session === undefined || session.closed) return;
    const idle = this.#settings.idleTimeout;
    const left = this.lastClientMessage + idle - Date.now();
    if (left > 0) this.#armIdle(left);
    else if (session.inFlightCount > 0) this.#armIdle(Math.min(idle, 1_000));
    else void this.#server.closeSession(session, `the client sent nothing for ${idle} ms (idleTimeout)`);
  }

  #overflow(buffered: number): void {
    const session = this.#session;
    if (session === undefined) return;
    const reason = `the client stopped reading: ${buffered} bytes of events waited, over maxBufferedBytes (${this.#settings.maxBufferedBytes})`;
    this.#server.reportError(
      new McpLiveError('OVERLOADED', `SSE session ${session.id} disconnected: ${reason}`),
      session,
    );
    void this.#server.closeSession(session, reason);
  }

  /** A message `JSON.stringify` refused: a response still gets an answer (an error), anything else is reported. */
  #unencodable(message: JSONRPCMessage, error: unknown): string | undefined {
    const session = this.#session;
    this.#server.reportError(
      new McpLiveError(
        'TRANSPORT',
        `A message to SSE session ${session?.id ?? '(opening)'} is not JSON-encodable`,
        {
          cause: error,
        },
      ),
      session,
    );
    if ('method' in message || !('id' in message) || message.id === null) return undefined;
    return JSON.stringify({
      jsonrpc: '2.0',
      id: message.id,
      error: {
        code: ErrorCode.InternalError,
        message: `Internal error: the result of request ${JSON.stringify(message.id)} could not be encoded as JSON (${(error as Error).message})`,
      },
    });
  }
}
