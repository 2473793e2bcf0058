import { errorText } from '../protocol/error-text.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { RedisClientLike, RedisOptions } from './redis-client.ts';
import { closeClient } from './redis-connection.ts';
import { createRedisClient } from './redis-create-client.ts';
import { RedisEventStore, type RedisEventStoreOptions } from './redis-event-store.ts';
import { RedisMessageBus } from './redis-message-bus.ts';
import { RedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.ts';

/** Options of `connectRedis`: where Redis is, and the options of the stores it makes. */
export interface ConnectRedisOptions
  extends Omit<RedisSessionStoreOptions, 'client'>,
    Omit<RedisEventStoreOptions, keyof RedisOptions> {
  /**
   * One Redis: `redis[s]://[[user][:password]@]host[:port][/db]`. Not together with `cluster`.
   * @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' (when `cluster` is not given)
   */
  url?: string;
  /**
   * A Redis Cluster: the URLs of some of its nodes (`redis[s]://[[user][:password]@]host:port`; give
   * several, so that one being down does not matter), from which the client learns every node and
   * slot. The user, password and TLS (`rediss:`) of the first URL apply to every node.
   * @default none: one Redis at `url`
   */
  cluster?: readonly string[];
  /** ms to wait for the first connection before failing with `STORE_UNAVAILABLE`. @default 10_000 */
  connectTimeout?: number;
  /**
   * With `cluster`: ms after a node's connection broke before the client reads the cluster's slot map
   * again (to find the replica promoted in its place), and again every so long while it stays broken.
   * @default 1_000
   */
  topologyRefreshDelay?: number;
}

/** What `connectRedis` made: give the stores and the bus to `McpServer` and the transports. */
export interface RedisStores {
  /** The client the stores share: a `createClient()` one, or a `createCluster()` one with `cluster`. */
  client: RedisClientLike;
  sessionStore: RedisSessionStore;
  eventStore: RedisEventStore;
  messageBus: RedisMessageBus;
  /** Closes the stores, the bus and their connections. */
  close(): Promise<void>;
}

/**
 * Connects to Redis, one server or a Redis Cluster, with the `redis` package (an optional peer
 * dependency: `npm install redis`) and makes the three stores over that connection (the bus opens a
 * second one to listen).
 *
 * @example
 * const redis = await connectRedis({ url: process.env.REDIS_URL });
 * // or: await connectRedis({ cluster: ['redis://10.0.0.1:6379', 'redis://10.0.0.2:6379', 'redis://10.0.0.3:6379'] });
 * const server = new McpServer(info, { sessionStore: redis.sessionStore, messageBus: redis.messageBus });
 * const http = new StreamableHTTPServer(server, { eventStore: redis.eventStore });
 */
export async function connectRedis(options: ConnectRedisOptions = {}): Promise<RedisStores> {
  const { url, cluster, connectTimeout = 10_000, topologyRefreshDelay = 1_000, ...rest } = options;
  const { client, address } = await createRedisClient({ url, cluster, topologyRefreshDelay });
  const made = { ...rest, client };
  const sessionStore = new RedisSessionStore(made);
  const eventStore = new RedisEventStore(made);
  const messageBus = new RedisMessageBus(made);
  const close = async () => {
    await sessionStore.close();
    eventStore.close();
    await messageBus.close();
    await closeClient(client);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          const why = lastError === undefined ? '' : ` (last error: ${errorText(lastError)})`;
          reject(new Error(`no connection within ${connectTimeout} ms${why}`));
        }, connectTimeout);
      }),
    ]);
  } catch (cause) {
    await close();
    throw new McpLiveError(
      'STORE_UNAVAILABLE',
      `connectRedis could not reach ${address}: ${errorText(cause)}`,
      {
        cause,
      },
    );
  } finally {
    clearTimeout(timer);
  }
  return { client, sessionStore, eventStore, messageBus, close };
}
