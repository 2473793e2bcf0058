export type { MemoryEventStoreOptions } from './memory-event-store.ts';
export { MemoryEventStore } from './memory-event-store.ts';
export { MemoryMessageBus } from './memory-message-bus.ts';
export { MemorySessionStore } from './memory-session-store.ts';
