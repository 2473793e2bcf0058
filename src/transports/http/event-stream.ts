import { encodeMessage } from '../../protocol/encode-message.ts';
import type { JSONRPCMessage } from '../../protocol/jsonrpc.ts';
import { McpLiveError } from '../../protocol/mcp-live-error.ts';
import type { InstrumentationSlot } from '../../server/instrumentation.ts';
import type { Session } from '../../server/session.ts';
import type { StreamEventStore } from '../../server/sync-event-store.ts';
import { EventStreamWriter } from './event-stream-writer.ts';
import type { StreamSink } from './exchange.ts';
import { type KeepAlive, type KeepAliveSettings, startKeepAlive } from './keep-alive.ts';
import { SerialQueue } from './serial-queue.ts';
import { encodeSSEEvent, encodeSSEMessage } from './sse-encoder.ts';

/** What every stream of one wire shares. */
export interface EventStreamSettings {
  /**
   * Where events are numbered and kept (through its fast path when it has one: see `streamEventStore`);
   * without one they are kept nowhere and cannot be replayed.
   */
  store: StreamEventStore | undefined;
  /** Without a store, number events 1, 2, … (HTTP+SSE) instead of sending them without ids. @default false */
  numberWithoutStore?: boolean;
  keepAlive: KeepAliveSettings;
  /** How much encoded text may wait for a client that is not reading before its connection is dropped. */
  maxBufferedBytes: number;
  /** The server's instrumentation slot: told how much waits for slow clients. */
  instrumentation?: InstrumentationSlot;
  report(error: unknown, session: Session | undefined): void;
  /** The client of the stream's open connection stopped answering keep-alive pings. */
  unresponsive(session: Session, reason: string): void;
}

export interface ConnectOptions {
  /** An event written first on this connection (HTTP+SSE's `endpoint` event). */
  opening?: string;
  /** Send a priming event (an id, empty data) first, with this `retry:` value (0: none). */
  priming?: { retry: number };
  /**
   * Replay the events after this id before live ones; `'backlog'`: those never written to a
   * connection; `'start'`: every event of the stream still held.
   */
  replayAfter?: string;
  /** End the connection once the replay is written (a stream that will get no more events). */
  endAfterReplay?: boolean;
  /** Hears what happens to the connection. */
  listener?: ConnectionListener;
}

/**
 * What a stream's owner hears of its connections: one object (the owner itself, often) given to each
 * connection, rather than closures made per stream.
 */
export interface ConnectionListener {
  /** The connection started: what it replays is written, live events follow. */
  attached?(): void;
  /** The client went away (not called when the server ends or replaces the connection). */
  disconnected?(): void;
  /** The client stopped reading and its connection was dropped. @default reports an `OVERLOADED` error */
  overflowed?(buffered: number): void;
}

export interface EventStreamOptions {
  /** Hold what is sent for the first connection (until `connect`). @default false */
  eager?: boolean;
  /**
   * Look up where the stream starts in the store, for a priming event or a replay from the start or
   * of the backlog; a POST's stream that sends no priming event does without. @default true
   */
  markStart?: boolean;
}

/** One client connection of a stream; it is also its own keep-alive target. */
interface Connection {
  readonly stream: EventStream;
  writer: EventStreamWriter<Connection>;
  /** The stream's session, once the connection is attached with one. */
  session: Session | undefined;
  /** Keep-alive's report of silence: one function shared by every connection. */
  onUnresponsive(reason: string, connection: Connection): void;
  keepAlive: KeepAlive | undefined;
  /** What `connect` was given; `undefined` for an eager connection not yet claimed. */
  options: ConnectOptions | undefined;
  /** `connect` was called and its task has not run yet. */
  pending: boolean;
  /** Writing to a client's connection (before that, events wait in the writer). */
  attached: boolean;
  /** The client went away. */
  gone: boolean;
  /** End as soon as it is attached: the stream got everything it will get before a client took it. */
  ending: boolean;
}

const NO_OPTIONS: ConnectOptions = {};

/**
 * One resumable event stream, the one every HTTP wire uses: an HTTP+SSE session's stream, a
 * Streamable HTTP POST's stream or its standalone GET stream. Every message is numbered by the event
 * store (or locally), kept there, and written to the connection a client has open on the stream, with
 * backpressure bounded in bytes and keep-alive. A client that reconnects takes the stream over and
 * gets what it missed. Operations run one after another, so an asynchronous store never reorders or
 * duplicates events.
 */
export class EventStream {
  readonly id: string;
  readonly #settings: EventStreamSettings;
  /** The settings' store, through its fast path when it has one. */
  readonly #store: StreamEventStore | undefined;
  readonly #queue: SerialQueue<EventStream>;
  #session: Session | undefined;
  #connection: Connection | undefined;
  #connecting = 0;
  /** Where the stream started, in the store's numbering. */
  #start: string | undefined;
  /** The id of the last event handed to a connection. */
  #written: string | undefined;
  #appended: string | undefined;
  /** Events numbered without a store. */
  #counted = 0;
  /** `finish` was called: no event will follow. */
  #finished = false;
  #closed = false;

  /** `session` may be given later, with `bind`, for a stream that exists before its session does. */
  constructor(
    id: string,
    session: Session | undefined,
    settings: EventStreamSettings,
    options: EventStreamOptions = {},
  ) {
    this.id = id;
    this.#session = session;
    this.#settings = settings;
    this.#queue = new SerialQueue<EventStream>(EventStream.#reportFailedTask, this);
    if (options.eager === true) this.#connection = this.#newConnection();
    const store = settings.store;
    this.#store = store;
    if (store !== undefined && options.markStart !== false) {
      this.#queue.run(() => {
        const mark = store.lastEventId(id);
        if (typeof mark === 'string') this.#mark(mark);
        else return mark.then((m) => this.#mark(m));
      });
    }
  }

  get session(): Session | undefined {
    return this.#session;
  }

  static #reportFailedTask(error: unknown, stream: EventStream): void {
    stream.#settings.report(error, stream.#session);
  }

  bind(session: Session): void {
    this.#session = session;
  }

  /** Whether a client has a connection open on this stream (or one is being set up). */
  get connected(): boolean {
    return this.#connection?.attached === true || this.#connecting > 0;
  }

  /** Numbers, keeps and writes one message, after everything sent before it; `encoded` is its JSON, if known. */
  send(message: JSONRPCMessage, encoded?: string): void {
    const json = encoded ?? this.#encode(message);
    if (json === undefined) return;
    const store = this.#store;
    if (store === undefined) {
      if (this.#queue.busy) this.#queue.run(() => this.#deliverUnkept(json));
      else this.#deliverUnkept(json);
      return;
    }
    this.#queue.run(() => {
      const id = store.append(this.id, message, json);
      if (typeof id === 'string') this.#deliver(id, json, false);
      else return id.then((eventId) => this.#deliver(eventId, json, false));
    });
  }

  /** Gives the stream a client connection: the one held since construction, or a new one replacing any other. */
  connect(sink: StreamSink, options: ConnectOptions = NO_OPTIONS): void {
    if (this.#closed) {
      sink.end();
      return;
    }
    const current = this.#connection;
    const reuse =
      current !== undefined && !current.attached && !current.gone && current.options === undefined;
    const connection = reuse ? current : this.#newConnection();
    connection.options = options;
    connection.pending = true;
    this.#connecting++;
    sink.onClose(EventStream.#sinkClosed, connection);
    this.#queue.run(() => {
      this.#settle(connection);
      if (connection.gone) return;
      if (this.#closed) return void sink.end();
      if (!reuse) {
        if (this.#connection !== undefined) this.#end(this.#connection);
        this.#connection = connection;
      }
      const store = this.#store;
      const after = this.#replayStart(options.replayAfter);
      // Nothing to look up or replay (a POST's stream, most often): the connection starts in this task.
      if (store === undefined || (options.priming === undefined && after === undefined)) {
        return this.#attach(connection, sink, options.opening);
      }
      return this.#replayThenAttach(store, connection, sink, reuse, after).catch((error: unknown) => {
        this.#settings.report(error, this.#session);
        if (!connection.attached) this.#refuse(connection, sink, after);
      });
    });
  }

  /** Ends the open connection once everything sent before is written; the stream may be resumed later. */
  end(): void {
    this.#queue.run(() => {
      if (this.#connection !== undefined) this.#end(this.#connection);
    });
  }

  /**
   * Ends the stream for good (a POST's, once its requests are settled). When every event was handed
   * to a client's connection, the store is told: it need keep them only briefly, for a client whose
   * connection broke just then.
   */
  finish(): void {
    this.#finished = true;
    this.end();
  }

  /**
   * Ends the connection and forgets the stream's events (unless another instance holds the session
   * now); a later `connect` gets an ended response.
   */
  close(): void {
    this.#closed = true;
    this.end();
    const store = this.#store;
    if (store !== undefined && this.#session?.released !== true) {
      this.#queue.run(() => store.deleteStream(this.id));
    }
  }

  /** The opening and priming events and the replay of what the client missed, then `#attach`. */
  async #replayThenAttach(
    store: StreamEventStore,
    connection: Connection,
    sink: StreamSink,
    reuse: boolean,
    after: string | undefined,
  ): Promise<void> {
    const options = connection.options ?? NO_OPTIONS;
    let first = options.opening;
    if (options.priming !== undefined) {
      const retry = options.priming.retry;
      const id = (reuse ? this.#start : after) ?? (await store.lastEventId(this.id));
      const priming = encodeSSEEvent(retry > 0 ? { id, data: '', retry } : { id, data: '' });
      first = first === undefined ? priming : first + priming;
    }
    if (after !== undefined) {
      await store.replayAfter(after, (eventId, message) => {
        const json = this.#encode(message);
        if (json !== undefined) this.#deliver(eventId, json, true);
      });
    }
    this.#attach(connection, sink, first);
  }

  /**
   * The store could not tell where the stream starts or what the client missed (Redis away): rather
   * than leave the connection open and silent, it ends at once, naming the event to resume after
   * (`after`, as an SSE id with no data), so that the client reconnects with it and misses nothing;
   * without one it is dropped. What waited for this connection is not written: it comes with the replay.
   */
  #refuse(connection: Connection, sink: StreamSink, after: string | undefined): void {
    this.#drop(connection);
    if (after === undefined) {
      sink.destroy();
      return;
    }
    const opening = connection.options?.opening ?? '';
    sink.write(opening + encodeSSEEvent({ id: after, data: '' }));
    sink.end();
  }

  /** Starts writing to the client: `first`, what waited, then keep-alive. */
  #attach(connection: Connection, sink: StreamSink, first: string | undefined): void {
    if (this.#connection !== connection || connection.gone) return;
    const options = connection.options ?? NO_OPTIONS;
    connection.attached = true;
    connection.writer.attach(sink, first);
    if (options.endAfterReplay || connection.ending) {
      this.#end(connection);
      return;
    }
    options.listener?.attached?.();
    const session = this.#session;
    if (session === undefined) return;
    connection.session = session;
    connection.keepAlive = startKeepAlive(this.#settings.keepAlive, connection);
  }

  /** Every connection's `onUnresponsive`. */
  static #unresponsive(reason: string, connection: Connection): void {
    const stream = connection.stream;
    // A ping that went unanswered because its connection dropped is not a dead client: it may resume.
    if (stream.#connection === connection && connection.session !== undefined) {
      stream.#settings.unresponsive(connection.session, reason);
    }
  }

  /** The connection's `connect` task ran, or its client left before it did. */
  #settle(connection: Connection): void {
    if (!connection.pending) return;
    connection.pending = false;
    this.#connecting--;
  }

  #replayStart(replayAfter: string | undefined): string | undefined {
    if (replayAfter === 'backlog') return this.#written === this.#appended ? undefined : this.#written;
    if (replayAfter === 'start') return this.#start;
    return replayAfter;
  }

  #mark(eventId: string): void {
    this.#start = eventId;
    this.#written = eventId;
    this.#appended = eventId;
  }

  /** `held`: a replayed event, kept by the store already, which may wait on top of the writer's bound. */
  #deliver(eventId: string, json: string, held: boolean): void {
    this.#appended = eventId;
    const connection = this.#connection;
    if (connection === undefined || !connection.writer.write(encodeSSEMessage(eventId, json), held)) return;
    this.#written = eventId;
  }

  #deliverUnkept(json: string): void {
    const id = this.#settings.numberWithoutStore === true ? ++this.#counted : undefined;
    this.#connection?.writer.write(encodeSSEMessage(id, json));
  }

  #end(connection: Connection): void {
    if (!connection.attached) {
      connection.ending = true;
      return;
    }
    if (this.#connection === connection) this.#connection = undefined;
    connection.keepAlive?.stop();
    // Written in full: the client had nothing waiting behind a slow read, and is still there.
    const delivered = !connection.gone && !connection.writer.blocked && this.#written === this.#appended;
    connection.writer.end();
    if (this.#finished && delivered) this.#ended();
  }

  #ended(): void {
    const told = this.#store?.streamEnded?.(this.id);
    if (told !== undefined) told.catch((error: unknown) => this.#settings.report(error, this.#session));
  }

  #newConnection(): Connection {
    const connection: Connection = {
      stream: this,
      writer: undefined as unknown as EventStreamWriter<Connection>,
      session: undefined,
      onUnresponsive: EventStream.#unresponsive,
      keepAlive: undefined,
      options: undefined,
      pending: false,
      attached: false,
      gone: false,
      ending: false,
    };
    connection.writer = new EventStreamWriter<Connection>({
      maxBuffered: this.#settings.maxBufferedBytes,
      instrumentation: this.#settings.instrumentation,
      onOverflow: EventStream.#overflowed,
      owner: connection,
    });
    return connection;
  }

  /** The client of `connection` went away. */
  static #sinkClosed(connection: Connection): void {
    const stream = connection.stream;
    connection.gone = true;
    stream.#settle(connection);
    stream.#drop(connection);
    connection.options?.listener?.disconnected?.();
  }

  static #overflowed(buffered: number, connection: Connection): void {
    connection.stream.#overflow(connection, buffered);
  }

  #drop(connection: Connection): void {
    if (this.#connection === connection) this.#connection = undefined;
    connection.keepAlive?.stop();
    connection.writer.destroy();
  }

  #overflow(connection: Connection, buffered: number): void {
    this.#drop(connection);
    const listener = connection.options?.listener;
    if (listener?.overflowed !== undefined) {
      listener.overflowed(buffered);
      return;
    }
    const session = this.#session;
    const reason = `the client stopped reading stream ${this.id} of session ${session?.id}: ${buffered} bytes waited, over maxBufferedBytes (${this.#settings.maxBufferedBytes}); it was disconnected and may resume`;
    this.#settings.report(new McpLiveError('OVERLOADED', reason), session);
  }

  #encode(message: JSONRPCMessage): string | undefined {
    const session = this.#session;
    return encodeMessage(message, session?.id, (error) => this.#settings.report(error, session))?.json;
  }
}
