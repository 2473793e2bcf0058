import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { isMcpLiveError, McpLiveError } from '../protocol/mcp-live-error.ts';
import type {
  BusHandler,
  BusMessage,
  MessageBus,
  RelayPayload,
  SessionSelector,
} from '../server/message-bus.ts';
import { BackgroundErrors } from './background-errors.ts';
import { type RedisClientLike, RedisLink, type RedisOptions, redisNames, toRecord } from './redis-client.ts';
import { closeClient, duplicateClient } from './redis-connection.ts';

/** Options of a `RedisMessageBus`. */
export interface RedisMessageBusOptions extends RedisOptions {
  /** The connection that listens. @default client.duplicate(), opened and closed by the bus */
  subscriber?: RedisClientLike;
}

type Wire =
  | { t: 's'; s: string; m: JSONRPCMessage }
  | { t: 'b'; o: string; m: JSONRPCMessage; f?: SessionSelector }
  | { t: 'r'; p: RelayPayload };

/**
 * A `MessageBus` over Redis sharded pub/sub (Redis 7 or later): each instance listens on its own
 * channel, `{prefix}:bus:{<instanceId>}`, and every instance on `{prefix}:bus:{broadcast}`. In a
 * Redis Cluster each channel lives on the shard of its slot, so instance channels spread over the
 * shards. Subscriptions made while Redis is away are made when it returns.
 *
 * @example
 * const bus = new RedisMessageBus({ client });
 * const server = new McpServer(info, { messageBus: bus, sessionStore: new RedisSessionStore({ client }) });
 */
export class RedisMessageBus implements MessageBus {
  readonly #link: RedisLink;
  readonly #sub: RedisLink;
  readonly #errors: BackgroundErrors;
  readonly #ownsSubscriber: boolean;
  readonly #names: ReturnType<typeof redisNames>;
  readonly #timeout: number;
  readonly #handlers = new Map<string, Set<BusHandler>>();
  readonly #active = new Set<string>();
  #opened = false;
  #closed = false;
  readonly #onMessage = (text: string, channel: string) => this.#receive(text, channel);

  constructor(options: RedisMessageBusOptions) {
    const { onRecovered, ...rest } = options;
    this.#names = redisNames(options.prefix);
    this.#errors = new BackgroundErrors(options.onError);
    this.#link = new RedisLink('RedisMessageBus', rest, this.#errors);
    this.#ownsSubscriber = options.subscriber === undefined;
    const subscriber = options.subscriber ?? duplicateClient(options.client);
    this.#sub = new RedisLink(
      'RedisMessageBus (subscriber)',
      { ...options, client: subscriber },
      this.#errors,
    );
    this.#timeout = options.commandTimeout ?? 5_000;
    this.#link.onReady(() => this.#link.recovered());
    this.#sub.onReady(() => {
      this.#sync().then(
        () => this.#sub.recovered(),
        () => {},
      );
    });
  }

  async publishToSession(owner: string, sessionId: string, message: JSONRPCMessage): Promise<void> {
    const wire: Wire = { t: 's', s: sessionId, m: message };
    const receivers = await this.#link.command<number>([
      'SPUBLISH',
      this.#names.inbox(owner),
      JSON.stringify(wire),
    ]);
    if (receivers === 0) {
      throw new McpLiveError(
        'SESSION_NOT_FOUND',
        `Session "${sessionId}" is held by instance "${owner}", which does not listen on the bus now (it stopped, or lost its Redis connection)`,
      );
    }
  }

  async broadcast(origin: string, message: JSONRPCMessage, selector?: SessionSelector): Promise<void> {
    const wire: Wire =
      selector === undefined
        ? { t: 'b', o: origin, m: message }
        : { t: 'b', o: origin, m: message, f: selector };
    await this.#link.command(['SPUBLISH', this.#names.broadcast, JSON.stringify(wire)]);
  }

  async relay(instanceId: string, payload: RelayPayload): Promise<void> {
    const wire: Wire = { t: 'r', p: payload };
    const receivers = await this.#link.command<number>([
      'SPUBLISH',
      this.#names.inbox(instanceId),
      JSON.stringify(wire),
    ]);
    if (receivers === 0) {
      throw new McpLiveError(
        'INSTANCE_GONE',
        `Instance "${instanceId}" does not listen on the bus now (it stopped, or lost its Redis connection)`,
      );
    }
  }

  async subscribe(instanceId: string, handler: BusHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw new McpLiveError('CLOSED', 'This RedisMessageBus is closed; create another one');
    let handlers = this.#handlers.get(instanceId);
    if (handlers === undefined) {
      handlers = new Set();
      this.#handlers.set(instanceId, handlers);
    }
    handlers.add(handler);
    const unsubscribe = () => this.#unsubscribe(instanceId, handler);
    this.#open();
    // Redis away: the subscription is made on reconnection (onReady), and listening starts then.
    if (!(await this.#whenReady())) return unsubscribe;
    try {
      await this.#sync();
    } catch (error) {
      if (!this.#sub.ready) return unsubscribe;
      await unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /**
   * Resolves once every subscription asked for so far is active in Redis (for a readiness check before
   * taking traffic); rejects with `STORE_UNAVAILABLE` if Redis is not reachable within `commandTimeout`.
   */
  async listening(): Promise<void> {
    this.#open();
    await this.#whenReady();
    await this.#sync();
  }

  /**
   * Resolves when Redis takes messages now and, by Redis's own count, this bus listens on the channel
   * of every instance that subscribed (after an outage, once they are made again); rejects with
   * `STORE_UNAVAILABLE` saying which connection or channel is missing, `CLOSED` after `close()`.
   */
  async ready(): Promise<void> {
    if (this.#closed) throw new McpLiveError('CLOSED', 'This RedisMessageBus is closed; create another one');
    await this.#link.ping();
    if (this.#handlers.size > 0 && !this.#sub.ready) {
      throw new McpLiveError(
        'STORE_UNAVAILABLE',
        'RedisMessageBus: its listening connection to Redis is down; it reconnects by itself',
      );
    }
    for (const instanceId of this.#handlers.keys()) {
      const channel = this.#names.inbox(instanceId);
      const reply = await this.#link.command(['PUBSUB', 'SHARDNUMSUB', channel]);
      if (Number(toRecord(reply)[channel] ?? 0) === 0) {
        throw new McpLiveError(
          'STORE_UNAVAILABLE',
          `RedisMessageBus: instance "${instanceId}" does not listen on ${channel} yet (subscriptions are made again once Redis is back)`,
        );
      }
    }
  }

  /**
   * Calls `listener` with failures outside any call (an outage, told once); `McpServer` attaches here.
   * Returns a function that stops. Listeners are not told when the `onError` option is set.
   */
  onError(listener: (error: Error) => void): () => void {
    return this.#errors.listen(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const channels = [...this.#active];
    this.#handlers.clear();
    this.#active.clear();
    const sub = this.#sub;
    this.#link.detach();
    sub.detach();
    if (this.#ownsSubscriber) return closeClient(sub.client);
    if (sub.ready) await Promise.all(channels.map((c) => sub.connection.sUnsubscribe(c).catch(() => {})));
  }

  #open(): void {
    if (!this.#ownsSubscriber || this.#opened) return;
    this.#opened = true;
    // connect() settles only once connected; outages are reported by the link's error listener.
    this.#sub.client.connect().catch(() => {});
  }

  #whenReady(): Promise<boolean> {
    if (this.#sub.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(false);
      }, this.#timeout);
      timer.unref?.();
      const stop = this.#sub.onReady(() => {
        clearTimeout(timer);
        stop();
        resolve(true);
      });
    });
  }

  #wanted(): Set<string> {
    const channels = new Set<string>();
    for (const instanceId of this.#handlers.keys()) channels.add(this.#names.inbox(instanceId));
    if (channels.size > 0) channels.add(this.#names.broadcast);
    return channels;
  }

  async #sync(): Promise<void> {
    const sub = this.#sub;
    for (const channel of this.#wanted()) {
      if (this.#active.has(channel)) continue;
      await sub.call('SSUBSCRIBE', () => sub.connection.sSubscribe(channel, this.#onMessage), channel);
      this.#active.add(channel);
    }
  }

  async #unsubscribe(instanceId: string, handler: BusHandler): Promise<void> {
    const handlers = this.#handlers.get(instanceId);
    if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return;
    this.#handlers.delete(instanceId);
    const wanted = this.#wanted();
    const sub = this.#sub;
    for (const channel of [...this.#active]) {
      if (wanted.has(channel)) continue;
      this.#active.delete(channel);
      const done = sub.connection.sUnsubscribe(channel).catch(() => {});
      if (sub.ready) await done;
    }
  }

  #receive(text: string, channel: string): void {
    const message = parse(text);
    if (message === undefined) {
      const why = `RedisMessageBus dropped a message on channel ${channel} that is not a bus message; is another program publishing under this prefix?`;
      this.#errors.report(new McpLiveError('UNEXPECTED_MESSAGE', why));
      return;
    }
    const targets =
      message.type === 'broadcast'
        ? [...this.#handlers].filter(([instanceId]) => instanceId !== message.origin)
        : [...this.#handlers].filter(([instanceId]) => this.#names.inbox(instanceId) === channel);
    for (const [, handlers] of targets) {
      for (const handler of [...handlers]) {
        try {
          handler(message);
        } catch (error) {
          const why = `RedisMessageBus: a handler failed on a message of channel ${channel}`;
          this.#errors.report(
            isMcpLiveError(error) ? error : new McpLiveError('TRANSPORT', why, { cause: error }),
          );
        }
      }
    }
  }
}

function parse(text: string): BusMessage | undefined {
  let wire: Partial<Record<'t' | 's' | 'o', unknown>> & { m?: unknown; f?: unknown; p?: unknown };
  try {
    wire = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof wire !== 'object' || wire === null) return undefined;
  if (wire.t === 'r') {
    return typeof wire.p === 'object' && wire.p !== null && !Array.isArray(wire.p)
      ? { type: 'relay', payload: wire.p as RelayPayload }
      : undefined;
  }
  if (typeof wire.m !== 'object' || wire.m === null) return undefined;
  const message = wire.m as JSONRPCMessage;
  if (wire.t === 's' && typeof wire.s === 'string') return { type: 'session', sessionId: wire.s, message };
  if (wire.t !== 'b' || typeof wire.o !== 'string') return undefined;
  const selector = typeof wire.f === 'object' && wire.f !== null ? (wire.f as SessionSelector) : undefined;
  return selector === undefined
    ? { type: 'broadcast', origin: wire.o, message }
    : { type: 'broadcast', origin: wire.o, message, selector };
}
