export { MemorySessionStore } from './memory-session-store.ts';
