import { errorText } from '../protocol/error-text.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { BackgroundErrors } from './background-errors.ts';
import { commandKey, connectionOf, isConnectionFailure, type RedisConnection } from './redis-connection.ts';

/** A listener of a Redis client's connection events. */
export type RedisEventListener = (...args: unknown[]) => void;

/**
 * The part of a node-redis client (`createClient()` from `redis`, version 5 or later) that mcp-live
 * uses. Give it a connected client; mcp-live never closes a client it did not open.
 */
export interface RedisStandaloneLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
  sSubscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  sUnsubscribe(channel: string): Promise<void>;
  duplicate(): RedisStandaloneLike;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  on(event: 'ready' | 'error' | 'end' | 'reconnecting', listener: RedisEventListener): unknown;
  off(event: 'ready' | 'error' | 'end' | 'reconnecting', listener: RedisEventListener): unknown;
}

/**
 * The part of a node-redis cluster client (`createCluster()` from `redis`, version 5 or later) that
 * mcp-live uses: commands are routed by their key (`sendCommand(firstKey, isReadonly, args)`), and the
 * slot map tells whether the node serving a key is connected. Give it a connected cluster.
 */
export interface RedisClusterLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  /** The primary serving each of the 16384 slots, with its connection once opened. */
  readonly slots: ReadonlyArray<
    | {
        readonly master: {
          readonly address: string;
          readonly client?: { readonly isReady: boolean } | undefined;
          readonly connectPromise?: unknown;
        };
      }
    | undefined
  >;
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  sSubscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  sUnsubscribe(channel: string): Promise<void>;
  duplicate(overrides?: { minimizeConnections?: boolean }): RedisClusterLike;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  on(event: string, listener: RedisEventListener): unknown;
  off(event: string, listener: RedisEventListener): unknown;
}

/** A node-redis client (`createClient()`) or cluster client (`createCluster()`); every Redis store takes either. */
export type RedisClientLike = RedisStandaloneLike | RedisClusterLike;

/** Options every Redis store and bus takes. */
export interface RedisOptions {
  /** A connected node-redis client (`createClient()`) or Redis Cluster client (`createCluster()`). */
  client: RedisClientLike;
  /** Start of every key and channel name; must not contain `{` or `}`. @default 'mcp-live' */
  prefix?: string;
  /** ms a command may take before it fails with `STORE_UNAVAILABLE`. @default 5_000 */
  commandTimeout?: number;
  /**
   * Told once when Redis becomes unreachable (and each time after it came back), and of messages the
   * store cannot read. Without it, the `error` listeners of every `McpServer` (and HTTP transport) using
   * the store are told; with none of those either, `console.error`.
   * @default report to the servers using the store
   */
  onError?: (error: McpLiveError) => void;
  /** Told when this store or bus works with Redis again after an outage. @default () => {} */
  onRecovered?: () => void;
}

/**
 * One client as a store uses it: commands fail at once with a clear `STORE_UNAVAILABLE` error while the
 * client (or, in a cluster, the node serving the command's key) is reconnecting, instead of waiting in
 * its offline queue; an outage is reported once, and `onReady` hears every (re)connection.
 */
export class RedisLink {
  readonly client: RedisClientLike;
  readonly connection: RedisConnection;
  readonly #owner: string;
  readonly #timeout: number;
  readonly #errors: BackgroundErrors;
  readonly #onRecovered: () => void;
  readonly #readyListeners = new Set<() => void>();
  readonly #outages = new WeakSet<McpLiveError>();
  readonly #stop: Array<() => void>;
  #down = false;

  constructor(owner: string, options: RedisOptions, errors = new BackgroundErrors(options.onError)) {
    this.client = options.client;
    this.connection = connectionOf(options.client);
    this.#owner = owner;
    this.#timeout = options.commandTimeout ?? 5_000;
    this.#errors = errors;
    this.#onRecovered = options.onRecovered ?? (() => {});
    this.#stop = [
      this.connection.onReady(() => {
        for (const listener of [...this.#readyListeners]) listener();
      }),
      this.connection.onError((error) => {
        this.markDown(error);
      }),
    ];
  }

  /** Whether commands can be sent now (for a cluster: whether its map is known). */
  get ready(): boolean {
    return this.connection.ready;
  }

  /** Whether a command on `key` can be sent now (for a cluster: whether the node serving it is up). */
  readyFor(key: string | undefined): boolean {
    return this.connection.readyFor(key);
  }

  /** Whether an outage was seen and not yet followed by `recovered()`. */
  get down(): boolean {
    return this.#down;
  }

  /** Whether `error` (from this link) says Redis was unreachable, as opposed to refusing the command. */
  isOutage(error: unknown): boolean {
    return error instanceof McpLiveError && this.#outages.has(error);
  }

  /** Resolves when Redis answers a `PING` now (a readiness probe); rejects like `command`. */
  async ping(): Promise<void> {
    await this.command(['PING']);
  }

  /** Runs one command; rejects with `STORE_UNAVAILABLE` when Redis is unreachable, slow or refuses it. */
  command<T = unknown>(args: string[]): Promise<T> {
    return this.call(args[0]!, () => this.connection.send(args) as Promise<T>, commandKey(args));
  }

  /** Runs one client call the way `command` runs a command; `key` is the key or channel it is about. */
  async call<T>(name: string, run: () => Promise<T>, key?: string): Promise<T> {
    if (!this.connection.readyFor(key)) throw this.markDown(undefined, name, key);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.#error(`Redis did not answer ${name} within ${this.#timeout} ms`)),
        this.#timeout,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      if (error instanceof McpLiveError) throw error;
      if (!this.connection.readyFor(key) || isConnectionFailure(error)) throw this.markDown(error, name, key);
      throw this.#error(`Redis refused ${name}: ${errorText(error)}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports a problem that is not an outage (such as a malformed message) where `onError` says. */
  report(error: McpLiveError): void {
    this.#errors.report(error);
  }

  /** Records an outage, reports it once, and returns the error that explains it. */
  markDown(cause?: unknown, command?: string, key?: string): McpLiveError {
    const error = this.#error(
      `${this.connection.where(key)} is unreachable${cause === undefined ? '' : ` (${errorText(cause)})`}${command === undefined ? '' : `, so ${command} could not run`}; the client reconnects by itself`,
      cause,
    );
    this.#outages.add(error);
    if (!this.#down) {
      this.#down = true;
      this.#errors.report(error);
    }
    return error;
  }

  /** Ends an outage: the owner works with Redis again. */
  recovered(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#onRecovered();
  }

  /** Calls `listener` on every (re)connection of the client; returns a function that stops. */
  onReady(listener: () => void): () => void {
    this.#readyListeners.add(listener);
    return () => this.#readyListeners.delete(listener);
  }

  /** Stops listening to the client. */
  detach(): void {
    this.#readyListeners.clear();
    for (const stop of this.#stop.splice(0)) stop();
  }

  #error(text: string, cause?: unknown): McpLiveError {
    return new McpLiveError('STORE_UNAVAILABLE', `${this.#owner}: ${text}`, { cause });
  }
}

/** Key and channel names, all under one prefix. Braces mark the part Redis Cluster hashes to a slot. */
export function redisNames(prefix = 'mcp-live') {
  if (/[{}]/.test(prefix)) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `Redis store option prefix must not contain "{" or "}", which Redis Cluster reads as a hash tag (got ${JSON.stringify(prefix)})`,
    );
  }
  return {
    session: (id: string) => `${prefix}:session:{${id}}`,
    alive: (instance: string) => `${prefix}:instance:{${instance}}:alive`,
    owned: (instance: string) => `${prefix}:instance:{${instance}}:sessions`,
    instances: `${prefix}:instances`,
    events: (stream: string) => `${prefix}:events:{${stream}}`,
    inbox: (instance: string) => `${prefix}:bus:{${instance}}`,
    broadcast: `${prefix}:bus:{broadcast}`,
  };
}

/** Reads a Redis map reply (RESP2 flat array, RESP3 object or Map) as a plain record. */
export function toRecord(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) out[String(k)] = String(v);
  } else if (typeof reply === 'object' && reply !== null) {
    for (const [k, v] of Object.entries(reply)) out[k] = String(v);
  }
  return out;
}
