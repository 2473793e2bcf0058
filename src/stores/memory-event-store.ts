import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import type { EventStore, ReplaySend } from '../server/event-store.ts';
import { SYNC_EVENT_STORE, type SyncEventStore } from '../server/sync-event-store.ts';
import { MemoryEventLog } from './memory-event-log.ts';

/** Options of a `MemoryEventStore`. */
export interface MemoryEventStoreOptions {
  /** Events kept per stream; the oldest go first. @default 1_000 */
  maxEventsPerStream?: number;
  /** ms an event is kept for a resumption. @default 300_000 (5 minutes) */
  maxAge?: number;
  /**
   * ms a stream's events are kept once the transport said it ended with every event written
   * (`streamEnded`), if `maxAge` does not forget them first; `0` forgets them at once.
   * @default 30_000
   */
  endedStreamMaxAge?: number;
  /**
   * Bytes held over all streams, approximately: each event counts as its JSON text's length plus 64.
   * Past it, the oldest events of the whole store go first.
   * @default 67_108_864 (64 MiB)
   */
  maxBytes?: number;
  /** The clock, in ms. @default Date.now */
  now?: () => number;
}

/**
 * The default `EventStore`: events in this process, bounded per stream by count, by age (shorter once
 * a stream ended), and over all streams by size. Event ids are `{streamId}_{n}` with one counter for
 * all streams, so an id stays meaningful after its stream's events expired and new ones arrived.
 */
export class MemoryEventStore implements EventStore {
  readonly #log: MemoryEventLog;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.#log = new MemoryEventLog(options);
  }

  /** How many events are held, over every stream. */
  get size(): number {
    return this.#log.size;
  }

  /** How many streams hold events. */
  get streamCount(): number {
    return this.#log.streamCount;
  }

  async append(streamId: string, message: JSONRPCMessage, json?: string): Promise<string> {
    return this.#log.append(streamId, message, json);
  }

  async lastEventId(streamId: string): Promise<string> {
    return this.#log.lastEventId(streamId);
  }

  async streamOf(eventId: string): Promise<string | undefined> {
    return this.#log.streamOf(eventId);
  }

  async replayAfter(lastEventId: string, send: ReplaySend): Promise<string | undefined> {
    return this.#log.replayAfter(lastEventId, send);
  }

  async deleteStream(streamId: string): Promise<void> {
    this.#log.deleteStream(streamId);
  }

  /** Forgets the stream's events `endedStreamMaxAge` from now, unless `maxAge` does first. */
  async streamEnded(streamId: string): Promise<void> {
    this.#log.streamEnded(streamId);
  }

  /** Always ready: the events live in this process. */
  async ready(): Promise<void> {}

  /** Forgets every event and stops the expiry timer. */
  clear(): void {
    this.#log.clear();
  }

  /** Internal: the transports' fast path, unless a subclass or the instance replaced a method (then it must be called). */
  [SYNC_EVENT_STORE](): SyncEventStore | undefined {
    const own = MemoryEventStore.prototype;
    const plain =
      this.append === own.append &&
      this.lastEventId === own.lastEventId &&
      this.streamOf === own.streamOf &&
      this.replayAfter === own.replayAfter &&
      this.deleteStream === own.deleteStream &&
      this.streamEnded === own.streamEnded;
    return plain ? this.#log : undefined;
  }
}
