// Checked by `tsc --noEmit` (npm test): the clients node-redis makes are what the Redis stores take,
// without a cast: a single connection (createClient) and a cluster (createCluster).
import { createClient, createCluster } from 'redis';
import {
  type RedisClientLike,
  type RedisClusterLike,
  RedisEventStore,
  RedisMessageBus,
  RedisSessionStore,
  type RedisStandaloneLike,
} from '../../src/redis.ts';

const single: RedisStandaloneLike = createClient({ url: 'redis://127.0.0.1:6379' });
const cluster: RedisClusterLike = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:7000' }] });

for (const client of [single, cluster] satisfies RedisClientLike[]) {
  new RedisSessionStore({ client });
  new RedisEventStore({ client });
  new RedisMessageBus({ client });
}
