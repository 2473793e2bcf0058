import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCResponse,
  RequestId,
} from '../protocol/jsonrpc.ts';
import type { ClientCapabilities, Implementation, ServerCapabilities } from '../protocol/lifecycle.ts';
import type { LoggingLevel } from '../protocol/logging.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ProtocolVersion } from '../protocol/versions.ts';
import { addListener, callListeners, type Listeners } from './listeners.ts';
import { RequestController } from './request-controller.ts';

/** The values of a session without a context function: one frozen object shared by all. */
const NO_VALUES: Record<string, unknown> = Object.freeze({});

/** Where a message is going, so that a transport can pick the right stream for it. */
export interface SendOptions {
  /** The request this message belongs to (its response, progress, logs, nested server requests). */
  relatedRequestId?: RequestId;
  /**
   * The message's JSON text, when the sender has it already: a broadcast encodes its message once for
   * every session. It must be the JSON of `message`; a channel may use it instead of encoding again.
   */
  json?: string;
}

/**
 * The one outgoing path of a session, supplied by its transport. A transport may buffer, number
 * events, or apply backpressure here; it must not reorder messages of one session.
 */
export interface SessionChannel {
  send(message: JSONRPCMessage, options: SendOptions): void;
  /** Called once when the session closes, so the transport can end its streams. */
  close?(reason: string): void;
}

/** What a transport knows when it opens a session. */
export interface SessionInit {
  channel: SessionChannel;
  /** A transport name such as `sse`, `streamable-http`, `stdio` or `memory`. */
  transport: string;
  /** The headers of the request that opened the session (the SSE stream's, or `initialize`'s POST). */
  headers?: Headers;
  /** Whoever the transport authenticated, if anyone. */
  principal?: unknown;
  /** Values a transport's context function produced for this connection. */
  values?: Record<string, unknown>;
  /** A session id chosen by the transport; a random one otherwise. */
  id?: string;
  /** Ephemeral sessions (stateless HTTP) are not stored, swept or announced by hooks. */
  ephemeral?: boolean;
  /** The session of one stateless request (2026-07-28): every request on it must carry its own `_meta`. */
  modern?: boolean;
  /** For the session of a stateless request that came on a connection with a session of its own (stdio): that session. */
  connection?: Session;
  /** The transport's name for the session's streams in the event store (recorded for other instances). */
  streamKey?: string;
  /** The path prefix the session was opened under (recorded for other instances). */
  base?: string;
}

/** What a session negotiated and chose, as a session store keeps it for other instances. */
export interface SessionState {
  protocolVersion?: ProtocolVersion;
  clientInfo?: Implementation;
  clientCapabilities?: ClientCapabilities;
  initialized?: boolean;
  logLevel?: LoggingLevel;
  subscriptions?: string[];
}

export interface SessionRequestOptions {
  /** @default 60_000 */
  timeout?: number;
  signal?: AbortSignal;
  relatedRequestId?: RequestId;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: unknown): void;
  cleanup(): void;
}

/**
 * What handlers and applications see of a session: who the client is, what it negotiated, its own
 * storage (`data`), and the messages they may send it. The state is read-only here: only the
 * protocol (`initialize`, `logging/setLevel`, subscriptions) changes it.
 */
export interface SessionView {
  readonly id: string;
  /** `sse`, `streamable-http`, `stdio`, `memory`, or a transport's own name. */
  readonly transport: string;
  /** The headers of the request that opened the session (the SSE stream's, or `initialize`'s POST). */
  readonly headers: Headers;
  /** Whoever the transport authenticated, if anyone. */
  readonly principal: unknown;
  /** Not stored, swept or announced: the session of one stateless request, or of stateless HTTP. */
  readonly ephemeral: boolean;
  /** The session of one stateless (2026-07-28) request, which lives as long as that request. */
  readonly modern: boolean;
  /** For a stateless request that came on a connection with a session of its own (stdio): that session. */
  readonly connection: SessionView | undefined;
  /** Values from the transport's context function for this connection. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Free per-session storage for handlers. */
  readonly data: Map<string, unknown>;
  /** Resource URIs this session subscribed to (`resources/subscribe`). */
  readonly subscriptions: ReadonlySet<string>;
  readonly createdAt: number;
  readonly lastActivity: number;
  readonly clientInfo: Implementation | undefined;
  readonly clientCapabilities: ClientCapabilities | undefined;
  readonly protocolVersion: ProtocolVersion | undefined;
  /** What the server declared to this session in its `initialize` answer. */
  readonly serverCapabilities: ServerCapabilities | undefined;
  /** True once the client has sent `notifications/initialized`. */
  readonly initialized: boolean;
  /** The level below which log messages are not sent; `undefined` until the client sets one. */
  readonly logLevel: LoggingLevel | undefined;
  /** Aborts when the session closes. */
  readonly signal: AbortSignal;
  readonly closed: boolean;
  readonly closeReason: string;
  /** How many client requests are being handled now. */
  readonly inFlightCount: number;
  /** Sends a message to the client; false once the session is closed. */
  send(message: JSONRPCMessage, options?: SendOptions): boolean;
  /** Sends a notification (any method) to the client; false once the session is closed. */
  notify(method: string, params?: object, options?: SendOptions): boolean;
  /** Sends a request to the client and waits for its answer (a session of the 2025 revisions only). */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    options?: SessionRequestOptions,
  ): Promise<Record<string, unknown>>;
}

/**
 * One connected client: its identity, negotiated state, in-flight work and outgoing path. Transports
 * (`mcp-live/transport`) work with the whole class; handlers and applications see a `SessionView`.
 */
export class Session implements SessionView {
  readonly id: string;
  readonly transport: string;
  readonly headers: Headers;
  readonly principal: unknown;
  readonly ephemeral: boolean;
  /** True for the session of one stateless (2026-07-28) request, which lives as long as that request. */
  readonly modern: boolean;
  /** The connection's session a stateless request's session belongs to (stdio), if any. */
  readonly connection: Session | undefined;
  /** Values from the transport's context function for this connection. */
  readonly values: Record<string, unknown>;
  /** Free per-session storage for handlers. */
  get data(): Map<string, unknown> {
    this.#data ??= new Map();
    return this.#data;
  }
  /** Resource URIs this session subscribed to (made on first use: most sessions never subscribe). */
  get subscriptions(): Set<string> {
    this.#subscriptions ??= new Set();
    return this.#subscriptions;
  }
  #subscriptions: Set<string> | undefined;

  /** Whether the session subscribed to `uri`; unlike `subscriptions.has`, makes nothing. */
  subscribedTo(uri: string): boolean {
    return this.#subscriptions?.has(uri) === true;
  }
  readonly createdAt = Date.now();

  clientInfo: Implementation | undefined;
  clientCapabilities: ClientCapabilities | undefined;
  protocolVersion: ProtocolVersion | undefined;
  /** What the server declared to this session in its `initialize` answer. */
  serverCapabilities: ServerCapabilities | undefined;
  /** True once the client has sent `notifications/initialized`. */
  initialized = false;
  /** Messages below this level are not sent; `undefined` until the client sets one. */
  logLevel: LoggingLevel | undefined;
  lastActivity = Date.now();

  #channel: SessionChannel;
  /** Made when someone reads `signal` (most sessions never do: an AbortController costs ~260 bytes). */
  #closed: AbortController | undefined;
  /** Set once the session closed. */
  #isClosed = false;
  /** The reason its signal aborts with, made when first needed (a stack trace costs ~20 µs). */
  #closeError: McpLiveError | undefined;
  #closeReason = '';
  /** Told once when the session closes; made with the first (cheaper than `signal` for transports). */
  #onClosed: Listeners;
  #released = false;
  /**
   * Client requests in flight: one in the pair of fields below (the usual case, no map), more in the
   * map, made with the second and dropped again when it empties (an empty Map costs ~200 bytes).
   */
  #inFlight: Map<RequestId, RequestController> | undefined;
  #soleId: RequestId | undefined;
  #sole: RequestController | undefined;
  /** Server-to-client requests awaiting their answers; made with the first (most sessions send none). */
  #pending: Map<RequestId, Pending> | undefined;
  #data: Map<string, unknown> | undefined;
  #nextRequestId = 0;
  readonly #onStateChange: ((session: Session) => void) | undefined;

  /** `onStateChange` hears of every change `stateChanged()` announces (the server records them). */
  constructor(id: string, init: SessionInit, onStateChange?: (session: Session) => void) {
    this.id = id;
    this.#onStateChange = onStateChange;
    this.transport = init.transport;
    this.headers = init.headers ?? new Headers();
    this.principal = init.principal;
    this.values = init.values ?? NO_VALUES;
    this.ephemeral = init.ephemeral ?? false;
    this.modern = init.modern ?? false;
    this.connection = init.connection;
    this.#channel = init.channel;
  }

  /** Aborts when the session closes. */
  get signal(): AbortSignal {
    if (this.#closed === undefined) {
      this.#closed = new AbortController();
      if (this.#isClosed) this.#closed.abort(this.#closedError());
    }
    return this.#closed.signal;
  }

  get closed(): boolean {
    return this.#isClosed;
  }

  /** Calls `listener` once when the session closes (at once if it has). */
  onClosed(listener: () => void): void {
    if (this.#isClosed) {
      listener();
      return;
    }
    this.#onClosed = addListener(this.#onClosed, listener);
  }

  #closedError(): McpLiveError {
    this.#closeError ??= new McpLiveError(
      'SESSION_CLOSED',
      `Session ${this.id} closed: ${this.#closeReason}`,
    );
    return this.#closeError;
  }

  get closeReason(): string {
    return this.#closeReason;
  }

  /**
   * True when the session closed here only because another instance holds it now: its transport ends
   * its streams here but leaves their events in the shared store.
   */
  get released(): boolean {
    return this.#released;
  }

  /** How many client requests are being handled now. */
  get inFlightCount(): number {
    return (this.#sole === undefined ? 0 : 1) + (this.#inFlight?.size ?? 0);
  }

  /** What the session negotiated and chose, for a session store. */
  get state(): SessionState {
    const state: SessionState = {
      initialized: this.initialized,
      subscriptions: [...(this.#subscriptions ?? [])],
    };
    if (this.protocolVersion !== undefined) state.protocolVersion = this.protocolVersion;
    if (this.clientInfo !== undefined) state.clientInfo = this.clientInfo;
    if (this.clientCapabilities !== undefined) state.clientCapabilities = this.clientCapabilities;
    if (this.logLevel !== undefined) state.logLevel = this.logLevel;
    return state;
  }

  /** Takes up the state another instance recorded (a session taken over). */
  restore(state: SessionState): void {
    this.protocolVersion = state.protocolVersion;
    this.clientInfo = state.clientInfo;
    this.clientCapabilities = state.clientCapabilities;
    this.initialized = state.initialized ?? false;
    this.logLevel = state.logLevel;
    for (const uri of state.subscriptions ?? []) this.subscriptions.add(uri);
  }

  /** Announces that `state` changed (initialize, logging level, subscriptions), so that it is recorded. */
  stateChanged(): void {
    this.#onStateChange?.(this);
  }

  /** Marks the session as active now: its client sent something (`sessionIdleTimeout` counts from here). */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** The single outgoing path: every message to this client goes through here. Dropped once closed. */
  send(message: JSONRPCMessage, options: SendOptions = {}): boolean {
    if (this.closed) return false;
    this.#channel.send(message, options);
    return true;
  }

  notify(method: string, params?: object, options: SendOptions = {}): boolean {
    return this.send(
      params === undefined
        ? { jsonrpc: '2.0', method }
        : { jsonrpc: '2.0', method, params: params as Record<string, unknown> },
      options,
    );
  }

  /** Sends a request to the client and waits for its answer. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    options: SessionRequestOptions = {},
  ): Promise<Record<string, unknown>> {
    if (this.closed) {
      return Promise.reject(
        new McpLiveError(
          'SESSION_CLOSED',
          `Cannot send ${method}: session ${this.id} is closed (${this.#closeReason})`,
        ),
      );
    }
    const id = `s${++this.#nextRequestId}`;
    const timeout = options.timeout ?? 60_000;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#pending?.get(id)?.cleanup();
        const reason = options.signal?.reason;
        this.notify('notifications/cancelled', { requestId: id, reason: String(reason ?? 'aborted') });
        reject(new McpLiveError('ABORTED', `${method} to session ${this.id} was aborted`, { cause: reason }));
      };
      const timer = setTimeout(() => {
        this.#pending?.get(id)?.cleanup();
        this.notify('notifications/cancelled', { requestId: id, reason: 'timeout' });
        reject(
          new McpLiveError('TIMEOUT', `${method} to session ${this.id} got no answer within ${timeout} ms`),
        );
      }, timeout);
      const onClose = () => {
        this.#pending?.get(id)?.cleanup();
        reject(new McpLiveError('SESSION_CLOSED', `Session ${this.id} closed before answering ${method}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.signal.removeEventListener('abort', onClose);
        this.#pending?.delete(id);
      };
      if (options.signal?.aborted) {
        clearTimeout(timer);
        reject(new McpLiveError('ABORTED', `${method} to session ${this.id} was aborted before it was sent`));
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.signal.addEventListener('abort', onClose, { once: true });
      this.#pending ??= new Map();
      this.#pending.set(id, { resolve, reject, cleanup });
      const message =
        params === undefined
          ? { jsonrpc: '2.0' as const, id, method }
          : { jsonrpc: '2.0' as const, id, method, params };
      this.send(
        message,
        options.relatedRequestId === undefined ? {} : { relatedRequestId: options.relatedRequestId },
      );
    });
  }

  /** Settles the pending server-to-client request a response answers; false for a stray id. */
  resolveResponse(response: JSONRPCResponse): boolean {
    if (response.id === null) return false;
    const pending = this.#pending?.get(response.id);
    if (pending === undefined) return false;
    pending.cleanup();
    if ('error' in response) {
      const { error } = response as JSONRPCErrorResponse;
      pending.reject(
        new McpLiveError('REMOTE_ERROR', `The client answered with error ${error.code}: ${error.message}`, {
          data: error,
        }),
      );
    } else {
      pending.resolve(response.result);
    }
    return true;
  }

  /** Registers a client request as in flight; the controller aborts on cancel, disconnect or close. */
  beginRequest(id: RequestId): RequestController | undefined {
    if (this.#sole !== undefined && this.#soleId === id) return undefined;
    const controller = new RequestController();
    if (this.#sole === undefined && this.#inFlight === undefined) {
      this.#soleId = id;
      this.#sole = controller;
      return controller;
    }
    this.#inFlight ??= new Map();
    if (this.#inFlight.has(id)) return undefined;
    this.#inFlight.set(id, controller);
    return controller;
  }

  /** Takes `id` off the requests in flight and returns its controller, if it was on them. */
  #takeRequest(id: RequestId): RequestController | undefined {
    const sole = this.#sole;
    if (sole !== undefined && this.#soleId === id) {
      this.#sole = undefined;
      this.#soleId = undefined;
      return sole;
    }
    const inFlight = this.#inFlight;
    const controller = inFlight?.get(id);
    if (controller === undefined) return undefined;
    inFlight!.delete(id);
    if (inFlight!.size === 0) this.#inFlight = undefined;
    return controller;
  }

  /**
   * Takes a finished request off the list; false when it was not on it any more: aborted (cancelled,
   * or the session closed), which takes it off first. Cheaper than reading `controller.signal.aborted`,
   * which would make an AbortSignal for every request.
   */
  endRequest(id: RequestId, controller: RequestController): boolean {
    if (this.#sole === controller) {
      this.#sole = undefined;
      this.#soleId = undefined;
      return true;
    }
    if (this.#inFlight?.get(id) !== controller) return false;
    return this.#takeRequest(id) === controller;
  }

  /** Aborts one in-flight client request; true if it was running. */
  cancelRequest(id: RequestId, reason: unknown): boolean {
    const controller = this.#takeRequest(id);
    if (controller === undefined) return false;
    controller.abort(reason);
    return true;
  }

  /**
   * Closes the session: aborts every in-flight handler, rejects pending server requests and tells the
   * transport (`released`: another instance holds the session now). Use `McpServer.closeSession` so that stores and hooks hear of it too.
   */
  close(reason = 'closed', released = false): void {
    if (this.closed) return;
    this.#isClosed = true;
    this.#closeReason = reason;
    this.#released = released;
    const sole = this.#sole;
    const inFlight = this.#inFlight;
    if (sole !== undefined || inFlight !== undefined) {
      this.#sole = undefined;
      this.#soleId = undefined;
      this.#inFlight = undefined;
      const error = this.#closedError();
      sole?.abort(error);
      if (inFlight !== undefined) for (const controller of inFlight.values()) controller.abort(error);
    }
    if (this.#closed !== undefined) this.#closed.abort(this.#closedError());
    const listeners = this.#onClosed;
    this.#onClosed = undefined;
    callListeners(listeners);
    this.#channel.close?.(reason);
  }
}

/**
 * The whole session behind a `SessionView` (for transports, and for code that changes what the
 * protocol records, such as subscription markers); throws for an object that is not a session.
 */
export function asSession(view: SessionView): Session {
  if (view instanceof Session) return view;
  throw new McpLiveError(
    'SESSION_NOT_FOUND',
    `${String((view as { id?: unknown }).id)} is not a session of this copy of mcp-live`,
  );
}
