import { errorText } from '../protocol/error-text.ts';
import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest } from '../protocol/jsonrpc.ts';
import type { Implementation, ServerCapabilities } from '../protocol/lifecycle.ts';
import type { LoggingLevel } from '../protocol/logging.ts';
import { isMcpLiveError, McpLiveError } from '../protocol/mcp-live-error.ts';
import { randomId } from '../protocol/random-id.ts';
import type { SchemaInput } from '../schema/index.ts';
import { MemoryMessageBus } from '../stores/memory-message-bus.ts';
import { MemorySessionStore } from '../stores/memory-session-store.ts';
import { type CacheOptions, resolveCacheOptions } from './cache-hints.ts';
import { Catalog, type CatalogKind } from './catalog.ts';
import { Dispatcher } from './dispatcher.ts';
import { EVENTS_EXTENSION } from './events-extension.ts';
import { Hooks, type ServerEvents } from './hooks.ts';
import { INSTRUMENTATION, InstrumentationSlot } from './instrumentation.ts';
import {
  type BusMessage,
  type MessageBus,
  matchesSelector,
  type RelayPayload,
  type SessionSelector,
} from './message-bus.ts';
import {
  definePrompt,
  type PromptArgumentConfig,
  type PromptConfig,
  type PromptHandler,
} from './prompt-definition.ts';
import { type RequestStateOptions, RequestStateSealer } from './request-state.ts';
import { scopeNeed } from './required-scopes.ts';
import {
  defineResource,
  defineTemplate,
  type ResourceConfig,
  type ResourceHandler,
  type ResourceTemplateConfig,
  type ResourceTemplateHandler,
} from './resource-definition.ts';
import type { SendOptions, Session, SessionView } from './session.ts';
import { SessionRegistry } from './session-registry.ts';
import type { SessionStore } from './session-store.ts';
import { reportStoreErrors } from './store-errors.ts';
import { checkMaxSubscriptions, LISTEN_PREFIX, SubscriptionHub, streamOwner } from './subscription-hub.ts';
import { defineTool, type ToolConfig, type ToolHandler } from './tool-definition.ts';
import type { ToolMiddleware } from './tool-methods.ts';
import { TRANSPORT_HOST, type TransportHost } from './transport-host.ts';
import type { NotificationParams } from './typed-maps.ts';

/** Options of an `McpServer`. */
export interface McpServerOptions {
  /** Declared capabilities, merged over the ones implied by what is registered. */
  capabilities?: ServerCapabilities;
  /** Told to clients on `initialize`: how to use this server. */
  instructions?: string;
  /** Items per page of every list method. @default 100 */
  pageSize?: number;
  /** Where sessions are recorded. @default new MemorySessionStore() */
  sessionStore?: SessionStore;
  /** Makes session ids; they must be unguessable. @default a random UUID (v4), as `crypto.randomUUID` makes */
  sessionIdGenerator?: () => string;
  /**
   * Closes a session whose client sent nothing for this many ms (requests, notifications and answers
   * count, an answer to a keep-alive ping among them; keep-alive comments do not) while none of its
   * requests is in flight: one idle policy for every wire. 0 never does. @default 1_800_000
   */
  sessionIdleTimeout?: number;
  /** Log threshold of sessions that never sent `logging/setLevel`. @default 'info' */
  logLevel?: LoggingLevel;
  /** Carries `notify` and `broadcast` to the other instances of a deployment. @default new MemoryMessageBus() */
  messageBus?: MessageBus;
  /** This instance's name on the bus and in session records; unique per process. @default a random UUID (v4) */
  instanceId?: string;
  /** Caching hints (`ttlMs`, `cacheScope`) on results to stateless (2026-07-28) requests. @default see `CacheOptions` */
  cache?: CacheOptions;
  /**
   * How stateless requests' `requestState` is sealed between input rounds: the keys (the first seals,
   * all open; give every instance of a deployment the same ones) and how long a state stays valid.
   * @default one random key per process, states valid for 10 minutes
   */
  requestState?: RequestStateOptions;
  /** Open `subscriptions/listen` streams this instance holds at most; one more gets an error. @default 10_000 */
  maxSubscriptions?: number;
}

/** Options for registering a definition. */
export interface RegisterOptions {
  /** Replace a definition of the same name instead of throwing `DUPLICATE_NAME`. @default false */
  replace?: boolean;
}

/** A registered definition; `remove()` takes it away and tells clients. */
export interface Registered {
  remove(): boolean;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * An MCP server: the tools, resources and prompts it serves, shared by every session, and the
 * sessions its transports open.
 *
 * @example
 * const server = new McpServer({ name: 'demo', version: '1.0.0' });
 * server.tool('add', { input: { a: s.number().required(), b: s.number().required() } }, ({ a, b }) => `${a + b}`);
 */
export class McpServer {
  readonly info: Implementation;
  readonly defaultLogLevel: LoggingLevel;
  readonly sessionStore: SessionStore;
  readonly messageBus: MessageBus;
  readonly instanceId: string;
  /** Where `instrument()` from `mcp-live/otel` attaches; empty, it costs each hook point a null check. */
  readonly [INSTRUMENTATION] = new InstrumentationSlot();
  readonly #hooks = new Hooks();
  readonly #catalog: Catalog;
  readonly #dispatcher: Dispatcher;
  readonly #middleware: ToolMiddleware[] = [];
  readonly #sessions: SessionRegistry;
  readonly #options: McpServerOptions;
  #pendingChanges = new Set<CatalogKind>();
  readonly #relayListeners = new Set<(payload: RelayPayload) => void>();
  readonly #subscriptions: SubscriptionHub;
  #host: TransportHost | undefined;
  /** `capabilities` as of the catalog's shape `key`, frozen: read on every stateless request. */
  #capabilitiesSeen: { key: number; value: ServerCapabilities } | undefined;
  #unsubscribe: Promise<(() => Promise<void>) | undefined>;
  readonly #stopWatching: (() => void) | undefined;
  readonly #stopStoreErrors: Array<() => void>;

  constructor(info: Implementation, options: McpServerOptions = {}) {
    this.info = info;
    this.#options = options;
    this.defaultLogLevel = options.logLevel ?? 'info';
    this.sessionStore = options.sessionStore ?? new MemorySessionStore();
    this.messageBus = options.messageBus ?? new MemoryMessageBus();
    this.instanceId = options.instanceId ?? randomId();
    this.#sessions = new SessionRegistry({
      store: this.sessionStore,
      instanceId: this.instanceId,
      hooks: this.#hooks,
      newId: options.sessionIdGenerator ?? randomId,
      idleTimeout: idleTimeoutOf(options.sessionIdleTimeout),
      capabilities: () => this.capabilities,
      report: (error, session) => this.reportError(error, session),
    });
    this.#unsubscribe = this.messageBus
      .subscribe(this.instanceId, (message) => this.#fromBus(message))
      .catch((error: unknown) => void this.reportError(error));
    this.#stopWatching = this.sessionStore.onOwnershipLost?.((id) => this.#sessions.release(id));
    this.#stopStoreErrors = [
      reportStoreErrors(this, this.sessionStore),
      reportStoreErrors(this, this.messageBus),
    ];
    this.#catalog = new Catalog((kind) => this.#changed(kind));
    this.#subscriptions = new SubscriptionHub({
      maxSubscriptions: checkMaxSubscriptions(options.maxSubscriptions ?? 10_000),
      instanceId: this.instanceId,
      opened: (stream) => this.#hooks.emit('listenOpened', stream),
      closed: (stream) => this.#hooks.emit('listenClosed', stream),
    });
    this.#dispatcher = new Dispatcher({
      server: this,
      catalog: this.#catalog,
      hooks: this.#hooks,
      instrumentation: this[INSTRUMENTATION],
      middleware: this.#middleware,
      pageSize: options.pageSize ?? 100,
      info,
      instructions: options.instructions,
      capabilities: () => this.#currentCapabilities(),
      stateless: {
        catalog: this.#catalog,
        info,
        instructions: options.instructions,
        capabilities: () => this.#currentCapabilities(),
        cache: resolveCacheOptions(options.cache),
        sealer: new RequestStateSealer(options.requestState),
      },
      subscriptions: this.#subscriptions,
    });
  }

  /** What this server declares on `initialize`: implied by what is registered, then the explicit options. */
  get capabilities(): ServerCapabilities {
    const implied: ServerCapabilities = { logging: {} };
    const c = this.#catalog;
    if (c.tools.size > 0) implied.tools = { listChanged: true };
    if (c.resources.size > 0 || c.templates.length > 0)
      implied.resources = { subscribe: true, listChanged: true };
    if (c.prompts.size > 0) implied.prompts = { listChanged: true };
    if (c.prompts.size > 0 || c.templates.length > 0) implied.completions = {};
    // Custom notifications (`broadcast`) reach 2026-07-28 listen streams that ask for them.
    implied.extensions = { [EVENTS_EXTENSION]: {} };
    const declared = this.#options.capabilities;
    if (declared?.extensions === undefined) return { ...implied, ...declared };
    return { ...implied, ...declared, extensions: { ...implied.extensions, ...declared.extensions } };
  }

  /** `capabilities` as sent, computed again only when what is registered changes its shape; shared and frozen. */
  #currentCapabilities(): ServerCapabilities {
    const c = this.#catalog;
    const key =
      (c.tools.size > 0 ? 1 : 0) |
      (c.resources.size > 0 ? 2 : 0) |
      (c.templates.length > 0 ? 4 : 0) |
      (c.prompts.size > 0 ? 8 : 0);
    if (this.#capabilitiesSeen?.key !== key) {
      // A copy: freezing must not reach the objects of the `capabilities` option.
      const copy = JSON.parse(JSON.stringify(this.capabilities)) as ServerCapabilities;
      this.#capabilitiesSeen = { key, value: deepFreeze(copy) };
    }
    return this.#capabilitiesSeen.value;
  }

  // ── Definitions ──────────────────────────────────────────────────────────

  /** Registers a tool; its handler gets arguments validated against (and typed from) `config.input`. */
  tool<I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined>(
    name: string,
    config: ToolConfig<I, O>,
    handler: ToolHandler<I>,
    options: RegisterOptions = {},
  ): Registered {
    if (!TOOL_NAME.test(name)) {
      throw new McpLiveError(
        'INVALID_DEFINITION',
        `Tool name ${JSON.stringify(name)} is invalid: use 1–128 characters from A–Z, a–z, 0–9, "_", "-" and "."`,
      );
    }
    const entry = defineTool(
      name,
      config as ToolConfig<SchemaInput | undefined, SchemaInput | undefined>,
      handler,
    );
    this.#catalog.addTool(entry, options.replace ?? false);
    return { remove: () => this.#catalog.tools.get(name) === entry && this.#catalog.remove('tool', name) };
  }

  /** Registers a static resource at a fixed URI. */
  resource(
    uri: string,
    config: ResourceConfig,
    handler: ResourceHandler,
    options: RegisterOptions = {},
  ): Registered {
    const entry = defineResource(uri, config, handler);
    this.#catalog.addResource(entry, options.replace ?? false);
    return {
      remove: () => this.#catalog.resources.get(uri) === entry && this.#catalog.remove('resource', uri),
    };
  }

  /** Registers an RFC 6570 resource template; its handler gets the variables the URI matched. */
  resourceTemplate(
    uriTemplate: string,
    config: ResourceTemplateConfig,
    handler: ResourceTemplateHandler,
    options: RegisterOptions = {},
  ): Registered {
    const entry = defineTemplate(uriTemplate, config, handler, this.#catalog.nextOrder());
    this.#catalog.addTemplate(entry, options.replace ?? false);
    return {
      remove: () => this.#catalog.templates.includes(entry) && this.#catalog.remove('template', uriTemplate),
    };
  }

  /** Registers a prompt; its handler gets the arguments, required ones checked. */
  prompt<A extends Record<string, PromptArgumentConfig>>(
    name: string,
    config: PromptConfig<A>,
    handler: PromptHandler<NoInfer<A>>,
    options: RegisterOptions = {},
  ): Registered {
    const entry = definePrompt(name, config, handler as unknown as Parameters<typeof definePrompt>[2]);
    this.#catalog.addPrompt(entry, options.replace ?? false);
    return {
      remove: () => this.#catalog.prompts.get(name) === entry && this.#catalog.remove('prompt', name),
    };
  }

  removeTool(name: string): boolean {
    return this.#catalog.remove('tool', name);
  }

  removeResource(uri: string): boolean {
    return this.#catalog.remove('resource', uri);
  }

  removeResourceTemplate(uriTemplate: string): boolean {
    return this.#catalog.remove('template', uriTemplate);
  }

  removePrompt(name: string): boolean {
    return this.#catalog.remove('prompt', name);
  }

  /** Adds a middleware around every tool call; the first added runs outermost. */
  use(middleware: ToolMiddleware): this {
    this.#middleware.push(middleware);
    return this;
  }

  /** Listens to a server event; returns a function that stops listening. */
  on<K extends keyof ServerEvents>(
    event: K,
    listener: (...args: ServerEvents[K]) => void | Promise<void>,
  ): () => void {
    return this.#hooks.on(event, listener);
  }

  // ── Talking to clients ───────────────────────────────────────────────────

  /**
   * Sends a notification to one session, or to one 2026-07-28 listen stream (its id from
   * `listenOpened`), held by this instance or, through the message bus, another. Throws
   * `SESSION_NOT_FOUND` for a session or stream no instance holds, `NOT_INITIALIZED` for a session
   * whose client has not completed `initialize` (as `broadcast` skips it), `CAPABILITY_MISSING` for a stream
   * of this instance that did not ask for `method`, `STORE_UNAVAILABLE` when the store or bus fails.
   */
  async notify<M extends string>(
    sessionId: string,
    method: M,
    params?: NotificationParams<M>,
  ): Promise<void> {
    if (sessionId.startsWith(LISTEN_PREFIX)) return this.#notifyStream(sessionId, method, params);
    const session = this.#sessions.get(sessionId);
    if (session !== undefined && !session.closed) {
      if (session.protocolVersion === undefined) throw notInitialized(sessionId, method);
      session.notify(method, params);
      return;
    }
    const record = session === undefined ? await this.#lookUp(sessionId, method) : undefined;
    if (record?.owner === undefined || record.owner === this.instanceId) {
      const why = record === undefined ? '' : ': no instance holds its stream now';
      throw new McpLiveError(
        'SESSION_NOT_FOUND',
        `No open session "${sessionId}" to send ${method} to${why}`,
      );
    }
    if (record.protocolVersion === undefined) throw notInitialized(sessionId, method);
    await this.messageBus.publishToSession(record.owner, sessionId, toNotification(method, params));
  }

  async #notifyStream(streamId: string, method: string, params?: object): Promise<void> {
    const owner = streamOwner(streamId);
    const message = toNotification(method, params);
    if (owner !== this.instanceId) return this.messageBus.publishToSession(owner, streamId, message);
    const delivery = this.#subscriptions.notifyStream(streamId, message);
    if (delivery === 'sent') return;
    throw delivery === 'missing'
      ? new McpLiveError('SESSION_NOT_FOUND', `No open listen stream "${streamId}" to send ${method} to`)
      : new McpLiveError(
          'CAPABILITY_MISSING',
          `Listen stream "${streamId}" did not ask for ${method}: a 2026-07-28 client gets a custom notification only when its subscriptions/listen names it (dev.mcp-live/events "methods")`,
        );
  }

  /**
   * Sends a notification to every initialized session that `filter` takes, on every instance; returns
   * how many sessions of this instance got it. A function filter cannot travel, so with one the
   * broadcast stays on this instance; a `SessionSelector` travels. A bus failure is reported to `error`
   * listeners, after this instance's sessions got the message.
   */
  async broadcast<M extends string>(
    method: M,
    params?: NotificationParams<M>,
    filter?: ((session: SessionView) => boolean) | SessionSelector,
  ): Promise<number> {
    const message = toNotification(method, params);
    const local = typeof filter === 'function';
    // Encoded once for every session (a message JSON refuses is left to each channel, which reports it).
    const options = encodedOnce(message);
    let count = 0;
    for (const session of this.#sessions.values()) {
      if (!matchesSelector(session, local ? undefined : filter) || (local && !filter(session))) continue;
      if (session.send(message, options)) count++;
    }
    // A function filter reads sessions; listen streams of the custom-events extension have none.
    if (!local && this.#subscriptions.size > 0) count += this.#subscriptions.custom(message, filter);
    if (!local) {
      await this.messageBus.broadcast(this.instanceId, message, filter).catch((cause: unknown) => {
        const why = `${method} reached only this instance's sessions: ${errorText(cause)}`;
        this.reportError(new McpLiveError('STORE_UNAVAILABLE', why, { cause }));
      });
    }
    return count;
  }

  /**
   * Tells every session subscribed to `uri` and every `subscriptions/listen` stream that asked for it,
   * on every instance, that it changed; returns how many here were told.
   */
  async resourceUpdated(uri: string): Promise<number> {
    const listening = this.#subscriptions.resourceUpdated(uri);
    return (
      listening + (await this.broadcast('notifications/resources/updated', { uri }, { subscribedTo: uri }))
    );
  }

  /** How many `subscriptions/listen` streams this instance holds open. */
  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  // ── Sessions ─────────────────────────────────────────────────────────────

  /** What this server's transports use of it (`transportHost(server)` from `mcp-live/transport`). */
  get [TRANSPORT_HOST](): TransportHost {
    this.#host ??= this.#makeHost();
    return this.#host;
  }

  /** The open session with this id held by this server, if any. */
  getSession(id: string): SessionView | undefined {
    return this.#sessions.get(id);
  }

  /** Every open session this server holds. */
  get sessions(): IterableIterator<SessionView> {
    return this.#sessions.values();
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Closes a session: aborts its handlers, ends its streams, forgets it and fires `sessionClosed`. */
  closeSession(sessionOrId: SessionView | string, reason = 'closed'): Promise<void> {
    // Every SessionView this server hands out is one of its sessions.
    return this.#sessions.close(sessionOrId as Session | string, reason);
  }

  /** Closes every session and stops the server's timers. */
  async close(reason = 'server shutting down'): Promise<void> {
    this.#stopWatching?.();
    if (this.#subscriptions.size > 0) {
      this.#subscriptions.endAll();
      // Their completion results leave in the next turns, before the sessions close.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await this.#sessions.closeAll(reason);
    const unsubscribe = await this.#unsubscribe;
    this.#unsubscribe = Promise.resolve(undefined);
    await unsubscribe?.().catch((error: unknown) => void this.reportError(error));
    for (const stop of this.#stopStoreErrors) stop();
  }

  /** Reports a failure to `error` listeners (or the console when there are none). */
  reportError(error: unknown, session?: SessionView, request?: JSONRPCRequest): void {
    const probe = this[INSTRUMENTATION].current;
    if (probe !== undefined && isMcpLiveError(error, 'STORE_UNAVAILABLE')) probe.storeFailed(error);
    const context: { session?: SessionView; request?: JSONRPCRequest } = {};
    if (session !== undefined) context.session = session;
    if (request !== undefined) context.request = request;
    if (this.#hooks.has('error')) this.#hooks.emit('error', error, context);
    else
      console.error(
        `mcp-live: ${request?.method ?? 'server'} failed${session ? ` in session ${session.id}` : ''}:`,
        error,
      );
  }

  async #lookUp(sessionId: string, method: string) {
    try {
      return await this.sessionStore.get(sessionId);
    } catch (error) {
      throw new McpLiveError(
        'STORE_UNAVAILABLE',
        `Cannot send ${method} to session "${sessionId}": this instance does not hold it, and the session store failed: ${errorText(error)}`,
        { cause: error },
      );
    }
  }

  #makeHost(): TransportHost {
    const sessions = this.#sessions;
    const dispatcher = this.#dispatcher;
    const subscriptions = this.#subscriptions;
    const relayListeners = this.#relayListeners;
    const catalog = this.#catalog;
    return {
      openSession: (init) => sessions.open(init),
      openEphemeralSession: (init) => sessions.openEphemeral(init),
      closeEphemeralSession: (session, reason) => sessions.closeEphemeral(session, reason),
      adoptSession: (record, init, gone) => sessions.adopt(record, init, gone),
      handleMessage: (session, message, extra) => dispatcher.handle(session, message, extra),
      handleBatch: (session, messages, extra) => dispatcher.handleBatch(session, messages, extra),
      toolHeaderParams: (name) => catalog.tools.get(name)?.headerParams ?? [],
      scopeNeed: (message) => scopeNeed(catalog, message),
      endSubscriptions(which) {
        subscriptions.endAll(
          which === undefined
            ? undefined
            : ({ session }) => which((session.connection ?? session) as Session),
        );
      },
      onRelayPayload(listener) {
        relayListeners.add(listener);
        return () => relayListeners.delete(listener);
      },
    };
  }

  #fromBus(bus: BusMessage): void {
    if (bus.type === 'relay') {
      for (const listener of this.#relayListeners) listener(bus.payload);
      return;
    }
    if (bus.type === 'session') {
      if (!bus.sessionId.startsWith(LISTEN_PREFIX)) this.#sessions.get(bus.sessionId)?.send(bus.message);
      else this.#subscriptions.notifyStream(bus.sessionId, bus.message as JSONRPCNotification);
      return;
    }
    if (bus.origin === this.instanceId) return;
    const { method, params } = bus.message as { method: string; params?: { uri?: unknown } };
    if (method === 'notifications/resources/updated' && typeof params?.uri === 'string') {
      this.#subscriptions.resourceUpdated(params.uri);
    } else if (this.#subscriptions.size > 0) {
      this.#subscriptions.custom(bus.message as JSONRPCNotification, bus.selector);
    }
    for (const session of this.#sessions.values()) {
      if (matchesSelector(session, bus.selector)) session.send(bus.message);
    }
  }

  #changed(kind: CatalogKind): void {
    if (this.#pendingChanges.size === 0) queueMicrotask(() => this.#flushChanges());
    this.#pendingChanges.add(kind);
  }

  #flushChanges(): void {
    const kinds = [...this.#pendingChanges];
    this.#pendingChanges.clear();
    for (const kind of kinds) {
      this.#subscriptions.listChanged(kind);
      void this.broadcast(`notifications/${kind}/list_changed`, undefined, (session) => {
        const declared = session.serverCapabilities?.[kind] as { listChanged?: boolean } | undefined;
        return declared?.listChanged === true;
      });
    }
  }
}

function toNotification(method: string, params: object | undefined) {
  return params === undefined
    ? { jsonrpc: '2.0' as const, method }
    : { jsonrpc: '2.0' as const, method, params: params as Record<string, unknown> };
}

function idleTimeoutOf(value: number | undefined): number {
  if (value === undefined) return 30 * 60_000;
  if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    const why = `McpServer option sessionIdleTimeout must be a number of ms ≥ 0, 0 to keep idle sessions (got ${String(value)})`;
    throw new McpLiveError('INVALID_OPTION', why);
  }
  return value;
}

/** `server.notify` to a session whose client has not completed `initialize`: it may not be told anything yet. */
function notInitialized(sessionId: string, method: string): McpLiveError {
  return new McpLiveError(
    'NOT_INITIALIZED',
    `Session "${sessionId}" has not completed initialize, so it cannot take ${method} yet; send it after the sessionInitialized event`,
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Send options carrying `message`'s JSON, or none when JSON refuses it. */
function encodedOnce(message: JSONRPCMessage): SendOptions {
  try {
    return { json: JSON.stringify(message) };
  } catch {
    return {};
  }
}
