import type { Instrumentation, InstrumentationSlot } from '../../server/instrumentation.ts';
import type { StreamSink } from './exchange.ts';

export interface EventStreamWriterOptions<Owner = undefined> {
  /** How much encoded text (in UTF-16 units, bytes for ASCII) may wait for a client that is not reading. */
  maxBuffered: number;
  /**
   * Called once when a write would pass `maxBuffered`, with `owner`; the sink is destroyed right after.
   * A function shared by every writer and an owner cost less than a closure per writer.
   */
  onOverflow(buffered: number, owner: Owner): void;
  /** What `onOverflow` is told. */
  owner?: Owner;
  /** Told how much waits for a slow client, when an instrumentation is attached. */
  instrumentation?: InstrumentationSlot | undefined;
}

/** The queue of a writer with nothing waiting (most, most of the time): shared, and never written to. */
const NO_CHUNKS = Object.freeze([]) as unknown as string[];

/**
 * Writes encoded events to one stream in order, holding them while the client is not keeping up.
 * Nothing is ever dropped silently: past the bound the writer gives up on the whole stream.
 */
export class EventStreamWriter<Owner = undefined> {
  // The options' fields, not the object they came in: a stream holds its writer for as long as it is open.
  readonly #bound: number;
  readonly #onOverflow: (buffered: number, owner: Owner) => void;
  readonly #owner: Owner | undefined;
  readonly #instrumentation: InstrumentationSlot | undefined;
  #maxBuffered: number;
  #sink: StreamSink | undefined;
  #queue: string[] = NO_CHUNKS;
  #queued = 0;
  /** True until a sink is attached, and while the sink has refused more. */
  #blocked = true;
  #state: 'open' | 'ended' | 'overflowed' = 'open';
  /** How much of the queue an instrumentation was told waits, and which one (it may be detached since). */
  #reported = 0;
  #reportedTo: Instrumentation | undefined;

  constructor(options: EventStreamWriterOptions<Owner>) {
    this.#bound = options.maxBuffered;
    this.#onOverflow = options.onOverflow;
    this.#owner = options.owner;
    this.#instrumentation = options.instrumentation;
    this.#maxBuffered = options.maxBuffered;
  }

  /** True while events wait for the client (or for the stream to open). */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** How much text is waiting. */
  get buffered(): number {
    return this.#queued;
  }

  get ended(): boolean {
    return this.#state !== 'open';
  }

  /** Starts writing to `sink`: `first` (an opening event), then whatever was written before. */
  attach(sink: StreamSink, first?: string): void {
    if (this.#sink !== undefined) return;
    this.#sink = sink;
    sink.onDrain(EventStreamWriter.#drained, this as EventStreamWriter<unknown>);
    this.#blocked = first === undefined ? false : !sink.write(first);
    if (!this.#blocked) this.#flush();
  }

  /**
   * Queues or writes one encoded event; false when the stream has ended or just overflowed.
   * `held`: the event is one the client missed, kept by an event store already; it may wait on top of
   * the bound.
   */
  write(chunk: string, held = false): boolean {
    if (this.#state !== 'open') return false;
    if (!this.#blocked) {
      this.#blocked = !this.#sink!.write(chunk);
      return true;
    }
    if (held) this.#maxBuffered += chunk.length;
    // One event always fits, however large; only a backlog behind it counts against the bound.
    if (this.#queue.length > 0 && this.#queued + chunk.length > this.#maxBuffered) {
      const buffered = this.#queued + chunk.length;
      this.#state = 'overflowed';
      this.#queue = NO_CHUNKS;
      this.#queued = 0;
      if (this.#reported > 0) this.#unreport();
      this.#instrumentation?.current?.overflowed();
      this.#onOverflow(buffered, this.#owner as Owner);
      this.#sink?.destroy();
      return false;
    }
    if (this.#queue === NO_CHUNKS) this.#queue = [chunk];
    else this.#queue.push(chunk);
    this.#queued += chunk.length;
    const probe = this.#instrumentation?.current;
    if (probe !== undefined) this.#report(probe, chunk.length);
    return true;
  }

  /** Ends the stream after what is queued (or drops it, after an overflow). */
  end(): void {
    if (this.#state === 'overflowed') {
      this.#sink?.destroy();
      return;
    }
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    const sink = this.#sink;
    if (sink === undefined) return;
    if (this.#queue.length > 0) sink.write(this.#drainQueue());
    sink.end();
  }

  /** Drops the stream without flushing. */
  destroy(): void {
    this.#state = 'ended';
    this.#queue = NO_CHUNKS;
    this.#queued = 0;
    if (this.#reported > 0) this.#unreport();
    this.#sink?.destroy();
  }

  /** The sink can take more: what waited goes out. One function for every writer, no closure each. */
  static #drained(writer: EventStreamWriter<unknown>): void {
    if (!writer.#blocked || writer.#state !== 'open') return;
    writer.#blocked = false;
    writer.#flush();
  }

  #flush(): void {
    if (this.#queue.length === 0) return;
    this.#blocked = !this.#sink!.write(this.#drainQueue());
  }

  #drainQueue(): string {
    const data = this.#queue.length === 1 ? this.#queue[0]! : this.#queue.join('');
    this.#queue = NO_CHUNKS;
    this.#queued = 0;
    if (this.#reported > 0) this.#unreport();
    // Held events that waited on top of the bound are out now: the bound is the usual one again.
    this.#maxBuffered = this.#bound;
    return data;
  }

  #report(probe: Instrumentation, length: number): void {
    if (this.#reportedTo !== probe) {
      if (this.#reported > 0) this.#unreport();
      this.#reportedTo = probe;
    }
    this.#reported += length;
    probe.buffered(length);
  }

  #unreport(): void {
    this.#reportedTo?.buffered(-this.#reported);
    this.#reported = 0;
  }
}
