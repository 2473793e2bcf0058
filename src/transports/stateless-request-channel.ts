import { encodeMessage } from '../protocol/encode-message.ts';
import type { JSONRPCMessage, JSONRPCResponse, RequestId } from '../protocol/jsonrpc.ts';
import { ModernErrorCode } from '../protocol/request-meta.ts';
import type { InstrumentationSlot } from '../server/instrumentation.ts';
import { addListener, callListeners, type Listeners } from '../server/listeners.ts';
import type { SendOptions, Session, SessionChannel } from '../server/session.ts';
import { EventStreamWriter } from './http/event-stream-writer.ts';
import type { Exchange, ResponseHeaders } from './http/exchange.ts';
import { type KeepAlive, type KeepAliveSettings, startKeepAlive } from './http/keep-alive.ts';
import { jsonHeaders, respondJSON } from './http/respond.ts';
import { encodeSSEMessage } from './http/sse-encoder.ts';
import { SSE_HEADERS } from './streamable-http-answers.ts';

export interface StatelessChannelSettings {
  keepAlive: KeepAliveSettings;
  maxBufferedBytes: number;
  /** The server's instrumentation slot: told how much waits for slow clients. */
  instrumentation?: InstrumentationSlot;
  report(error: unknown, session: Session | undefined): void;
}

/** The HTTP status of a JSON answer to a stateless request, as 2026-07-28 asks for each error. */
export function statusOf(response: JSONRPCResponse): number {
  if (!('error' in response)) return 200;
  switch (response.error.code) {
    case -32601:
      return 404;
    case -32700:
    case -32600:
    case -32602:
    case ModernErrorCode.HeaderMismatch:
    case ModernErrorCode.MissingRequiredClientCapability:
    case ModernErrorCode.UnsupportedProtocolVersion:
      return 400;
    default:
      return 200;
  }
}

/**
 * Where one stateless (2026-07-28) request's messages go: a response that comes before anything else
 * is one JSON body (with the status its error calls for); a notification first (progress, a log
 * message, a listen acknowledgment) opens an event stream that the response ends. Events carry no
 * ids: streams of this revision are not resumable. Nothing is sent after the response.
 */
export class StatelessRequestChannel implements SessionChannel {
  readonly #ex: Exchange;
  readonly #headers: ResponseHeaders | undefined;
  readonly #settings: StatelessChannelSettings;
  #session: Session | undefined;
  #writer: EventStreamWriter<StatelessRequestChannel> | undefined;
  #keepAlive: KeepAlive | undefined;
  #answered = false;
  /** The request this channel answers, cancelled when its client goes away first. */
  #requestId: RequestId | undefined;
  #begun = false;
  #onBegun: Listeners;

  constructor(ex: Exchange, headers: ResponseHeaders | undefined, settings: StatelessChannelSettings) {
    this.#ex = ex;
    this.#headers = headers;
    this.#settings = settings;
  }

  /**
   * Settles once the answer has begun (its JSON body, or the head of its event stream) or the client
   * left; `undefined` when that happened already (a handler that answered at once).
   */
  begun(): Promise<void> | undefined {
    if (this.#begun) return undefined;
    return new Promise((resolve) => {
      this.#onBegun = addListener(this.#onBegun, resolve);
    });
  }

  #begin(): void {
    if (this.#begun) return;
    this.#begun = true;
    const onBegun = this.#onBegun;
    this.#onBegun = undefined;
    callListeners(onBegun);
  }

  /**
   * Binds the request's session and id: the request is cancelled when the client closes the stream
   * before its answer (the spec's cancellation).
   */
  bind(session: Session, requestId: RequestId): void {
    this.#session = session;
    this.#requestId = requestId;
  }

  /** The request's session, once bound; with `writer` and `onUnresponsive`, the channel is its own keep-alive target. */
  get session(): Session | undefined {
    return this.#session;
  }

  /** The writer of the event stream, once one is open. */
  get writer(): EventStreamWriter<StatelessRequestChannel> {
    return this.#writer!;
  }

  /** Keep-alive pings went unanswered: the client is gone. */
  onUnresponsive(): void {
    this.#gone();
  }

  /** The client went away before the response: the request is cancelled. */
  clientGone(): void {
    this.#gone();
  }

  /** True once the response went out (or the client left). */
  get answered(): boolean {
    return this.#answered;
  }

  send(message: JSONRPCMessage, options: SendOptions): void {
    if (this.#answered) return;
    const encoded =
      options.json !== undefined
        ? { message, json: options.json }
        : encodeMessage(message, this.#session?.id, (e) => this.#settings.report(e, this.#session));
    if (encoded === undefined) return;
    const response = !('method' in encoded.message);
    if (response && this.#writer === undefined) {
      this.#answered = true;
      const status = statusOf(encoded.message as JSONRPCResponse);
      this.#ex.respond(status, jsonHeaders(this.#headers), encoded.json);
      this.#begin();
      return;
    }
    const writer = this.#writer ?? this.#open();
    writer.write(encodeSSEMessage(undefined, encoded.json));
    if (response) this.#finish();
  }

  close(): void {
    if (this.#answered) return;
    // The request ended without an answer (cancelled, or the server shut down): end what was opened.
    if (this.#writer !== undefined) this.#finish();
    else {
      this.#answered = true;
      const error = {
        code: -32603,
        message: 'Service Unavailable: the request was ended before it was answered',
      };
      respondJSON(this.#ex, 503, { jsonrpc: '2.0', id: null, error }, this.#headers);
      this.#begin();
    }
  }

  #open(): EventStreamWriter<StatelessRequestChannel> {
    const writer = new EventStreamWriter<StatelessRequestChannel>({
      maxBuffered: this.#settings.maxBufferedBytes,
      instrumentation: this.#settings.instrumentation,
      onOverflow: StatelessRequestChannel.#overflowed,
      owner: this,
    });
    this.#writer = writer;
    const sink = this.#ex.stream(200, { ...SSE_HEADERS, ...this.#headers });
    sink.onClose(StatelessRequestChannel.#sinkClosed, this);
    writer.attach(sink);
    this.#begin();
    if (this.#session !== undefined) this.#keepAlive = startKeepAlive(this.#settings.keepAlive, this);
    return writer;
  }

  static #sinkClosed(channel: StatelessRequestChannel): void {
    channel.#gone();
  }

  static #overflowed(_buffered: number, channel: StatelessRequestChannel): void {
    channel.#gone();
  }

  #finish(): void {
    this.#answered = true;
    this.#keepAlive?.stop();
    this.#writer?.end();
  }

  #gone(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#keepAlive?.stop();
    this.#writer?.destroy();
    this.#begin();
    const requestId = this.#requestId;
    if (requestId !== undefined) {
      this.#session?.cancelRequest(requestId, 'the client closed the stream of its request');
    }
  }
}
