import { errorText } from '../protocol/error-text.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { RedisClientLike, RedisOptions } from './redis-client.ts';
import { RedisEventStore, type RedisEventStoreOptions } from './redis-event-store.ts';
import { RedisMessageBus } from './redis-message-bus.ts';
import { RedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.ts';

/** Options of `connectRedis`: where Redis is, and the options of the stores it makes. */
export interface ConnectRedisOptions
  extends Omit<RedisSessionStoreOptions, 'client'>,
    Omit<RedisEventStoreOptions, keyof RedisOptions> {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. @default process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  url?: string;
  /** ms to wait for the first connection before failing with `STORE_UNAVAILABLE`. @default 10_000 */
  connectTimeout?: number;
}

/** What `connectRedis` made: give the stores and the bus to `McpServer` and the transports. */
export interface RedisStores {
  client: RedisClientLike;
  sessionStore: RedisSessionStore;
  eventStore: RedisEventStore;
  messageBus: RedisMessageBus;
  /** Closes the stores, the bus and both connections. */
  close(): Promise<void>;
}

/**
 * Connects to Redis with the `redis` package (an optional peer dependency: `npm install redis`) and
 * makes the three stores over that connection (the bus opens a second one to listen).
 *
 * @example
 * const redis = await connectRedis({ url: process.env.REDIS_URL });
 * const server = new McpServer(info, { sessionStore: redis.sessionStore, messageBus: redis.messageBus });
 * const http = new StreamableHTTPServer(server, { eventStore: redis.eventStore });
 */
export async function connectRedis(options: ConnectRedisOptions = {}): Promise<RedisStores> {
  const { url, connectTimeout = 10_000, ...rest } = options;
  let createClient: typeof import('redis').createClient;
  try {
    ({ createClient } = await import('redis'));
  } catch (cause) {
    throw new McpLiveError(
      'MISSING_DEPENDENCY',
      'connectRedis needs the "redis" package, an optional peer dependency: npm install redis',
      { cause },
    );
  }
  const address = url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = createClient({ url: address }) as unknown as RedisClientLike;
  const made = { ...rest, client };
  const sessionStore = new RedisSessionStore(made);
  const eventStore = new RedisEventStore(made);
  const messageBus = new RedisMessageBus(made);
  const close = async () => {
    await sessionStore.close();
    eventStore.close();
    await messageBus.close();
    if (client.isReady) await client.close().catch(() => client.destroy());
    else if (client.isOpen) client.destroy();
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
      `connectRedis could not reach ${redact(address)}: ${errorText(cause)}`,
      {
        cause,
      },
    );
  } finally {
    clearTimeout(timer);
  }
  return { client, sessionStore, eventStore, messageBus, close };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
