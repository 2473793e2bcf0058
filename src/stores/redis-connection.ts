import { errorText } from '../protocol/error-text.ts';
import type { RedisClientLike, RedisClusterLike, RedisStandaloneLike } from './redis-client.ts';
import { keySlot } from './redis-key-slot.ts';

/**
 * One node-redis client or cluster as the stores use it, the same for both: commands routed by their
 * key, readiness per key (in a cluster, the node that serves the key's slot), and the client's
 * (re)connections and failures as events.
 */
export interface RedisConnection {
  /** Whether the connection knows where to send commands (connected, or a cluster's map read). */
  readonly ready: boolean;
  /** Whether a command on `key` can be sent now: in a cluster, whether the node serving its slot is up. */
  readyFor(key: string | undefined): boolean;
  /** Where `key` lives, for messages: `Redis`, or the cluster node and slot. */
  where(key: string | undefined): string;
  /** Runs one command, routed by its key (the first key of an `EVAL`). */
  send(args: string[]): Promise<unknown>;
  sSubscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  sUnsubscribe(channel: string): Promise<void>;
  /** Calls `listener` on the first connection and on each one after a failure; returns a function that stops. */
  onReady(listener: () => void): () => void;
  /** Calls `listener` with each connection failure; returns a function that stops. */
  onError(listener: (error: unknown) => void): () => void;
}

/** The key a command is routed by: its first key (an `EVAL`'s first declared key), if any. */
export function commandKey(args: readonly string[]): string | undefined {
  const name = args[0]?.toUpperCase();
  if (name === 'EVAL' || name === 'EVALSHA' || name === 'FCALL') {
    return Number(args[2]) > 0 ? args[3] : undefined;
  }
  return args[1];
}

/** Whether `client` is a node-redis cluster (`createCluster()`), not a single connection. */
export function isRedisCluster(client: RedisClientLike): client is RedisClusterLike {
  return 'slots' in client && Array.isArray((client as RedisClusterLike).slots);
}

export function connectionOf(client: RedisClientLike): RedisConnection {
  return isRedisCluster(client) ? clusterConnection(client) : standaloneConnection(client);
}

/** Another connection like `client` (a cluster's opens only the connections it subscribes on). */
export function duplicateClient(client: RedisClientLike): RedisClientLike {
  return isRedisCluster(client) ? client.duplicate({ minimizeConnections: true }) : client.duplicate();
}

/** Closes a client mcp-live opened: gracefully when connected (at most `timeout` ms), else at once. */
export async function closeClient(client: RedisClientLike, timeout = 2_000): Promise<void> {
  if (!client.isReady) {
    if (client.isOpen) client.destroy();
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeout);
  });
  const closed = await Promise.race([client.close().catch(() => 'late' as const), late]);
  clearTimeout(timer);
  if (closed === 'late' && client.isOpen) client.destroy();
}

function standaloneConnection(client: RedisStandaloneLike): RedisConnection {
  return {
    get ready() {
      return client.isReady;
    },
    readyFor: () => client.isReady,
    where: () => 'Redis',
    send: (args) => client.sendCommand(args),
    sSubscribe: (channel, listener) => client.sSubscribe(channel, listener),
    sUnsubscribe: (channel) => client.sUnsubscribe(channel),
    onReady(listener) {
      client.on('ready', listener);
      return () => client.off('ready', listener);
    },
    onError(listener) {
      client.on('error', listener);
      return () => client.off('error', listener);
    },
  };
}

function clusterConnection(cluster: RedisClusterLike): RedisConnection {
  const masterOf = (key: string) => cluster.slots[keySlot(key)]?.master;
  return {
    get ready() {
      return cluster.isReady;
    },
    readyFor(key) {
      if (!cluster.isReady) return false;
      if (key === undefined) return true;
      const node = masterOf(key)?.client;
      // No connection yet: the cluster client opens one on first use.
      return node === undefined || node.isReady || masterOf(key)?.connectPromise !== undefined;
    },
    where(key) {
      if (key === undefined) return 'the Redis Cluster';
      const master = masterOf(key);
      const at = master === undefined ? '' : ` (${master.address})`;
      return `the Redis Cluster node that serves slot ${keySlot(key)}${at}`;
    },
    send: (args) => cluster.sendCommand(commandKey(args), false, args),
    sSubscribe: (channel, listener) => cluster.sSubscribe(channel, listener),
    sUnsubscribe: (channel) => cluster.sUnsubscribe(channel),
    onReady(listener) {
      // 'connect' once the cluster's map is read; 'node-ready' before that is part of the first connection.
      const onNode = () => {
        if (cluster.isReady) listener();
      };
      cluster.on('connect', listener);
      cluster.on('node-ready', onNode);
      return () => {
        cluster.off('connect', listener);
        cluster.off('node-ready', onNode);
      };
    },
    onError(listener) {
      const onNode = (error: unknown, node: unknown) => {
        const { host, port } = (node ?? {}) as { host?: string; port?: number };
        listener(new Error(`Redis Cluster node ${host}:${port}: ${errorText(error)}`, { cause: error }));
      };
      cluster.on('error', listener);
      cluster.on('node-error', onNode);
      return () => {
        cluster.off('error', listener);
        cluster.off('node-error', onNode);
      };
    },
  };
}

const CONNECTION_ERRORS = new Set([
  'ClientClosedError',
  'ClientOfflineError',
  'ConnectionTimeoutError',
  'DisconnectsClientError',
  'SocketClosedUnexpectedlyError',
  'SocketTimeoutError',
  'RootNodesUnavailableError',
]);

/**
 * Whether a failed command failed because Redis (or the cluster node serving its key) is away or
 * changing hands, not because of the command: a lost connection, or a reply such as `CLUSTERDOWN`,
 * `TRYAGAIN`, `LOADING` (a restarted Redis reading its files), `MASTERDOWN` or `READONLY` (a failover).
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (CONNECTION_ERRORS.has(error.constructor.name)) return true;
  return /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY)\b/.test(error.message);
}
