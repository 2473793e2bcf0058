import type { JSONRPCResponse, RequestId } from '../protocol/jsonrpc.ts';
import { addListener, callListeners, type Listeners } from '../server/listeners.ts';
import type { EventStream } from './http/event-stream.ts';

/**
 * How a POST's requests are answered: always an event stream, always one JSON body (what else they
 * send goes to the GET stream), or `auto`: one JSON body when every response is ready before anything
 * else is sent for them, else an event stream from the first other message on.
 */
export type PostAnswer = 'stream' | 'json' | 'auto';

/** What a target needs from the channel that opened it. */
export interface TargetOwner {
  /** A new event stream for a POST of the session (its id numbered in the session). */
  newPostStream(priming: boolean): EventStream;
  /** `target` has a stream now: messages for it may name that stream. */
  streamOpened(target: PostTarget): void;
  /** Every request of `target` is settled: the channel forgets them and its stream. */
  targetFinished(target: PostTarget): void;
}

const DECIDED: Promise<void> = Promise.resolve();

/**
 * The ids of a POST's requests that are not settled yet. The usual POST carries one request: its id
 * is a flag, not a `Set` (which V8 would also allocate again, smaller, when the last id leaves it).
 */
export class PendingIds implements Iterable<RequestId> {
  readonly #ids: readonly RequestId[];
  /** For a POST of more than one request (a batch). */
  readonly #many: Set<RequestId> | undefined;
  #soleLeft: boolean;

  constructor(ids: readonly RequestId[]) {
    this.#ids = ids;
    this.#many = ids.length === 1 ? undefined : new Set(ids);
    this.#soleLeft = ids.length === 1;
  }

  get size(): number {
    return this.#many === undefined ? (this.#soleLeft ? 1 : 0) : this.#many.size;
  }

  has(id: RequestId): boolean {
    return this.#many === undefined ? this.#soleLeft && id === this.#ids[0] : this.#many.has(id);
  }

  /** Takes `id` out; false when it was not pending. */
  delete(id: RequestId): boolean {
    if (this.#many !== undefined) return this.#many.delete(id);
    if (!this.#soleLeft || id !== this.#ids[0]) return false;
    this.#soleLeft = false;
    return true;
  }

  [Symbol.iterator](): Iterator<RequestId> {
    if (this.#many !== undefined) return this.#many.values();
    return (this.#soleLeft ? this.#ids : []).values();
  }
}

/**
 * Where the answers to one POST's requests go: an event stream, or responses held for one JSON body.
 * A class (not an object of closures) and promises made only when someone waits: a POST makes one.
 */
export class PostTarget {
  /** The requests of the POST that are not settled yet. */
  readonly pending: PendingIds;
  /** Their ids, as the POST carried them. */
  readonly ids: readonly RequestId[];
  readonly answer: PostAnswer;
  /** Responses held for a JSON body, in the order they came; moved to the stream if one opens. */
  readonly responses: JSONRPCResponse[] = [];
  /** The POST's event stream; in `auto` mode, undefined until something other than a response is sent. */
  stream: EventStream | undefined;
  readonly #owner: TargetOwner;
  readonly #priming: boolean;
  #finished = false;
  #onDone: Listeners;
  #onDecided: (() => void) | undefined;
  #turn: ReturnType<typeof setImmediate> | undefined;

  constructor(owner: TargetOwner, ids: readonly RequestId[], answer: PostAnswer, priming: boolean) {
    this.#owner = owner;
    this.ids = ids;
    this.pending = new PendingIds(ids);
    this.answer = answer;
    this.#priming = priming;
    if (answer === 'stream') this.stream = owner.newPostStream(priming);
  }

  /** True once every request was answered, cancelled or dropped. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Settles once every request was answered, cancelled or dropped: the responses, in order. */
  done(): Promise<JSONRPCResponse[]> {
    if (this.#finished) return Promise.resolve(this.responses);
    return new Promise((resolve) => {
      this.#onDone = addListener(this.#onDone, () => resolve(this.responses));
    });
  }

  /**
   * In `auto` mode: settles once the answer is decided, that is when every response is ready (one
   * JSON body), when something else was sent first (an event stream), or at the end of this turn of
   * the event loop (what a quick handler needs to answer), whichever comes first.
   */
  decided(): Promise<void> {
    if (this.#finished || this.stream !== undefined) return DECIDED;
    return new Promise((resolve) => {
      this.#onDecided = resolve;
      this.#turn = setImmediate(PostTarget.#turnEnded, this);
    });
  }

  /** Turns an `auto` answer into an event stream that starts with the responses held so far. */
  upgrade(): EventStream {
    if (this.stream !== undefined) return this.stream;
    const stream = this.#owner.newPostStream(this.#priming);
    this.stream = stream;
    this.#owner.streamOpened(this);
    for (const response of this.responses.splice(0)) stream.send(response);
    this.#decide();
    return stream;
  }

  /** Every request is settled: the stream ends, and those waiting for the answer get it. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#owner.targetFinished(this);
    this.stream?.finish();
    this.#decide();
    const onDone = this.#onDone;
    this.#onDone = undefined;
    callListeners(onDone);
  }

  #decide(): void {
    const onDecided = this.#onDecided;
    if (onDecided === undefined) return;
    this.#onDecided = undefined;
    // An answer that was ready first leaves the immediate unneeded: cancelled, the loop does not wake for it.
    clearImmediate(this.#turn);
    this.#turn = undefined;
    onDecided();
  }

  static #turnEnded(target: PostTarget): void {
    target.#turn = undefined;
    target.#decide();
  }
}
