import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore, ReplaySend } from '../server/event-store.ts';
import { BackgroundErrors } from './background-errors.ts';
import { RedisLink, type RedisOptions, redisNames, toRecord } from './redis-client.ts';
import {
  compareEntries,
  type EntryId,
  FIRST_ENTRY,
  formatEntry,
  localEventId,
  parseEntry,
  parseEventId,
  redisEventId,
} from './redis-event-ids.ts';

/** Options of a `RedisEventStore`. */
export interface RedisEventStoreOptions extends RedisOptions {
  /** Events replayed per stream at most, the newest; Redis trims each stream to about this many. @default 1_000 */
  maxEventsPerStream?: number;
  /** ms an event is kept for a resumption; a stream's key expires this long after its last event. @default 300_000 */
  maxAge?: number;
  /**
   * ms a stream's key is kept once the transport said the stream ended with every event written
   * (`streamEnded`), if `maxAge` does not expire it first; `0` deletes it at once.
   * @default 30_000
   */
  endedStreamMaxAge?: number;
}

interface HeldEvent {
  seq: number;
  at: number;
  message: JSONRPCMessage;
}

const MAX_REMEMBERED = 100_000;
/**
 * While events are held, how often the store tries again to write them to Redis. Reconnections
 * trigger a try too, but a Redis Cluster failover may report the new primary before the slot map
 * names it: without this, events held then would wait for the stream's next event.
 */
const HELD_RETRY_MS = 1_000;

/**
 * An `EventStore` over Redis Streams: one stream key per event stream (`XADD … MAXLEN ~`, replayed
 * with `XREVRANGE`), so any instance can replay a stream another one wrote. Event ids are
 * `{streamId}_{entry id}`. While Redis is away, events are held in this process (ids
 * `{streamId}_{n}`), still delivered and replayable here, and written to Redis in order once it returns.
 */
export class RedisEventStore implements EventStore {
  readonly #link: RedisLink;
  readonly #errors: BackgroundErrors;
  readonly #names: ReturnType<typeof redisNames>;
  readonly #max: number;
  readonly #maxAge: number;
  readonly #endedMaxAge: number;
  /** Events of streams appended while Redis was away, oldest first; always after the stream's Redis events. */
  readonly #held = new Map<string, HeldEvent[]>();
  /** Where held events went in Redis, so that their ids still resume. */
  readonly #written = new Map<string, Map<number, string>>();
  /** The last entry this process added to each stream. */
  readonly #last = new Map<string, EntryId>();
  /** Held streams that ended, and when their held events go (in order: the retention is one constant). */
  readonly #endedHeld: Array<{ streamId: string; at: number }> = [];
  /** Streams whose held events are being written to Redis now. */
  readonly #flushing = new Map<string, Promise<void>>();
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #seq = Date.now();

  constructor(options: RedisEventStoreOptions) {
    this.#errors = new BackgroundErrors(options.onError);
    this.#link = new RedisLink('RedisEventStore', options, this.#errors);
    this.#names = redisNames(options.prefix);
    this.#max = options.maxEventsPerStream ?? 1_000;
    this.#maxAge = options.maxAge ?? 300_000;
    this.#endedMaxAge = options.endedStreamMaxAge ?? 30_000;
    requireOption(this.#max >= 1, 'maxEventsPerStream ≥ 1', this.#max);
    requireOption(this.#maxAge > 0, 'maxAge > 0', this.#maxAge);
    requireOption(this.#endedMaxAge >= 0, 'endedStreamMaxAge ≥ 0', this.#endedMaxAge);
    this.#link.onReady(() => {
      this.#link.recovered();
      void this.#flushHeld();
    });
  }

  async append(streamId: string, message: JSONRPCMessage, json?: string): Promise<string> {
    this.#dropDue(Date.now());
    try {
      await this.#flush(streamId);
      return redisEventId(streamId, await this.#add(streamId, json ?? JSON.stringify(message)));
    } catch (error) {
      // Redis (or the cluster node serving this stream) is away: the event is held here meanwhile.
      if (this.#link.readyFor(this.#names.events(streamId)) && !this.#link.isOutage(error)) throw error;
      return this.#hold(streamId, message);
    }
  }

  async lastEventId(streamId: string): Promise<string> {
    const held = this.#held.get(streamId);
    const newest = held?.[held.length - 1];
    if (newest !== undefined) return localEventId(streamId, newest.seq);
    const key = this.#names.events(streamId);
    if (this.#link.readyFor(key)) {
      try {
        const reply = await this.#link.command(['XREVRANGE', key, '+', '-', 'COUNT', '1']);
        return redisEventId(streamId, entries(reply)[0]?.[0] ?? FIRST_ENTRY);
      } catch (error) {
        if (this.#link.readyFor(key) && !this.#link.isOutage(error)) throw error;
      }
    }
    // Redis (or the cluster node serving this stream) is away: the last entry this process wrote.
    return redisEventId(streamId, this.#last.get(streamId) ?? FIRST_ENTRY);
  }

  async streamOf(eventId: string): Promise<string | undefined> {
    return parseEventId(eventId)?.streamId;
  }

  async replayAfter(lastEventId: string, send: ReplaySend): Promise<string | undefined> {
    const id = parseEventId(lastEventId);
    if (id === undefined) return undefined;
    const { streamId } = id;
    let after = id.kind === 'redis' ? id.entry : undefined;
    if (id.kind === 'local') {
      const written = this.#written.get(streamId)?.get(id.seq);
      const held = this.#held.get(streamId) ?? [];
      const at = held.findIndex((e) => e.seq === id.seq);
      if (written !== undefined) after = parseEntry(written);
      else if (at >= 0) return this.#sendHeld(streamId, held.slice(at + 1), send);
      else after = FIRST_ENTRY;
    }
    const reachable = () => this.#link.readyFor(this.#names.events(streamId));
    if (reachable()) await this.#flush(streamId).catch(() => {});
    const held = this.#held.get(streamId);
    if (held === undefined && reachable()) return this.#replayRedis(streamId, after ?? FIRST_ENTRY, send);
    // Redis is away: what this process holds is all there is after the last entry it wrote.
    if (compareEntries(after ?? FIRST_ENTRY, this.#last.get(streamId) ?? FIRST_ENTRY) === 0) {
      return this.#sendHeld(streamId, held ?? [], send);
    }
    throw new McpLiveError(
      'STORE_UNAVAILABLE',
      `RedisEventStore: cannot replay stream ${streamId} after ${lastEventId}: the events after it are in Redis, which is unreachable; resume again once it is back`,
    );
  }

  async deleteStream(streamId: string): Promise<void> {
    this.#held.delete(streamId);
    this.#written.delete(streamId);
    this.#last.delete(streamId);
    // While Redis is away the key is left to expire (maxAge after its last event).
    const key = this.#names.events(streamId);
    if (this.#link.readyFor(key)) await this.#link.command(['DEL', key]).catch(() => {});
  }

  /**
   * Shortens the stream key's life to `endedStreamMaxAge`. Never rejects: if Redis is away or fails,
   * the key keeps its usual `maxAge`.
   */
  async streamEnded(streamId: string): Promise<void> {
    if (this.#endedMaxAge >= this.#maxAge) return;
    this.#dropDue(Date.now());
    if (this.#held.has(streamId)) {
      // Its events are only here (Redis was away): they go endedStreamMaxAge from now, not when touched.
      this.#endedHeld.push({ streamId, at: Date.now() + this.#endedMaxAge });
      return;
    }
    const key = this.#names.events(streamId);
    if (!this.#link.readyFor(key)) return;
    // LT: only ever shortens, should the key be closer to its maxAge already.
    await this.#link.command(['PEXPIRE', key, String(this.#endedMaxAge), 'LT']).catch(() => {});
  }

  /**
   * Calls `listener` with failures outside any call (an outage, told once); the HTTP transports attach here.
   * Returns a function that stops. Listeners are not told when the `onError` option is set.
   */
  onError(listener: (error: Error) => void): () => void {
    return this.#errors.listen(listener);
  }

  /** Stops listening to the client (which stays open). Held events that were never written are dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#link.detach();
  }

  /** Resolves when Redis answers now; rejects with `STORE_UNAVAILABLE` saying why not. */
  ready(): Promise<void> {
    return this.#link.ping();
  }

  async #add(streamId: string, json: string): Promise<EntryId> {
    const key = this.#names.events(streamId);
    const [id] = await Promise.all([
      this.#link.command<string>(['XADD', key, 'MAXLEN', '~', String(this.#max), '*', 'm', json]),
      this.#link.command(['PEXPIRE', key, String(this.#maxAge)]),
    ]);
    const entry = parseEntry(String(id));
    if (entry === undefined)
      throw new McpLiveError('STORE_UNAVAILABLE', `RedisEventStore: XADD answered "${id}", not an entry id`);
    this.#remember(this.#last, streamId, entry);
    return entry;
  }

  #hold(streamId: string, message: JSONRPCMessage): string {
    let held = this.#held.get(streamId);
    if (held === undefined) {
      held = [];
      // At most MAX_REMEMBERED streams are held, the oldest dropped first: a long outage under load
      // (a stream per POST) must not hold every answer until the process ends.
      this.#remember(this.#held, streamId, held);
    }
    const seq = ++this.#seq;
    held.push({ seq, at: Date.now(), message });
    if (held.length > this.#max) held.shift();
    this.#retryHeldLater();
    return localEventId(streamId, seq);
  }

  /**
   * Drops the held events of streams that ended `endedStreamMaxAge` ago, unless written since, and of
   * the oldest held streams whose newest event is older than `maxAge`.
   */
  #dropDue(now: number): void {
    const ended = this.#endedHeld;
    let due = 0;
    while (due < ended.length && ended[due]!.at <= now) {
      const { streamId, at } = ended[due++]!;
      const held = this.#held.get(streamId);
      const newest = held?.[held.length - 1];
      if (newest !== undefined && newest.at <= at - this.#endedMaxAge) this.#held.delete(streamId);
    }
    if (due > 0) ended.splice(0, due);
    const cutoff = now - this.#maxAge;
    for (const [streamId, held] of this.#held) {
      const newest = held[held.length - 1];
      if (newest !== undefined && newest.at > cutoff) break;
      this.#held.delete(streamId);
    }
  }

  /**
   * Writes the events held while Redis was away to Redis, once it is back, so that every instance can
   * replay them, including streams that get no further event.
   */
  async #flushHeld(): Promise<void> {
    for (const streamId of [...this.#held.keys()]) {
      if (this.#link.readyFor(this.#names.events(streamId))) await this.#flush(streamId).catch(() => {});
    }
    this.#retryHeldLater();
  }

  /** Tries `#flushHeld` again in `HELD_RETRY_MS` while any event is held (one timer at most). */
  #retryHeldLater(): void {
    if (this.#closed || this.#retry !== undefined || this.#held.size === 0) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#flushHeld();
    }, HELD_RETRY_MS);
    this.#retry.unref();
  }

  /** Writes a stream's held events to Redis, oldest first; stops at the first failure. One at a time per stream. */
  #flush(streamId: string): Promise<void> {
    if (!this.#held.has(streamId)) return Promise.resolve();
    let flushing = this.#flushing.get(streamId);
    if (flushing === undefined) {
      flushing = this.#flushNow(streamId).finally(() => this.#flushing.delete(streamId));
      this.#flushing.set(streamId, flushing);
    }
    return flushing;
  }

  async #flushNow(streamId: string): Promise<void> {
    const held = this.#held.get(streamId);
    if (held === undefined) return;
    const cutoff = Date.now() - this.#maxAge;
    await this.#adoptInDoubt(streamId, held);
    while (held.length > 0) {
      const event = held[0]!;
      if (event.at > cutoff) {
        const entry = await this.#add(streamId, JSON.stringify(event.message));
        this.#markWritten(streamId, event.seq, entry);
      }
      held.shift();
    }
    this.#held.delete(streamId);
  }

  /**
   * An XADD that failed in doubt (Redis took it, then died or the link broke before the answer) left
   * its event in the stream already. The entries after the last one this process knows it wrote are
   * those: the first held events that match them, message for message, are counted as written there
   * instead of being added a second time (a client resuming from before them would get them twice).
   */
  async #adoptInDoubt(streamId: string, held: HeldEvent[]): Promise<void> {
    const last = this.#last.get(streamId);
    const from =
      last === undefined
        ? formatEntry({ ms: Math.max(0, held[0]!.at - 5_000), seq: 0 })
        : `(${formatEntry(last)}`;
    const reply = await this.#link.command([
      'XRANGE',
      this.#names.events(streamId),
      from,
      '+',
      'COUNT',
      String(held.length),
    ]);
    let adopted = 0;
    for (const [entry, json] of rawEntries(reply)) {
      const event = held[adopted];
      if (event === undefined || JSON.stringify(event.message) !== json) break;
      this.#markWritten(streamId, event.seq, entry);
      this.#remember(this.#last, streamId, entry);
      adopted++;
    }
    held.splice(0, adopted);
  }

  #markWritten(streamId: string, seq: number, entry: EntryId): void {
    let written = this.#written.get(streamId);
    if (written === undefined) {
      written = new Map();
      this.#remember(this.#written, streamId, written);
    }
    written.set(seq, formatEntry(entry));
    if (written.size > this.#max) written.delete(written.keys().next().value!);
  }

  async #replayRedis(streamId: string, after: EntryId, send: ReplaySend): Promise<string> {
    const oldest: EntryId = { ms: Math.max(0, Date.now() - this.#maxAge), seq: 0 };
    const from = compareEntries(after, oldest) >= 0 ? `(${formatEntry(after)}` : formatEntry(oldest);
    const reply = await this.#link.command([
      'XREVRANGE',
      this.#names.events(streamId),
      '+',
      from,
      'COUNT',
      String(this.#max),
    ]);
    const events = entries(reply).reverse();
    for (const [entry, message] of events) send(redisEventId(streamId, entry), message);
    return streamId;
  }

  #sendHeld(streamId: string, events: HeldEvent[], send: ReplaySend): string {
    const cutoff = Date.now() - this.#maxAge;
    for (const event of events.filter((e) => e.at > cutoff)) {
      send(localEventId(streamId, event.seq), event.message);
    }
    return streamId;
  }

  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
  }
}

function requireOption(ok: boolean, rule: string, value: number): void {
  if (!ok) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `RedisEventStore needs ${rule} (got ${value}); change that option`,
    );
  }
}

/** Stream entries of an XRANGE/XREVRANGE reply, with their messages as stored (JSON text). */
function rawEntries(reply: unknown): Array<[EntryId, string]> {
  const out: Array<[EntryId, string]> = [];
  if (!Array.isArray(reply)) return out;
  for (const item of reply) {
    if (!Array.isArray(item)) continue;
    const [id, fields] = item as [unknown, unknown];
    const entry = parseEntry(String(id));
    const json = toRecord(fields).m;
    if (entry !== undefined && json !== undefined) out.push([entry, json]);
  }
  return out;
}

/** Stream entries of an XRANGE/XREVRANGE reply, with their messages. */
function entries(reply: unknown): Array<[EntryId, JSONRPCMessage]> {
  const out: Array<[EntryId, JSONRPCMessage]> = [];
  for (const [entry, json] of rawEntries(reply)) {
    try {
      out.push([entry, JSON.parse(json) as JSONRPCMessage]);
    } catch {
      // Not written by this store; skipped.
    }
  }
  return out;
}
