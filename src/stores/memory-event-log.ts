import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ReplaySend } from '../server/event-store.ts';
import type { SyncEventStore } from '../server/sync-event-store.ts';
import type { MemoryEventStoreOptions } from './memory-event-store.ts';

interface Stream {
  readonly id: string;
  readonly events: StoredEvent[];
  /** Where its held events start: the ones before were dropped, and go at the next compaction. */
  head: number;
  /** When its events are forgotten because it ended; `Infinity` while it runs. */
  forgetAt: number;
}

interface StoredEvent {
  readonly seq: number;
  readonly at: number;
  /** The message's JSON text (one string for the GC instead of a tree); `''` once dropped. */
  data: string;
  /** `undefined` once dropped, so that the log skips it. */
  stream: Stream | undefined;
}

const SEPARATOR = '_';
/** What an event costs beyond its text (the event object and its slots), roughly. */
const EVENT_OVERHEAD = 64;
/** Dropped slots tolerated before an array is compacted (and then only once they outnumber the rest). */
const COMPACT_AFTER = 1_024;
const STREAM_COMPACT_AFTER = 32;

/**
 * The events of a `MemoryEventStore` and its rules (see there), answering at once: the store's async
 * methods call it, and so do the transports' streams, as the store's `SyncEventStore`.
 */
export class MemoryEventLog implements SyncEventStore {
  readonly #maxEvents: number;
  readonly #maxAge: number;
  readonly #endedMaxAge: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #streams = new Map<string, Stream>();
  /**
   * Every event in append order, so the oldest overall is at `#head`: age and size limits pop from
   * the front. Events dropped another way stay until they reach the front or a compaction (`#dead`).
   */
  readonly #log: Array<StoredEvent | undefined> = [];
  #head = 0;
  #dead = 0;
  /** Ended streams with the time each is forgotten; in order, as the retention is one constant. */
  readonly #ended: string[] = [];
  readonly #endedAt: number[] = [];
  #endedHead = 0;
  #seq = 0;
  #count = 0;
  #bytes = 0;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryEventStoreOptions) {
    this.#maxEvents = options.maxEventsPerStream ?? 1_000;
    this.#maxAge = options.maxAge ?? 300_000;
    this.#endedMaxAge = options.endedStreamMaxAge ?? 30_000;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
    requireOption(this.#maxEvents >= 1, 'maxEventsPerStream ≥ 1', this.#maxEvents);
    requireOption(this.#maxAge > 0, 'maxAge > 0', this.#maxAge);
    requireOption(this.#endedMaxAge >= 0, 'endedStreamMaxAge ≥ 0', this.#endedMaxAge);
    requireOption(this.#maxBytes > 0, 'maxBytes > 0', this.#maxBytes);
  }

  /** How many events are held, over every stream. */
  get size(): number {
    return this.#count;
  }

  /** How many streams hold events. */
  get streamCount(): number {
    return this.#streams.size;
  }

  append(streamId: string, message: JSONRPCMessage, json?: string): string {
    const now = this.#now();
    this.#expire(now);
    const seq = ++this.#seq;
    const event: StoredEvent = { seq, at: now, data: json ?? JSON.stringify(message), stream: undefined };
    let stream = this.#streams.get(streamId);
    if (stream === undefined) {
      // Made around its first event: an array literal holds one slot, where `[]` and push reserve 17.
      stream = { id: streamId, events: [event], head: 0, forgetAt: Number.POSITIVE_INFINITY };
      this.#streams.set(streamId, stream);
      this.#startSweeper();
    } else {
      // A stream written again runs again: its new event must not go with the ended part.
      stream.forgetAt = Number.POSITIVE_INFINITY;
      stream.events.push(event);
    }
    event.stream = stream;
    this.#log.push(event);
    this.#count++;
    this.#bytes += event.data.length + EVENT_OVERHEAD;
    if (stream.events.length - stream.head > this.#maxEvents) {
      this.#dropFirst(stream);
      this.#dead++; // still in the log
    }
    if (this.#bytes > this.#maxBytes) this.#evictOldest();
    this.#settle();
    return streamId + SEPARATOR + seq;
  }

  lastEventId(streamId: string): string {
    const events = this.#streams.get(streamId)?.events;
    const last = events?.[events.length - 1];
    return streamId + SEPARATOR + (last?.seq ?? this.#seq);
  }

  streamOf(eventId: string): string | undefined {
    return parse(eventId)?.streamId;
  }

  replayAfter(lastEventId: string, send: ReplaySend): string | undefined {
    const id = parse(lastEventId);
    if (id === undefined) return undefined;
    this.#expire(this.#now());
    this.#settle();
    const stream = this.#streams.get(id.streamId);
    if (stream === undefined) return id.streamId;
    // Copied first: `send` may make the transport append to this very stream, dropping its oldest.
    const seqs: number[] = [];
    const texts: string[] = [];
    for (let i = stream.head; i < stream.events.length; i++) {
      const event = stream.events[i]!;
      if (event.seq <= id.seq) continue;
      seqs.push(event.seq);
      texts.push(event.data);
    }
    for (let i = 0; i < seqs.length; i++) {
      send(id.streamId + SEPARATOR + seqs[i], JSON.parse(texts[i]!) as JSONRPCMessage);
    }
    return id.streamId;
  }

  deleteStream(streamId: string): void {
    const stream = this.#streams.get(streamId);
    if (stream === undefined) return;
    this.#forget(stream);
    this.#settle();
  }

  /** Forgets the stream's events `endedStreamMaxAge` from now, unless `maxAge` does first. */
  streamEnded(streamId: string): void {
    if (this.#endedMaxAge >= this.#maxAge) return;
    const stream = this.#streams.get(streamId);
    if (stream === undefined || stream.forgetAt !== Number.POSITIVE_INFINITY) return;
    const now = this.#now();
    stream.forgetAt = now + this.#endedMaxAge;
    this.#ended.push(streamId);
    this.#endedAt.push(stream.forgetAt);
    this.#expire(now);
    this.#settle();
  }

  /** Forgets every event and stops the expiry timer. */
  clear(): void {
    this.#streams.clear();
    this.#count = 0;
    this.#bytes = 0;
    this.#settle();
  }

  /** Pops what is due from the fronts of the log and of the ended streams: O(what goes). */
  #expire(now: number): void {
    const cutoff = now - this.#maxAge;
    const log = this.#log;
    while (this.#head < log.length) {
      const event = log[this.#head]!;
      if (event.stream !== undefined && event.at > cutoff) break;
      log[this.#head++] = undefined;
      if (event.stream === undefined) this.#dead--;
      else this.#dropFirst(event.stream);
    }
    const endedAt = this.#endedAt;
    while (this.#endedHead < endedAt.length && endedAt[this.#endedHead]! <= now) {
      const stream = this.#streams.get(this.#ended[this.#endedHead++]!);
      // Skipped if it is gone, or was written after it ended (it runs again, or ended again later).
      if (stream !== undefined && stream.forgetAt <= now) this.#forget(stream);
    }
  }

  /** Drops the oldest events of the whole store until it is within `maxBytes`. */
  #evictOldest(): void {
    const log = this.#log;
    while (this.#bytes > this.#maxBytes && this.#head < log.length) {
      const event = log[this.#head]!;
      log[this.#head++] = undefined;
      if (event.stream === undefined) this.#dead--;
      else this.#dropFirst(event.stream);
    }
  }

  /** Drops a stream's first held event; the log skips it (or the caller popped it). An empty stream goes. */
  #dropFirst(stream: Stream): void {
    const event = stream.events[stream.head++]!;
    this.#count--;
    this.#bytes -= event.data.length + EVENT_OVERHEAD;
    event.data = '';
    event.stream = undefined;
    if (stream.head === stream.events.length) {
      this.#streams.delete(stream.id);
    } else if (stream.head >= STREAM_COMPACT_AFTER && stream.head * 2 >= stream.events.length) {
      stream.events.splice(0, stream.head);
      stream.head = 0;
    }
  }

  /** Drops every event of a stream; the log skips them until it compacts. */
  #forget(stream: Stream): void {
    for (let i = stream.head; i < stream.events.length; i++) {
      const event = stream.events[i]!;
      this.#bytes -= event.data.length + EVENT_OVERHEAD;
      event.data = '';
      event.stream = undefined;
    }
    const dropped = stream.events.length - stream.head;
    this.#count -= dropped;
    this.#dead += dropped;
    stream.head = stream.events.length;
    this.#streams.delete(stream.id);
  }

  /** Compacts what needs it (amortized O(1) per dropped event); with nothing held, resets and stops the timer. */
  #settle(): void {
    if (this.#count === 0) {
      this.#log.length = 0;
      this.#head = 0;
      this.#dead = 0;
      this.#ended.length = 0;
      this.#endedAt.length = 0;
      this.#endedHead = 0;
      this.#stopSweeper();
      return;
    }
    const waste = this.#head + this.#dead;
    if (waste >= COMPACT_AFTER && waste > this.#count) this.#compactLog();
    if (this.#endedHead >= COMPACT_AFTER && this.#endedHead * 2 >= this.#ended.length) {
      this.#ended.splice(0, this.#endedHead);
      this.#endedAt.splice(0, this.#endedHead);
      this.#endedHead = 0;
    }
  }

  #compactLog(): void {
    const log = this.#log;
    let to = 0;
    for (let from = this.#head; from < log.length; from++) {
      const event = log[from]!;
      if (event.stream !== undefined) log[to++] = event;
    }
    log.length = to;
    this.#head = 0;
    this.#dead = 0;
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    const shortest = Math.min(this.#maxAge, this.#endedMaxAge);
    const every = Math.max(1_000, Math.min(60_000, Math.floor(shortest / 2)));
    this.#sweeper = setInterval(() => {
      this.#expire(this.#now());
      this.#settle();
    }, every);
    (this.#sweeper as { unref?: () => void }).unref?.();
  }

  #stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}

function requireOption(ok: boolean, rule: string, value: number): void {
  if (!ok) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `MemoryEventStore needs ${rule} (got ${value}); change that option`,
    );
  }
}

function parse(eventId: string): { streamId: string; seq: number } | undefined {
  const at = eventId.lastIndexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const digits = eventId.slice(at + 1);
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  return { streamId: eventId.slice(0, at), seq: Number(digits) };
}
