import type { SessionRecord, SessionStore } from '../server/session-store.ts';

/**
 * The default `SessionStore`: a map in this process. Servers of one process may share one (with a
 * shared `MemoryMessageBus`) to act as the instances of a deployment.
 */
export class MemorySessionStore implements SessionStore {
  #records = new Map<string, SessionRecord>();
  readonly #lost = new Set<(sessionId: string) => void>();

  get size(): number {
    return this.#records.size;
  }

  async create(record: SessionRecord): Promise<void> {
    this.#records.set(record.id, { ...record });
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const record = this.#records.get(id);
    return record === undefined ? undefined : { ...record };
  }

  async update(id: string, patch: Partial<Omit<SessionRecord, 'id'>>): Promise<void> {
    const record = this.#records.get(id);
    if (record !== undefined) Object.assign(record, patch);
  }

  async delete(id: string): Promise<void> {
    this.#records.delete(id);
  }

  async claim(id: string, owner: string, gone?: string): Promise<boolean> {
    const record = this.#records.get(id);
    if (record === undefined || record.owner !== gone) return false;
    record.owner = owner;
    // The servers sharing this store hear it at once; the one that held the session lets it go.
    for (const listener of this.#lost) listener(id);
    return true;
  }

  onOwnershipLost(listener: (sessionId: string) => void): () => void {
    this.#lost.add(listener);
    return () => this.#lost.delete(listener);
  }
}
