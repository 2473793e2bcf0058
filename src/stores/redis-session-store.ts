import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { SessionRecord, SessionStore } from '../server/session-store.ts';
import { BackgroundErrors } from './background-errors.ts';
import { RedisLink, type RedisOptions, redisNames, toRecord } from './redis-client.ts';
import { RedisOrphanSweeper } from './redis-orphan-sweeper.ts';
import {
  CLAIM_OWNER,
  decodeRecord,
  encodeFields,
  PATCH_HASH,
  REPLACE_HASH,
  REWRITE_OWNED,
} from './redis-session-codec.ts';

/** Options of a `RedisSessionStore`. */
export interface RedisSessionStoreOptions extends RedisOptions {
  /** ms an instance counts as alive after its last heartbeat. @default 15_000 */
  heartbeatTtl?: number;
  /** ms between heartbeats. @default heartbeatTtl / 3 */
  heartbeatInterval?: number;
  /** ms between sweeps for the records of instances that stopped heart-beating; 0 never sweeps. @default 60_000 */
  sweepInterval?: number;
  /** ms an instance must have been silent before a sweep deletes its records. @default 300_000 */
  orphanGracePeriod?: number;
}

type Patch = Partial<Omit<SessionRecord, 'id'>>;

/**
 * A `SessionStore` in Redis, shared by every instance: one hash per session, which names its `owner`
 * (the instance holding its stream). Each owner refreshes a heartbeat key; a record whose owner's
 * heartbeat expired comes back from `get` without an `owner`. Records of sessions this process owns
 * are also kept here: `get` answers from them while Redis is away, and they are written back (with
 * what changed meanwhile) once it returns, even if it returned empty. Every command touches one key.
 *
 * @example
 * const store = new RedisSessionStore({ client: await createClient({ url }).connect() });
 * const server = new McpServer(info, { sessionStore: store, messageBus: new RedisMessageBus({ client }) });
 */
export class RedisSessionStore implements SessionStore {
  readonly #link: RedisLink;
  readonly #errors: BackgroundErrors;
  readonly #names: ReturnType<typeof redisNames>;
  readonly #ttl: number;
  readonly #interval: number;
  readonly #sweeper: RedisOrphanSweeper;
  readonly #own = new Map<string, SessionRecord>();
  readonly #deleted = new Map<string, string>();
  readonly #owners = new Set<string>();
  readonly #beaten = new Set<string>();
  readonly #aliveUntil = new Map<string, number>();
  readonly #lost = new Set<(sessionId: string) => void>();
  #connected = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> | undefined;
  #dirty = false;
  #closed = false;

  constructor(options: RedisSessionStoreOptions) {
    this.#errors = new BackgroundErrors(options.onError);
    this.#link = new RedisLink('RedisSessionStore', options, this.#errors);
    this.#names = redisNames(options.prefix);
    this.#ttl = options.heartbeatTtl ?? 15_000;
    this.#interval = options.heartbeatInterval ?? Math.max(1, Math.floor(this.#ttl / 3));
    if (!(this.#ttl > 0) || !(this.#interval > 0) || this.#interval >= this.#ttl) {
      throw new McpLiveError(
        'INVALID_OPTION',
        `RedisSessionStore needs 0 < heartbeatInterval < heartbeatTtl (got ${this.#interval} and ${this.#ttl})`,
      );
    }
    this.#sweeper = new RedisOrphanSweeper(this.#link, this.#names, {
      interval: options.sweepInterval ?? 60_000,
      gracePeriod: options.orphanGracePeriod ?? 300_000,
      isOwn: (instance) => this.#owners.has(instance),
    });
    // Every 'ready' after the first connection is a reconnection.
    this.#connected = options.client.isReady;
    this.#link.onReady(() => {
      // After a reconnection, check every owned record: another instance may have claimed some meanwhile.
      if (this.#connected) this.#dirty = true;
      this.#connected = true;
      void this.heartbeat();
    });
  }

  onOwnershipLost(listener: (sessionId: string) => void): () => void {
    this.#lost.add(listener);
    return () => this.#lost.delete(listener);
  }

  /**
   * Calls `listener` with failures outside any call (an outage, told once); `McpServer` attaches here.
   * Returns a function that stops. Listeners are not told when the `onError` option is set.
   */
  onError(listener: (error: Error) => void): () => void {
    return this.#errors.listen(listener);
  }

  /** How many records of sessions owned by this process are kept here. */
  get ownedCount(): number {
    return this.#own.size;
  }

  async create(record: SessionRecord): Promise<void> {
    const copy = { ...record };
    const owned = copy.owner !== undefined;
    if (owned) {
      this.#own.set(copy.id, copy);
      this.#deleted.delete(copy.id);
      this.#startBeating(copy.owner!);
    }
    await this.#tolerate(owned, () => this.#write(copy));
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    let hash: unknown;
    try {
      hash = await this.#link.command(['HGETALL', this.#names.session(id)]);
    } catch (error) {
      const own = this.#own.get(id);
      if (own === undefined || !this.#unreachable(error)) throw error;
      return { ...own };
    }
    const record = decodeRecord(id, toRecord(hash));
    if (record?.owner !== undefined && !(await this.isAlive(record.owner))) delete record.owner;
    return record;
  }

  async update(id: string, patch: Patch): Promise<void> {
    const own = this.#own.get(id);
    if (own !== undefined) Object.assign(own, patch, { id });
    const args = encodeFields(patch);
    if (args.length === 0) return;
    await this.#tolerate(own !== undefined, () =>
      this.#link.command(['EVAL', PATCH_HASH, '1', this.#names.session(id), ...args]),
    );
  }

  async delete(id: string): Promise<void> {
    const own = this.#own.get(id);
    this.#own.delete(id);
    if (own?.owner !== undefined) this.#deleted.set(id, own.owner);
    await this.#tolerate(own !== undefined, async () => {
      const owner =
        own?.owner ?? parseOwner(await this.#link.command(['HGET', this.#names.session(id), 'owner']));
      await Promise.all([
        this.#link.command(['DEL', this.#names.session(id)]),
        owner === undefined ? undefined : this.#link.command(['SREM', this.#names.owned(owner), id]),
      ]);
      this.#deleted.delete(id);
    });
  }

  async claim(id: string, owner: string, gone?: string): Promise<boolean> {
    const key = this.#names.session(id);
    const holder = parseOwner(await this.#link.command(['HGET', key, 'owner']));
    if (gone === undefined ? holder !== undefined && (await this.isAlive(holder)) : holder !== gone) {
      return false;
    }
    const expected = holder;
    const from = expected === undefined ? '' : JSON.stringify(expected);
    const claimed = await this.#link.command<number>([
      'EVAL',
      CLAIM_OWNER,
      '1',
      key,
      from,
      JSON.stringify(owner),
    ]);
    if (claimed !== 1) return false;
    const record = decodeRecord(id, toRecord(await this.#link.command(['HGETALL', key])));
    if (record === undefined) return false;
    this.#own.set(id, record);
    this.#deleted.delete(id);
    this.#startBeating(owner);
    await Promise.all([
      this.#link.command(['SADD', this.#names.owned(owner), id]),
      expected === undefined ? undefined : this.#link.command(['SREM', this.#names.owned(expected), id]),
    ]);
    return true;
  }

  /** Whether an instance's heartbeat is current (this process's own owners always are). */
  async isAlive(instanceId: string): Promise<boolean> {
    if (this.#owners.has(instanceId)) return true;
    if ((this.#aliveUntil.get(instanceId) ?? 0) > Date.now()) return true;
    this.#aliveUntil.delete(instanceId);
    const exists = await this.#link.command<number>(['EXISTS', this.#names.alive(instanceId)]);
    if (exists === 1) this.#aliveUntil.set(instanceId, Date.now() + this.#interval);
    return exists === 1;
  }

  /**
   * Refreshes the heartbeat of every owner this store holds records for, and writes those records back
   * if Redis lost them or missed changes. Runs on a timer and on every reconnection.
   */
  heartbeat(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#owners.size === 0) {
      if (this.#link.ready) this.#link.recovered();
      return Promise.resolve();
    }
    this.#beating ??= this.#beat().finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  /** Deletes the records of instances silent for longer than `orphanGracePeriod`; returns how many. */
  sweepOrphans(): Promise<number> {
    return this.#sweeper.sweep();
  }

  /** Resolves when Redis answers now; rejects with `STORE_UNAVAILABLE` saying why not, `CLOSED` after `close()`. */
  async ready(): Promise<void> {
    if (this.#closed)
      throw new McpLiveError('CLOSED', 'This RedisSessionStore is closed; create another one');
    await this.#link.ping();
  }

  /** Stops heart-beating (this process's sessions count as orphaned at once) and sweeping. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#sweeper.stop();
    await this.#beating?.catch(() => {});
    // Still listed in the registry, so that sweepers delete whatever records it leaves.
    await Promise.all(
      [...this.#owners].map((owner) => {
        const key = this.#names.alive(owner);
        return this.#link.readyFor(key) ? this.#link.command(['DEL', key]).catch(() => {}) : undefined;
      }),
    );
    this.#link.detach();
  }

  #startBeating(owner: string): void {
    if (this.#owners.has(owner) || this.#closed) return;
    this.#owners.add(owner);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.heartbeat(), this.#interval);
      this.#timer.unref?.();
      this.#sweeper.start();
    }
    void this.heartbeat();
  }

  async #beat(): Promise<void> {
    try {
      let lapsed = false;
      for (const owner of this.#owners) {
        const [previous] = await Promise.all([
          this.#link.command([
            'SET',
            this.#names.alive(owner),
            String(Date.now()),
            'PX',
            String(this.#ttl),
            'GET',
          ]),
          this.#link.command(['SADD', this.#names.instances, owner]),
        ]);
        if (previous === null && this.#beaten.has(owner)) lapsed = true;
        this.#beaten.add(owner);
      }
      if (lapsed || this.#dirty) await this.#rewrite();
      this.#link.recovered();
    } catch {
      // Reported by the link; the next beat (timer or reconnection) tries again.
    }
  }

  async #rewrite(): Promise<void> {
    this.#dirty = true;
    const work: Array<() => Promise<unknown>> = [];
    for (const [id, owner] of this.#deleted) {
      work.push(async () => {
        await Promise.all([
          this.#link.command(['DEL', this.#names.session(id)]),
          this.#link.command(['SREM', this.#names.owned(owner), id]),
        ]);
        this.#deleted.delete(id);
      });
    }
    for (const record of this.#own.values()) work.push(() => this.#writeBack(record));
    for (let i = 0; i < work.length; i += 500) await Promise.all(work.slice(i, i + 500).map((w) => w()));
    this.#dirty = false;
  }

  async #write(record: SessionRecord): Promise<void> {
    const key = this.#names.session(record.id);
    await Promise.all([
      this.#link.command(['EVAL', REPLACE_HASH, '1', key, ...encodeFields(record)]),
      record.owner === undefined
        ? undefined
        : this.#link.command(['SADD', this.#names.owned(record.owner), record.id]),
    ]);
  }

  /** Writes back an owned record, unless another instance took the session over while Redis was away. */
  async #writeBack(record: SessionRecord): Promise<void> {
    const key = this.#names.session(record.id);
    const owner = JSON.stringify(record.owner);
    const wrote = await this.#link.command(['EVAL', REWRITE_OWNED, '1', key, owner, ...encodeFields(record)]);
    if (wrote === 0) {
      this.#own.delete(record.id);
      for (const listener of this.#lost) listener(record.id);
    } else if (record.owner !== undefined)
      await this.#link.command(['SADD', this.#names.owned(record.owner), record.id]);
  }

  /** Runs a write; for this process's own sessions a failure only marks them for rewriting. */
  async #tolerate(owned: boolean, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!owned || !this.#unreachable(error)) throw error;
      this.#dirty = true;
    }
  }

  /** Whether a failed command failed because Redis (or the cluster node it needed) is away. */
  #unreachable(error: unknown): boolean {
    return error instanceof McpLiveError && (this.#link.isOutage(error) || !this.#link.ready);
  }
}

function parseOwner(reply: unknown): string | undefined {
  if (typeof reply !== 'string') return undefined;
  try {
    const owner: unknown = JSON.parse(reply);
    return typeof owner === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}
