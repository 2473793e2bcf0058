import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { RedisClientLike } from './redis-client.ts';

export interface RedisClientPlan {
  url: string | undefined;
  cluster: readonly string[] | undefined;
  topologyRefreshDelay: number;
}

/** ms a cluster node's connection waits between attempts, at most: a promoted replica is found soon. */
const CLUSTER_RECONNECT_MAX = 500;

/**
 * An unconnected node-redis client for `connectRedis`: `createClient` for one Redis, `createCluster`
 * for a cluster. `address` names it for messages, passwords hidden.
 */
export async function createRedisClient(
  plan: RedisClientPlan,
): Promise<{ client: RedisClientLike; address: string }> {
  if (plan.url !== undefined && plan.cluster !== undefined) {
    throw new McpLiveError(
      'INVALID_OPTION',
      'connectRedis takes either url (one Redis) or cluster (the nodes of a Redis Cluster), not both',
    );
  }
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch (cause) {
    throw new McpLiveError(
      'MISSING_DEPENDENCY',
      'connectRedis needs the "redis" package, an optional peer dependency: npm install redis',
      { cause },
    );
  }
  if (plan.cluster === undefined) {
    const url = plan.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    return { client: redis.createClient({ url }), address: redact(url) };
  }
  const urls = [...plan.cluster];
  if (urls.length === 0) {
    throw new McpLiveError('INVALID_OPTION', 'connectRedis option cluster needs at least one node URL');
  }
  if (!Number.isInteger(plan.topologyRefreshDelay) || plan.topologyRefreshDelay < 0) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `connectRedis option topologyRefreshDelay must be a whole number of ms, 0 or more (got ${plan.topologyRefreshDelay})`,
    );
  }
  const client = redis.createCluster({
    rootNodes: urls.map((url) => ({ url })),
    // rootNodes only find the cluster: what every node's connection needs goes in defaults.
    defaults: {
      ...credentialsOf(urls[0]!),
      // A command for a node whose connection broke fails at once instead of waiting for it.
      disableOfflineQueue: true,
      socket: {
        ...(urls[0]!.startsWith('rediss:') ? { tls: true } : {}),
        reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), CLUSTER_RECONNECT_MAX),
      },
    },
    topologyRefreshOnReconnectionAttemptStrategy: plan.topologyRefreshDelay,
  });
  return {
    client: client as RedisClientLike,
    address: `the Redis Cluster at ${urls.map(redact).join(', ')}`,
  };
}

function credentialsOf(url: string): { username?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new McpLiveError(
      'INVALID_OPTION',
      `connectRedis option cluster holds "${redact(url)}", which is not a URL; give redis://host:port`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new McpLiveError(
      'INVALID_OPTION',
      `connectRedis option cluster holds "${redact(url)}"; give redis:// or rediss:// URLs`,
    );
  }
  return {
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
