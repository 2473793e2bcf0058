import { encodeMessage } from '../protocol/encode-message.ts';
import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session, SessionChannel } from '../server/session.ts';
import type { StreamEventStore } from '../server/sync-event-store.ts';
import { EventStreamWriter } from './http/event-stream-writer.ts';
import type { StreamSink } from './http/exchange.ts';
import { type KeepAliveSettings, startKeepAlive } from './http/keep-alive.ts';
import { randomHex } from './http/random-hex.ts';
import { andThen, SerialQueue } from './http/serial-queue.ts';
import { encodeSSEEvent, encodeSSEMessage } from './http/sse-encoder.ts';

export interface SSEStreamSettings {
  keepAlive: KeepAliveSettings;
  maxBufferedBytes: number;
  idleTimeout: number;
  /**
   * Where events are numbered and kept for a resumption (through its fast path when it has one: see
   * `streamEventStore`); without one they are numbered 1, 2, … and kept nowhere.
   */
  store: StreamEventStore | undefined;
  /** ms a session outlives its dropped connection when there is a store; 0: the drop closes the session. */
  gracePeriod: number;
}

/** One client connection to the stream: its writer and its keep-alive. */
interface Connection {
  writer: EventStreamWriter;
  stopKeepAlive: () => void;
}

/**
 * One session's event stream, which is the session's channel. Every message becomes a `message`
 * event with an id, written in order, with backpressure, keep-alive and the idle timer. With an event
 * store and a grace period the stream outlives its connection: while the client is away its events
 * wait in the store, and a client that reconnects takes the stream over and gets what it missed.
 */
export class SSEStream implements SessionChannel {
  /** The path prefix the stream was opened under; its POSTs and resumptions must use the same one. */
  readonly base: string;
  readonly principal: unknown;
  /** The stream id of this session's events in the store: random, so that no one can name another session's. */
  readonly key: string;
  /** When the client last sent a request or notification (not a response). */
  lastClientMessage = Date.now();
  readonly #server: McpServer;
  readonly #settings: SSEStreamSettings;
  readonly #onEnded: (stream: SSEStream) => void;
  readonly #queue: SerialQueue;
  /** The settings' store, through its fast path when it has one. */
  readonly #store: StreamEventStore | undefined;
  #session: Session | undefined;
  #endpointEvent = '';
  /** The client's connection; before `open`, one that holds what is sent until the stream opens. */
  #connection: Connection | undefined;
  /** The store's id that comes before this stream's first event. */
  #start: string | undefined;
  #nextEventId = 0;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    server: McpServer,
    settings: SSEStreamSettings,
    init: { base: string; principal: unknown; onEnded: (stream: SSEStream) => void; key?: string },
  ) {
    this.#server = server;
    this.#settings = settings;
    this.base = init.base;
    this.principal = init.principal;
    this.#onEnded = init.onEnded;
    this.key = init.key ?? `sse-${randomHex(12)}`;
    this.#queue = new SerialQueue((error) => server.reportError(error, this.#session));
    this.#connection = this.#newConnection();
    const store = settings.store;
    this.#store = store;
    if (store !== undefined) {
      this.#queue.run(() =>
        andThen(store.lastEventId(this.key), (id) => {
          this.#start = id;
        }),
      );
    }
  }

  get session(): Session | undefined {
    return this.#session;
  }

  /** Whether a dropped connection leaves the session waiting for its client to come back. */
  get resumable(): boolean {
    return this.#store !== undefined && this.#settings.gracePeriod > 0;
  }

  send(message: JSONRPCMessage): void {
    const encoded = encodeMessage(message, this.#session?.id, (error) =>
      this.#server.reportError(error, this.#session),
    );
    if (encoded === undefined) return;
    const store = this.#store;
    if (store === undefined) {
      this.#connection?.writer.write(encodeSSEMessage(++this.#nextEventId, encoded.json));
      return;
    }
    this.#queue.run(() =>
      andThen(store.append(this.key, encoded.message, encoded.json), (id) => this.#write(id, encoded.json)),
    );
  }

  close(): void {
    this.#stopGrace();
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    const store = this.#store;
    this.#queue.run(() => {
      const connection = this.#connection;
      this.#connection = undefined;
      if (connection !== undefined) {
        connection.stopKeepAlive();
        connection.writer.end();
      }
      // A session another instance holds now keeps its events there.
      if (store !== undefined && this.#session?.released !== true) return store.deleteStream(this.key);
    });
    this.#onEnded(this);
  }

  /** Starts the stream on its first connection: the `endpoint` event, anything sent meanwhile, then keep-alive. */
  open(session: Session, sink: StreamSink, endpointURL: string): void {
    this.#session = session;
    this.#endpointEvent = encodeSSEEvent({ event: 'endpoint', data: endpointURL });
    const connection = this.#connection ?? this.#newConnection();
    this.#connection = connection;
    this.#attach(connection, sink);
    if (this.#settings.idleTimeout > 0) this.#armIdle(this.#settings.idleTimeout);
  }

  /**
   * Takes up a session another instance held until it stopped: the stream waits, without a connection,
   * for the session's client to reconnect (within the grace period) and resume from the shared store.
   */
  adopt(session: Session, endpointURL: string): void {
    this.#session = session;
    this.#endpointEvent = encodeSSEEvent({ event: 'endpoint', data: endpointURL });
    this.#connection = undefined;
    this.#startGrace(session);
    if (this.#settings.idleTimeout > 0) this.#armIdle(this.#settings.idleTimeout);
  }

  /**
   * A reconnection takes the stream over on `sink` (ending any connection still open): the `endpoint`
   * event again, the events after `lastEventId` (every event still held without it), then live ones.
   * `clientGone` tells whether the client left while the missed events were read from the store.
   */
  resume(sink: StreamSink, lastEventId: string | undefined, clientGone: () => boolean): void {
    const store = this.#store;
    const session = this.#session;
    if (store === undefined || session === undefined) return;
    this.#queue.run(() => {
      const after = lastEventId ?? this.#start;
      const missed: string[] = [];
      const replayed =
        after === undefined
          ? undefined
          : store.replayAfter(after, (id, message) => {
              missed.push(encodeSSEMessage(id, JSON.stringify(message)));
            });
      return andThen(replayed, () => {
        if (!clientGone()) this.#takeOver(sink, missed);
      });
    });
  }

  /** Ends the connection still open, if any, and writes the endpoint event and `missed` to `sink`. */
  #takeOver(sink: StreamSink, missed: readonly string[]): void {
    const session = this.#session!;
    if (session.closed) {
      sink.end();
      return;
    }
    this.#stopGrace();
    session.touch();
    const previous = this.#connection;
    if (previous !== undefined) {
      previous.stopKeepAlive();
      previous.writer.end();
    }
    // What the client missed is held already (by the store); it may wait on top of maxBufferedBytes.
    let size = 0;
    for (const event of missed) size += event.length;
    const connection = this.#newConnection(size);
    this.#connection = connection;
    this.#attach(connection, sink);
    for (const event of missed) connection.writer.write(event);
  }

  #write(eventId: string, json: string): void {
    this.#connection?.writer.write(encodeSSEMessage(eventId, json));
  }

  #attach(connection: Connection, sink: StreamSink): void {
    const session = this.#session!;
    sink.onClose(() => this.#dropped(connection));
    connection.writer.attach(sink, this.#endpointEvent);
    const stream = this;
    connection.stopKeepAlive = startKeepAlive(this.#settings.keepAlive, {
      session,
      writer: connection.writer,
      // A ping that went unanswered because its connection dropped is not a dead client: it may resume.
      onUnresponsive(reason) {
        if (stream.#connection === connection) void stream.#server.closeSession(session, reason);
      },
    });
  }

  /** A connection whose writer holds up to `maxBufferedBytes` (plus `extra`) for a client that is not reading. */
  #newConnection(extra = 0): Connection {
    const stream = this;
    const connection: Connection = {
      writer: new EventStreamWriter({
        maxBuffered: this.#settings.maxBufferedBytes + extra,
        onOverflow(buffered) {
          stream.#overflow(connection, buffered);
        },
      }),
      stopKeepAlive() {},
    };
    return connection;
  }

  /** The client went away: the session waits for it (resumable) or closes. */
  #dropped(connection: Connection): void {
    if (!this.#detach(connection)) return;
    connection.writer.destroy();
    const session = this.#session;
    if (session === undefined || session.closed) return;
    if (this.resumable) this.#startGrace(session);
    else void this.#server.closeSession(session, 'client disconnected');
  }

  /** Forgets `connection` if it is the current one; false otherwise. */
  #detach(connection: Connection): boolean {
    if (this.#connection !== connection) return false;
    this.#connection = undefined;
    connection.stopKeepAlive();
    return true;
  }

  #startGrace(session: Session): void {
    this.#stopGrace();
    const grace = this.#settings.gracePeriod;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (this.#connection !== undefined) return;
      const reason = `the client did not reconnect within ${grace} ms (reconnectGracePeriod)`;
      void this.#server.closeSession(session, reason);
    }, grace);
    (this.#graceTimer as { unref?: () => void }).unref?.();
  }

  #stopGrace(): void {
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
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

  /** The client stopped reading: its connection is dropped; the session waits for it to resume, or closes. */
  #overflow(connection: Connection, buffered: number): void {
    const session = this.#session;
    if (session === undefined) return;
    const resumable = this.resumable;
    const reason = `the client stopped reading: ${buffered} bytes of events waited, over maxBufferedBytes (${this.#settings.maxBufferedBytes})`;
    const then = resumable
      ? `; it may reconnect within reconnectGracePeriod (${this.#settings.gracePeriod} ms) and get the events it missed`
      : '';
    this.#server.reportError(
      new McpLiveError('OVERLOADED', `SSE session ${session.id} disconnected: ${reason}${then}`),
      session,
    );
    if (!resumable) return void this.#server.closeSession(session, reason);
    if (this.#detach(connection)) this.#startGrace(session);
  }
}
