// mcp-live/redis: the session store, event store and message bus over Redis, for N instances behind
// a load balancer, on one Redis or a Redis Cluster. Needs the optional peer dependency `redis`
// (node-redis 5 or later).
export type { BusHandler, BusMessage, MessageBus, SessionSelector } from './server/message-bus.ts';
export { MemoryMessageBus } from './stores/memory-message-bus.ts';
export type {
  RedisClientLike,
  RedisClusterLike,
  RedisEventListener,
  RedisOptions,
  RedisStandaloneLike,
} from './stores/redis-client.ts';
export type { ConnectRedisOptions, RedisStores } from './stores/redis-connect.ts';
export { connectRedis } from './stores/redis-connect.ts';
export { isRedisCluster } from './stores/redis-connection.ts';
export type { RedisEventStoreOptions } from './stores/redis-event-store.ts';
export { RedisEventStore } from './stores/redis-event-store.ts';
export type { RedisMessageBusOptions } from './stores/redis-message-bus.ts';
export { RedisMessageBus } from './stores/redis-message-bus.ts';
export type { RedisSessionStoreOptions } from './stores/redis-session-store.ts';
export { RedisSessionStore } from './stores/redis-session-store.ts';
