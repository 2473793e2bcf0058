/** What a store keeps about a session: enough for any instance to answer for it. */
export interface SessionRecord {
  id: string;
  transport: string;
  /** The instance that holds the session's stream; set by multi-instance stores. */
  owner?: string;
  principal?: unknown;
  protocolVersion?: string;
  createdAt: number;
  lastActivity: number;
}

/**
 * Which sessions exist. The in-memory store serves one process; a shared store (Redis) lets
 * several instances answer for each other's sessions.
 */
export interface SessionStore {
  create(record: SessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | undefined>;
  update(id: string, patch: Partial<Omit<SessionRecord, 'id'>>): Promise<void>;
  delete(id: string): Promise<void>;
}
