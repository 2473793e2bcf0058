export type { MemoryEventStoreOptions } from './memory-event-store.ts';
export { MemoryEventStore } from './memory-event-store.ts';
export { MemorySessionStore } from './memory-session-store.ts';
