import { encodeMessage } from '../protocol/encode-message.ts';
import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { Session } from '../server/session.ts';
import type { StreamEventStore } from '../server/sync-event-store.ts';
import { EventStreamWriter } from './http/event-stream-writer.ts';
import type { StreamSink } from './http/exchange.ts';
import { type KeepAliveSettings, startKeepAlive } from './http/keep-alive.ts';
import { SerialQueue } from './http/serial-queue.ts';
import { encodeSSEEvent, encodeSSEMessage } from './http/sse-encoder.ts';

export interface StreamSettings {
  /**
   * Where events are numbered and kept (through its fast path when it has one: see `streamEventStore`);
   * without one, events carry no ids and cannot be replayed.
   */
  store: StreamEventStore | undefined;
  keepAlive: KeepAliveSettings;
  maxBufferedBytes: number;
  report(error: unknown, session: Session): void;
  /** A client stopped answering keep-alive pings. */
  unresponsive(session: Session, reason: string): void;
}

export interface ConnectOptions {
  /** Send a priming event (an id, empty data) first, with this `retry:` value (0: none). */
  priming?: { retry: number };
  /** Replay the events after this id before live ones; `'backlog'`: those never written to a connection. */
  replayAfter?: string | 'backlog';
  /** End the connection once the replay is written (a stream that will get no more events). */
  endAfterReplay?: boolean;
  /** The client went away (not called when the server ends or replaces the connection). */
  onDisconnect?: () => void;
}

export interface StreamOptions {
  /** Hold what is sent for the first connection (a POST's stream, answered right away). @default false */
  eager?: boolean;
  /**
   * Look up where the stream starts in the store, for a priming event or a replay of the backlog;
   * a POST's stream that sends no priming event does without. @default true
   */
  markStart?: boolean;
}

interface Connection {
  writer: EventStreamWriter;
  stopKeepAlive: () => void;
  /** Writing to a client's connection (before that, events wait in the writer). */
  attached: boolean;
  /** The client went away. */
  gone: boolean;
  /** End as soon as it is attached: the stream got everything it will get before a client took it. */
  ending: boolean;
}

/**
 * One logical event stream of a session (a POST's, or the standalone GET one): every message is
 * numbered by the event store, then written to the connection the client has open on it, if any.
 * A client that reconnects with `Last-Event-ID` takes the stream over and gets what it missed.
 * Operations run one after another, so an asynchronous store never reorders or duplicates events.
 */
export class ResumableStream {
  readonly id: string;
  readonly session: Session;
  readonly #settings: StreamSettings;
  /** The settings' store, through its fast path when it has one. */
  readonly #store: StreamEventStore | undefined;
  #connection: Connection | undefined;
  #connecting = 0;
  readonly #queue = new SerialQueue((error) => this.#settings.report(error, this.session));
  /** Where the stream started, in the store's numbering. */
  #start: string | undefined;
  /** The id of the last event handed to a connection. */
  #written: string | undefined;
  #appended: string | undefined;
  /** `finish` was called: no event will follow. */
  #finished = false;

  constructor(id: string, session: Session, settings: StreamSettings, options: StreamOptions = {}) {
    this.id = id;
    this.session = session;
    this.#settings = settings;
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

  /** Whether a client has a connection open on this stream (or one is being set up). */
  get connected(): boolean {
    return this.#connection?.attached === true || this.#connecting > 0;
  }

  /** Numbers, keeps and writes one message, after everything sent before it. */
  send(message: JSONRPCMessage): void {
    const json = this.#encode(message);
    if (json === undefined) return;
    const store = this.#store;
    if (store === undefined) {
      this.#queue.run(
        () => void this.#connection?.writer.write(encodeSSEEvent({ event: 'message', data: json })),
      );
      return;
    }
    this.#queue.run(() => {
      const id = store.append(this.id, message, json);
      if (typeof id === 'string') this.#deliver(id, json);
      else return id.then((eventId) => this.#deliver(eventId, json));
    });
  }

  /** Gives the stream a client connection: the one held since construction, or a new one replacing any other. */
  connect(sink: StreamSink, options: ConnectOptions = {}): void {
    const current = this.#connection;
    const reuse = current !== undefined && !current.attached && !current.gone;
    const connection = reuse ? current : this.#newConnection();
    this.#connecting++;
    sink.onClose(() => {
      connection.gone = true;
      this.#drop(connection);
      options.onDisconnect?.();
    });
    this.#queue.run(() => {
      this.#connecting--;
      if (connection.gone) return;
      if (!reuse) {
        if (this.#connection !== undefined) this.#end(this.#connection);
        this.#connection = connection;
      }
      const store = this.#store;
      const after = options.replayAfter === 'backlog' ? this.#backlogStart() : options.replayAfter;
      // Nothing to look up or replay (a POST's stream, most often): the connection starts in this task.
      if (store === undefined || (options.priming === undefined && after === undefined)) {
        return this.#attach(connection, sink, undefined, options);
      }
      return this.#replayThenAttach(store, connection, sink, reuse, after, options);
    });
  }

  /** The priming event and the replay of what the client missed, read from the store, then `#attach`. */
  async #replayThenAttach(
    store: StreamEventStore,
    connection: Connection,
    sink: StreamSink,
    reuse: boolean,
    after: string | undefined,
    options: ConnectOptions,
  ): Promise<void> {
    let first: string | undefined;
    if (options.priming !== undefined) {
      const retry = options.priming.retry;
      const id = (reuse ? this.#start : after) ?? (await store.lastEventId(this.id));
      first = encodeSSEEvent(retry > 0 ? { id, data: '', retry } : { id, data: '' });
    }
    if (after !== undefined) {
      await store.replayAfter(after, (eventId, message) => {
        const json = this.#encode(message);
        if (json !== undefined) this.#deliver(eventId, json);
      });
    }
    this.#attach(connection, sink, first, options);
  }

  /** Starts writing to the client: `first` (a priming event), what waited, then keep-alive. */
  #attach(
    connection: Connection,
    sink: StreamSink,
    first: string | undefined,
    options: ConnectOptions,
  ): void {
    if (this.#connection !== connection || connection.gone) return;
    connection.attached = true;
    connection.writer.attach(sink, first);
    if (options.endAfterReplay || connection.ending) {
      this.#end(connection);
      return;
    }
    const { session } = this;
    const settings = this.#settings;
    connection.stopKeepAlive = startKeepAlive(settings.keepAlive, {
      session,
      writer: connection.writer,
      onUnresponsive(reason) {
        settings.unresponsive(session, reason);
      },
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

  /** Ends the connection and forgets the stream's events (unless another instance holds the session now). */
  close(): void {
    this.end();
    const store = this.#store;
    if (store !== undefined && !this.session.released) this.#queue.run(() => store.deleteStream(this.id));
  }

  #mark(eventId: string): void {
    this.#start = eventId;
    this.#written = eventId;
    this.#appended = eventId;
  }

  #backlogStart(): string | undefined {
    return this.#written === this.#appended ? undefined : this.#written;
  }

  #deliver(eventId: string, json: string): void {
    this.#appended = eventId;
    const connection = this.#connection;
    if (connection === undefined || !connection.writer.write(encodeSSEMessage(eventId, json))) return;
    this.#written = eventId;
  }

  #end(connection: Connection): void {
    if (!connection.attached) {
      connection.ending = true;
      return;
    }
    if (this.#connection === connection) this.#connection = undefined;
    connection.stopKeepAlive();
    // Written in full: the client had nothing waiting behind a slow read, and is still there.
    const delivered = !connection.gone && !connection.writer.blocked && this.#written === this.#appended;
    connection.writer.end();
    if (this.#finished && delivered) this.#ended();
  }

  #ended(): void {
    const store = this.#store;
    const told = store?.streamEnded?.(this.id);
    if (told !== undefined) told.catch((error: unknown) => this.#settings.report(error, this.session));
  }

  #newConnection(): Connection {
    const stream = this;
    const connection: Connection = {
      writer: new EventStreamWriter({
        maxBuffered: this.#settings.maxBufferedBytes,
        onOverflow(buffered) {
          stream.#overflow(connection, buffered);
        },
      }),
      stopKeepAlive() {},
      attached: false,
      gone: false,
      ending: false,
    };
    return connection;
  }

  #drop(connection: Connection): void {
    if (this.#connection === connection) this.#connection = undefined;
    connection.stopKeepAlive();
    connection.writer.destroy();
  }

  #overflow(connection: Connection, buffered: number): void {
    this.#drop(connection);
    const reason = `the client stopped reading stream ${this.id} of session ${this.session.id}: ${buffered} bytes waited, over maxBufferedBytes (${this.#settings.maxBufferedBytes}); it was disconnected and may resume`;
    this.#settings.report(new McpLiveError('OVERLOADED', reason), this.session);
  }

  #encode(message: JSONRPCMessage): string | undefined {
    return encodeMessage(message, this.session.id, (error) => this.#settings.report(error, this.session))
      ?.json;
  }
}
