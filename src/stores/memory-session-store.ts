import type { SessionRecord, SessionStore } from '../server/session-store.ts';

/**
 * The default `SessionStore`: a map in this process. Servers of one process may share one (with a
 * shared `MemoryMessageBus`) to act as the instances of a deployment.
 */
export class MemorySessionStore implements SessionStore {
  #records = new Map<string, StoredRecord>();
  readonly #lost = new Set<(sessionId: string) => void>();

  get size(): number {
    return this.#records.size;
  }

  async create(record: SessionRecord): Promise<void> {
    this.#records.set(record.id, Object.assign(new StoredRecord(record.id), record));
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const record = this.#records.get(id);
    return record === undefined ? undefined : copyDefined(record);
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

  /** Always ready: the records live in this process. */
  async ready(): Promise<void> {}
}

/**
 * A record as the store keeps it: every field declared up front, so that all records share one
 * hidden class (a spread copy extended by `update` gave each its own, some 400 bytes per session).
 */
class StoredRecord {
  id: string;
  transport = '';
  owner: string | undefined = undefined;
  principal: unknown = undefined;
  protocolVersion: string | undefined = undefined;
  createdAt = 0;
  lastActivity = 0;
  streamKey: string | undefined = undefined;
  base: string | undefined = undefined;
  clientInfo: SessionRecord['clientInfo'] = undefined;
  clientCapabilities: SessionRecord['clientCapabilities'] = undefined;
  initialized: boolean | undefined = undefined;
  logLevel: SessionRecord['logLevel'] = undefined;
  subscriptions: string[] | undefined = undefined;

  constructor(id: string) {
    this.id = id;
  }
}

/** The record as callers wrote it: a plain object without the fields never set. */
function copyDefined(record: StoredRecord): SessionRecord {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = (record as unknown as Record<string, unknown>)[key];
    if (value !== undefined) copy[key] = value;
  }
  return copy as unknown as SessionRecord;
}
