import { flatString } from '../protocol/flat-string.ts';
import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { SendOptions, Session, SessionChannel } from '../server/session.ts';
import { type ConnectionListener, EventStream, type EventStreamSettings } from './http/event-stream.ts';
import type { StreamSink } from './http/exchange.ts';
import { randomHex } from './http/random-hex.ts';
import { encodeSSEEvent } from './http/sse-encoder.ts';

export interface SSEStreamSettings {
  /** The wire's settings of every event stream; HTTP+SSE numbers events even without a store. */
  events: EventStreamSettings;
  /** ms a session outlives its dropped connection when there is a store; 0: the drop closes the session. */
  gracePeriod: number;
}

/**
 * An HTTP+SSE session's channel: one `EventStream` whose connections open with the `endpoint` event.
 * With an event store and a grace period the session outlives its connection: while the client is
 * away its events wait in the store, and a client that reconnects takes the stream over and gets
 * what it missed. Otherwise a dropped connection closes the session.
 */
export class SSEStream implements SessionChannel, ConnectionListener {
  /** The path prefix the stream was opened under; its POSTs and resumptions must use the same one. */
  readonly base: string;
  readonly principal: unknown;
  /** The stream id of this session's events in the store: random, so that no one can name another session's. */
  readonly key: string;
  readonly #server: McpServer;
  readonly #settings: SSEStreamSettings;
  readonly #onEnded: (stream: SSEStream) => void;
  readonly #events: EventStream;
  #endpointEvent = '';
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    server: McpServer,
    settings: SSEStreamSettings,
    init: {
      base: string;
      principal: unknown;
      onEnded: (stream: SSEStream) => void;
      key?: string;
      adopted?: boolean;
    },
  ) {
    this.#server = server;
    this.#settings = settings;
    this.base = init.base;
    this.principal = init.principal;
    this.#onEnded = init.onEnded;
    // Flat: kept as long as the session, and a concatenation would keep its pieces too.
    this.key = init.key ?? flatString(`sse-${randomHex(12)}`);
    // A new session's first connection holds what is sent until the stream opens; an adopted one has none.
    this.#events = new EventStream(this.key, undefined, settings.events, { eager: init.adopted !== true });
  }

  /** Its connection started (it hears of its connections itself: see `ConnectionListener`). */
  attached(): void {
    this.#stopGrace();
  }

  /** Its client went away. */
  disconnected(): void {
    this.#dropped();
  }

  /** Its client stopped reading. */
  overflowed(buffered: number): void {
    this.#overflow(buffered);
  }

  get session(): Session | undefined {
    return this.#events.session;
  }

  /** Whether a dropped connection leaves the session waiting for its client to come back. */
  get resumable(): boolean {
    return this.#settings.events.store !== undefined && this.#settings.gracePeriod > 0;
  }

  send(message: JSONRPCMessage, options?: SendOptions): void {
    this.#events.send(message, options?.json);
  }

  close(): void {
    this.#stopGrace();
    this.#events.close();
    this.#onEnded(this);
  }

  /** Starts the stream on its first connection: the `endpoint` event, anything sent meanwhile, then live events. */
  open(session: Session, sink: StreamSink, endpointURL: string): void {
    this.#bind(session, endpointURL);
    this.#events.connect(sink, { opening: this.#endpointEvent, listener: this });
  }

  /**
   * Takes up a session another instance held until it stopped: the stream waits, without a connection,
   * for the session's client to reconnect (within the grace period) and resume from the shared store.
   */
  adopt(session: Session, endpointURL: string): void {
    this.#bind(session, endpointURL);
    this.#startGrace(session);
  }

  /**
   * A reconnection takes the stream over on `sink` (ending any connection still open): the `endpoint`
   * event again, the events after `lastEventId` (every event still held without it), then live ones.
   */
  resume(sink: StreamSink, lastEventId: string | undefined): void {
    const replayAfter = lastEventId ?? 'start';
    this.#events.connect(sink, { opening: this.#endpointEvent, replayAfter, listener: this });
  }

  #bind(session: Session, endpointURL: string): void {
    this.#events.bind(session);
    this.#endpointEvent = encodeSSEEvent({ event: 'endpoint', data: endpointURL });
  }

  /** The client went away: unless it is already back, the session waits for it (resumable) or closes. */
  #dropped(): void {
    const session = this.session;
    if (session === undefined || session.closed || this.#events.connected) return;
    if (this.resumable) this.#startGrace(session);
    else void this.#server.closeSession(session, 'client disconnected');
  }

  /** The client stopped reading: its connection was dropped; the session waits for it to resume, or closes. */
  #overflow(buffered: number): void {
    const session = this.session;
    if (session === undefined) return;
    const { gracePeriod } = this.#settings;
    const reason = `the client stopped reading: ${buffered} bytes of events waited, over maxBufferedBytes (${this.#settings.events.maxBufferedBytes})`;
    const then = this.resumable
      ? `; it may reconnect within reconnectGracePeriod (${gracePeriod} ms) and get the events it missed`
      : '';
    this.#server.reportError(
      new McpLiveError('OVERLOADED', `SSE session ${session.id} disconnected: ${reason}${then}`),
      session,
    );
    if (!this.resumable) void this.#server.closeSession(session, reason);
    else if (!this.#events.connected) this.#startGrace(session);
  }

  #startGrace(session: Session): void {
    this.#stopGrace();
    const grace = this.#settings.gracePeriod;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (this.#events.connected) return;
      const reason = `the client did not reconnect within ${grace} ms (reconnectGracePeriod)`;
      void this.#server.closeSession(session, reason);
    }, grace);
    (this.#graceTimer as { unref?: () => void }).unref?.();
  }

  #stopGrace(): void {
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }
}
