import type { RedisLink, redisNames } from './redis-client.ts';
import { DELETE_IF_OWNER } from './redis-session-codec.ts';

export interface SweeperOptions {
  /** ms between sweeps; 0 never sweeps on its own. */
  interval: number;
  /** ms an instance must have been silent (as this process saw it) before its records go. */
  gracePeriod: number;
  /** Instances of this process, never swept. */
  isOwn(instance: string): boolean;
}

/**
 * Deletes the session records of instances that stopped heart-beating. Instances sweep in parallel
 * without double work: each takes a dead instance's session ids with SPOP, and a record is deleted
 * only while it still names that instance as its owner.
 */
export class RedisOrphanSweeper {
  readonly #link: RedisLink;
  readonly #names: ReturnType<typeof redisNames>;
  readonly #options: SweeperOptions;
  readonly #silentSince = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running = false;

  constructor(link: RedisLink, names: ReturnType<typeof redisNames>, options: SweeperOptions) {
    this.#link = link;
    this.#names = names;
    this.#options = options;
  }

  start(): void {
    if (this.#timer !== undefined || this.#options.interval <= 0) return;
    this.#timer = setInterval(() => {
      if (!this.#running && this.#link.ready) void this.sweep().catch(() => {});
    }, this.#options.interval);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sweep; returns how many records it deleted. */
  async sweep(): Promise<number> {
    this.#running = true;
    try {
      const listed = await this.#link.command<string[]>(['SMEMBERS', this.#names.instances]);
      const now = Date.now();
      let deleted = 0;
      for (const instance of listed) {
        if (this.#options.isOwn(instance)) continue;
        if ((await this.#link.command<number>(['EXISTS', this.#names.alive(instance)])) === 1) {
          this.#silentSince.delete(instance);
          continue;
        }
        const since = this.#silentSince.get(instance) ?? now;
        this.#silentSince.set(instance, since);
        if (now - since >= this.#options.gracePeriod) deleted += await this.#reap(instance);
      }
      for (const instance of this.#silentSince.keys()) {
        if (!listed.includes(instance)) this.#silentSince.delete(instance);
      }
      return deleted;
    } finally {
      this.#running = false;
    }
  }

  async #reap(instance: string): Promise<number> {
    const owner = JSON.stringify(instance);
    let deleted = 0;
    for (;;) {
      const ids = await this.#link.command<string[] | null>(['SPOP', this.#names.owned(instance), '100']);
      if (ids === null || ids.length === 0) break;
      const results = await Promise.all(
        ids.map((id) =>
          this.#link.command<number>(['EVAL', DELETE_IF_OWNER, '1', this.#names.session(id), owner]),
        ),
      );
      deleted += results.filter((r) => r === 1).length;
    }
    if ((await this.#link.command<number>(['EXISTS', this.#names.alive(instance)])) === 0) {
      await this.#link.command(['SREM', this.#names.instances, instance]);
    }
    this.#silentSince.delete(instance);
    return deleted;
  }
}
