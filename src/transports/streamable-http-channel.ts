import type { JSONRPCMessage, JSONRPCResponse, RequestId } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { SendOptions, Session, SessionChannel } from '../server/session.ts';
import { type ConnectOptions, EventStream, type EventStreamSettings } from './http/event-stream.ts';
import type { StreamSink } from './http/exchange.ts';
import { randomHex } from './http/random-hex.ts';
import { type PostAnswer, PostTarget, type TargetOwner } from './post-target.ts';

export interface ChannelSettings {
  /** For the streams that answer POSTs (keep-alive by comments). */
  post: EventStreamSettings;
  /** For the standalone GET stream; `undefined` in stateless mode, which has none. */
  standalone: EventStreamSettings | undefined;
  report(error: unknown, session: Session | undefined): void;
  /** The session closed: the transport forgets it. */
  onClose(channel: StreamableChannel): void;
}

/**
 * A Streamable HTTP session's channel: sends each message to exactly one stream. A response, and
 * anything sent for a request (`relatedRequestId`), goes to the POST stream of that request while it
 * is in flight; the rest goes to the standalone GET stream, which keeps it for replay while no GET is
 * open. In JSON-response mode a POST gets only its responses; what else its requests send goes to
 * the GET stream. In `auto` mode a POST's responses wait for its last one (one JSON body) unless
 * something else is sent for its requests first, which turns its answer into an event stream.
 */
export class StreamableChannel implements SessionChannel, TargetOwner {
  /** Random; prefixes this session's stream ids, so that `Last-Event-ID` of another session is refused. */
  readonly key: string;
  /** The path prefix the session was opened under; its requests must use the same one. */
  readonly base: string;
  readonly principal: unknown;
  readonly #settings: ChannelSettings;
  readonly #byRequest = new Map<RequestId, PostTarget>();
  readonly #live = new Map<string, PostTarget>();
  #session: Session | undefined;
  #standalone: EventStream | undefined;
  #nextStream = 0;

  /**
   * `key` is given for a session taken over from another instance (its streams' ids go on); its POST
   * streams are then numbered from the time, so that they cannot take the ids of the earlier ones.
   */
  constructor(settings: ChannelSettings, base: string, principal: unknown, key?: string) {
    this.#settings = settings;
    this.base = base;
    this.principal = principal;
    this.key = key ?? randomHex(9);
    if (key !== undefined) this.#nextStream = Date.now();
  }

  get session(): Session {
    if (this.#session === undefined) throw new McpLiveError('SESSION_NOT_FOUND', 'The session is opening');
    return this.#session;
  }

  /** Binds the session `openSession` made with this channel. */
  bind(session: Session): void {
    this.#session = session;
    const settings = this.#settings.standalone;
    if (settings !== undefined) this.#standalone = new EventStream(`${this.key}-0`, session, settings);
  }

  /** Whether a client has the standalone GET stream open. */
  get standaloneOpen(): boolean {
    return this.#standalone?.connected ?? false;
  }

  /** The first of these request ids that is in flight already (a client reusing an id), if any. */
  inFlight(ids: readonly RequestId[]): RequestId | undefined {
    for (const id of ids) if (this.#byRequest.has(id)) return id;
    return undefined;
  }

  /**
   * Starts the target of a POST that carries the requests `ids`: an event stream (that begins with a
   * priming event when `priming`), one JSON body, or (`auto`) the one that fits what is sent first.
   */
  openTarget(ids: readonly RequestId[], answer: PostAnswer, priming: boolean): PostTarget {
    const target = new PostTarget(this, ids, answer, priming);
    for (const id of ids) this.#byRequest.set(id, target);
    if (target.stream !== undefined) this.#live.set(target.stream.id, target);
    return target;
  }

  /** @internal For `PostTarget`: a new event stream of this session. */
  newPostStream(priming: boolean): EventStream {
    return new EventStream(`${this.key}-${++this.#nextStream}`, this.session, this.#settings.post, {
      eager: true,
      markStart: priming,
    });
  }

  /** @internal For `PostTarget`: its answer became an event stream. */
  streamOpened(target: PostTarget): void {
    this.#live.set(target.stream!.id, target);
  }

  /** @internal For `PostTarget`: its requests are all settled. */
  targetFinished(target: PostTarget): void {
    for (const id of target.ids) if (this.#byRequest.get(id) === target) this.#byRequest.delete(id);
    if (target.stream !== undefined) this.#live.delete(target.stream.id);
  }

  /**
   * An `auto` target whose answer is not ready at once becomes an event stream (so that keep-alive
   * and resumption cover a long request); returns it, or undefined once the target is done.
   */
  stream(target: PostTarget): EventStream | undefined {
    if (target.stream !== undefined || target.pending.size === 0) return target.stream;
    return target.upgrade();
  }

  /** A request of `target` is over (answered, cancelled, or its session closed). */
  settle(target: PostTarget, id: RequestId): void {
    if (!target.pending.delete(id)) return;
    if (this.#byRequest.get(id) === target) this.#byRequest.delete(id);
    if (target.pending.size === 0) target.finish();
  }

  /** The client closed a POST stream and that counts as cancelling its requests. */
  cancel(target: PostTarget, reason: string): void {
    for (const id of [...target.pending]) {
      this.#session?.cancelRequest(id, reason);
      this.settle(target, id);
    }
  }

  send(message: JSONRPCMessage, options: SendOptions): void {
    const response = !('method' in message);
    const requestId = response ? (message as JSONRPCResponse).id : options.relatedRequestId;
    const target = requestId === undefined || requestId === null ? undefined : this.#byRequest.get(requestId);
    if (target === undefined) {
      if (response) {
        const why = `No open POST awaits the response to request ${JSON.stringify(requestId)} in session ${this.#session?.id}; it was dropped`;
        this.#settings.report(new McpLiveError('TRANSPORT', why), this.#session);
      } else if (this.#standalone !== undefined) this.#standalone.send(message, options.json);
      else this.#live.values().next().value?.stream?.send(message, options.json);
      return;
    }
    if (target.stream !== undefined) target.stream.send(message, options.json);
    else if (response) target.responses.push(message as JSONRPCResponse);
    else if (target.answer === 'auto') target.upgrade().send(message, options.json);
    else this.#standalone?.send(message, options.json);
    if (response) this.settle(target, requestId as RequestId);
  }

  /** Opens the standalone GET stream on `sink`: a fresh one gets what waited, a resumed one what it missed. */
  connectStandalone(sink: StreamSink, options: ConnectOptions): void {
    this.#standalone?.connect(sink, options);
  }

  /**
   * Resumes stream `streamId` of this session on `sink`, after `lastEventId`. With `priming`, the
   * connection opens with `lastEventId` again (empty data): a client whose new connection breaks
   * before any other event then still knows where to resume from.
   */
  resume(
    streamId: string,
    lastEventId: string,
    sink: StreamSink,
    onDisconnect: () => void,
    priming?: { retry: number },
  ): void {
    const options: ConnectOptions = { replayAfter: lastEventId, listener: { disconnected: onDisconnect } };
    if (priming !== undefined) options.priming = priming;
    const stream = this.#standalone?.id === streamId ? this.#standalone : this.#live.get(streamId)?.stream;
    if (stream !== undefined) stream.connect(sink, options);
    else {
      // A stream whose requests are all settled: replay what the store still holds, then end.
      const ended = new EventStream(streamId, this.session, this.#settings.post);
      ended.connect(sink, { ...options, endAfterReplay: true });
    }
  }

  /** Whether `streamId` (from a client's `Last-Event-ID`) is one of this session's streams. */
  owns(streamId: string): boolean {
    return streamId.startsWith(`${this.key}-`);
  }

  close(): void {
    this.#standalone?.close();
    for (const target of [...this.#live.values()]) target.stream?.close();
    this.#settings.onClose(this);
  }
}
