import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore, ReplaySend } from '../server/event-store.ts';

/** Options of a `MemoryEventStore`. */
export interface MemoryEventStoreOptions {
  /** Events kept per stream; the oldest go first. @default 1_000 */
  maxEventsPerStream?: number;
  /** ms an event is kept for a resumption. @default 300_000 (5 minutes) */
  maxAge?: number;
  /** The clock, in ms. @default Date.now */
  now?: () => number;
}

interface StoredEvent {
  seq: number;
  at: number;
  /** The message, or its JSON text when the transport gave it (one string for the GC instead of a tree). */
  data: JSONRPCMessage | string;
}

const SEPARATOR = '_';

/**
 * The default `EventStore`: events in this process, bounded per stream by count and by age. Event ids
 * are `{streamId}_{n}` with one counter for all streams, so an id stays meaningful after its stream's
 * events expired and new ones arrived.
 */
export class MemoryEventStore implements EventStore {
  readonly #maxEvents: number;
  readonly #maxAge: number;
  readonly #now: () => number;
  readonly #streams = new Map<string, StoredEvent[]>();
  #seq = 0;
  #count = 0;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.#maxEvents = options.maxEventsPerStream ?? 1_000;
    this.#maxAge = options.maxAge ?? 300_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#maxEvents >= 1) || !(this.#maxAge > 0)) {
      throw new McpLiveError(
        'INVALID_DEFINITION',
        `MemoryEventStore needs maxEventsPerStream ≥ 1 and maxAge > 0 (got ${this.#maxEvents} and ${this.#maxAge})`,
      );
    }
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
    const seq = ++this.#seq;
    let events = this.#streams.get(streamId);
    if (events === undefined) {
      events = [];
      this.#streams.set(streamId, events);
      this.#startSweeper();
    } else {
      this.#expire(streamId, events, false);
      if (events.length >= this.#maxEvents) {
        events.shift();
        this.#count--;
      }
    }
    events.push({ seq, at: this.#now(), data: json ?? message });
    this.#count++;
    return streamId + SEPARATOR + seq;
  }

  lastEventId(streamId: string): string {
    const events = this.#streams.get(streamId);
    const last = events?.[events.length - 1];
    return streamId + SEPARATOR + (last?.seq ?? this.#seq);
  }

  streamOf(eventId: string): string | undefined {
    return parse(eventId)?.streamId;
  }

  async replayAfter(lastEventId: string, send: ReplaySend): Promise<string | undefined> {
    const id = parse(lastEventId);
    if (id === undefined) return undefined;
    const events = this.#streams.get(id.streamId);
    if (events === undefined) return id.streamId;
    this.#expire(id.streamId, events);
    // Copied first: `send` may make the transport append to this very stream.
    for (const event of events.filter((e) => e.seq > id.seq)) {
      const { data } = event;
      send(id.streamId + SEPARATOR + event.seq, typeof data === 'string' ? JSON.parse(data) : data);
    }
    return id.streamId;
  }

  deleteStream(streamId: string): void {
    const events = this.#streams.get(streamId);
    if (events === undefined) return;
    this.#count -= events.length;
    this.#streams.delete(streamId);
    if (this.#streams.size === 0) this.#stopSweeper();
  }

  /** Forgets every event and stops the expiry timer. */
  clear(): void {
    this.#streams.clear();
    this.#count = 0;
    this.#stopSweeper();
  }

  #expire(streamId: string, events: StoredEvent[], dropEmpty = true): void {
    const cutoff = this.#now() - this.#maxAge;
    let drop = 0;
    while (drop < events.length && events[drop]!.at <= cutoff) drop++;
    if (drop === 0) return;
    events.splice(0, drop);
    this.#count -= drop;
    if (events.length === 0 && dropEmpty) this.deleteStream(streamId);
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    const every = Math.max(1_000, Math.min(60_000, Math.floor(this.#maxAge / 2)));
    this.#sweeper = setInterval(() => {
      for (const [streamId, events] of [...this.#streams]) this.#expire(streamId, events);
    }, every);
    (this.#sweeper as { unref?: () => void }).unref?.();
  }

  #stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}

function parse(eventId: string): { streamId: string; seq: number } | undefined {
  const at = eventId.lastIndexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const digits = eventId.slice(at + 1);
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  return { streamId: eventId.slice(0, at), seq: Number(digits) };
}
