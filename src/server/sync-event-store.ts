import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import type { EventStore, ReplaySend } from './event-store.ts';

/**
 * Internal (not exported by the package): an event store that answers at once. `MemoryEventStore`
 * offers one beside its `EventStore` methods, so that the transports' streams number an event without
 * a promise; a test pins that the wire is the same either way (`event-store-fast-path.test.ts`).
 */
export interface SyncEventStore {
  append(streamId: string, message: JSONRPCMessage, json?: string): string;
  lastEventId(streamId: string): string;
  streamOf(eventId: string): string | undefined;
  replayAfter(lastEventId: string, send: ReplaySend): string | undefined;
  deleteStream(streamId: string): void;
  streamEnded(streamId: string): void;
}

/** The method by which a store offers its `SyncEventStore`; it returns `undefined` when it must be called plainly. */
export const SYNC_EVENT_STORE: unique symbol = Symbol('mcp-live.syncEventStore');

/** What the streams call: each answer is a value (the fast path) or a promise of one (any `EventStore`). */
export type StreamEventStore = SyncEventStore | EventStore;

/** The store's synchronous twin when it offers one, else the store itself (a user's own, Redis). */
export function streamEventStore(store: EventStore): StreamEventStore {
  return (store as { [SYNC_EVENT_STORE]?: () => SyncEventStore | undefined })[SYNC_EVENT_STORE]?.() ?? store;
}
