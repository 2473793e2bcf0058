import type { ClientCapabilities, Implementation } from '../protocol/lifecycle.ts';
import type { LoggingLevel } from '../protocol/logging.ts';

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
  /** The transport's name for the session's streams in the event store, so that another instance can resume them. */
  streamKey?: string;
  /** The path prefix the session was opened under. */
  base?: string;
  /** The negotiated state, kept so that another instance can take the session over. */
  clientInfo?: Implementation;
  clientCapabilities?: ClientCapabilities;
  initialized?: boolean;
  logLevel?: LoggingLevel;
  /** Resource URIs the session subscribed to. */
  subscriptions?: string[];
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
  /**
   * Makes `owner` the holder of session `id` if its holder is `gone` (an instance the caller found
   * unreachable) or, without `gone`, if its holder is no longer alive; false when a live instance holds
   * it, another claimed it first, or the session no longer exists. Stores shared by several instances
   * implement it; without it no session is ever taken over.
   */
  claim?(id: string, owner: string, gone?: string): Promise<boolean>;
  /**
   * Calls `listener` with the id of a session this process held that another instance has claimed
   * (after a network cut, say), so that this process lets go of its copy. Returns a function that stops.
   */
  onOwnershipLost?(listener: (sessionId: string) => void): () => void;
  /**
   * Optional. Resolves when the store can serve calls now; rejects saying why not (`STORE_UNAVAILABLE`,
   * or `CLOSED` after `close()`). Readiness probes call it; a store without it counts as ready.
   */
  ready?(): Promise<void>;
  /**
   * Optional. Calls `listener` with failures that happen outside any call (a lost connection, told
   * once); returns a function that stops. `McpServer` attaches here and tells its `error` listeners.
   */
  onError?(listener: (error: Error) => void): () => void;
}
