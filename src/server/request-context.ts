import type { ElicitParams, ElicitResult } from '../protocol/elicitation.ts';
import type { RequestId } from '../protocol/jsonrpc.ts';
import type { ClientCapabilities, Implementation } from '../protocol/lifecycle.ts';
import { isLevelEnabled, type LoggingLevel } from '../protocol/logging.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ProgressToken } from '../protocol/progress.ts';
import { missingCapabilityError, type RequestMeta, type TraceContext } from '../protocol/request-meta.ts';
import type { ListRootsResult } from '../protocol/roots.ts';
import type { CreateMessageParams, CreateMessageResult } from '../protocol/sampling.ts';
import type { ProtocolVersion } from '../protocol/versions.ts';
import type { InputMethod, InputRounds } from './input-rounds.ts';
import type { McpServer } from './mcp-server.ts';
import type { RequestController } from './request-controller.ts';
import type { Session, SessionView } from './session.ts';
import type { ContextValues, NotificationParams } from './typed-maps.ts';

/** What a stateless (2026-07-28) request brings to its context. */
export interface StatelessRequest {
  meta: RequestMeta;
  /** The request's input rounds; only `tools/call`, `prompts/get` and `resources/read` may ask for input. */
  rounds: InputRounds | undefined;
}

/** Options for a request from the server to the client. */
export interface ClientRequestOptions {
  /** @default 60_000 */
  timeout?: number;
  /** Aborts the request; the handler's own signal is always honoured too. */
  signal?: AbortSignal;
  /**
   * The key of this ask in a stateless request's `inputRequests` (and the client's `inputResponses`).
   * @default the method and the ask's number in the handler: `elicit-0`, `sample-1`, `roots-2`
   */
  key?: string;
}

/** Everything a handler knows about the request it serves, and what it can do back to the client. */
export class RequestContext {
  readonly requestId: RequestId;
  readonly method: string;
  /** The client's session, read-only (for a stateless request: a session of this request alone). */
  readonly session: SessionView;
  readonly #session: Session;
  /** This message's HTTP request headers; the session's (stream's) headers where there is no request of its own. */
  readonly headers: Headers;
  /** Values the transport's context function produced for this message, over the session's. */
  readonly values: ContextValues;
  /** The request's `_meta`. */
  readonly meta: Record<string, unknown> | undefined;
  /**
   * Who made this request: what the transport authenticated for this message (with `mcp-live/oauth`,
   * an `OAuthPrincipal` of its token's claims), else its session's principal.
   */
  readonly principal: unknown;
  readonly server: McpServer;
  readonly #controller: RequestController;
  readonly #progressToken: ProgressToken | undefined;
  readonly #stateless: StatelessRequest | undefined;
  #state: Record<string, unknown> | undefined;

  constructor(init: {
    server: McpServer;
    session: Session;
    requestId: RequestId;
    method: string;
    /** The request's controller in its session; its signal is only made when someone reads `signal`. */
    controller: RequestController;
    headers: Headers | undefined;
    values: Record<string, unknown> | undefined;
    meta: Record<string, unknown> | undefined;
    /** This message's caller; `undefined`: the session's. */
    principal?: unknown;
    stateless?: StatelessRequest | undefined;
  }) {
    this.server = init.server;
    this.session = init.session;
    this.#session = init.session;
    this.requestId = init.requestId;
    this.method = init.method;
    this.#controller = init.controller;
    this.headers = init.headers ?? init.session.headers;
    // What contextFunc returned; ContextValues is the shape the user declared it returns.
    this.values = (
      init.values === undefined ? init.session.values : { ...init.session.values, ...init.values }
    ) as ContextValues;
    this.meta = init.meta;
    this.principal = init.principal === undefined ? init.session.principal : init.principal;
    const token = init.meta?.progressToken;
    this.#progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
    this.#stateless = init.stateless;
  }

  /** True for a request of the stateless revision (2026-07-28), which carries its own `_meta` and has no session of its own. */
  get stateless(): boolean {
    return this.#stateless !== undefined;
  }

  /** The revision this request speaks: its `_meta` claim, or its session's negotiated one. */
  get protocolVersion(): ProtocolVersion | undefined {
    return this.#stateless?.meta.protocolVersion ?? this.session.protocolVersion;
  }

  /** What the client can do for this request: declared in its `_meta` (stateless), or at `initialize`. */
  get clientCapabilities(): ClientCapabilities {
    return this.#stateless?.meta.clientCapabilities ?? this.session.clientCapabilities ?? {};
  }

  /** Who the client says it is (self-reported; for display and logs, never for security decisions). */
  get clientInfo(): Implementation | undefined {
    return this.#stateless === undefined ? this.session.clientInfo : this.#stateless.meta.clientInfo;
  }

  /** W3C trace context (`traceparent`, `tracestate`, `baggage`) from the request's `_meta`. */
  get trace(): TraceContext {
    if (this.#stateless !== undefined) return this.#stateless.meta.trace;
    const trace: TraceContext = {};
    for (const key of ['traceparent', 'tracestate', 'baggage'] as const) {
      const value = this.meta?.[key];
      if (typeof value === 'string') trace[key] = value;
    }
    return trace;
  }

  /**
   * The handler's own values across input rounds: in a stateless request, what the handler puts here
   * before it asks for input (`elicit`, `sample`, `listRoots`) is here again, sealed inside
   * `requestState`, when the client retries. JSON values only. In a session it is a fresh object.
   */
  get state(): Record<string, unknown> {
    this.#state ??= this.#stateless?.rounds?.state ?? {};
    return this.#state;
  }

  /** Aborts on `notifications/cancelled`, client disconnect, session close or server shutdown. */
  get signal(): AbortSignal {
    // Made on first use: an AbortSignal costs microseconds to create, and most handlers never read it.
    return this.#controller.signal;
  }

  /**
   * Calls `listener` once the request is aborted, as `signal`'s abort event would, without making the
   * signal. For the server's own long-lived requests (a listen stream); handlers use `signal`.
   * @internal
   */
  onAbort(listener: () => void): void {
    this.#controller.onAbort(listener);
  }

  /** The client's progress token for this request, if it asked for progress. */
  get progressToken(): ProgressToken | undefined {
    return this.#progressToken;
  }

  /** Reports progress; does nothing when the client sent no progress token or the request was cancelled. */
  progress(progress: number, total?: number, message?: string): void {
    if (this.#progressToken === undefined || this.signal.aborted) return;
    const params: Record<string, unknown> = { progressToken: this.#progressToken, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    this.session.notify('notifications/progress', params, { relatedRequestId: this.requestId });
  }

  /** Sends a notification (any method, such as `custom_event`) to this request's client. */
  notify<M extends string>(method: M, params?: NotificationParams<M>): void {
    this.session.notify(method, params, { relatedRequestId: this.requestId });
  }

  /**
   * Sends `notifications/message` if the log level lets `level` through: the session's, or for a
   * stateless request its `_meta` log level (none there: no log messages, as the spec says).
   */
  log(level: LoggingLevel, data: unknown, logger?: string): void {
    const threshold =
      this.#stateless === undefined
        ? (this.session.logLevel ?? this.server.defaultLogLevel)
        : this.#stateless.meta.logLevel;
    if (threshold === undefined || !isLevelEnabled(level, threshold)) return;
    const params: Record<string, unknown> = { level, data };
    if (logger !== undefined) params.logger = logger;
    this.session.notify('notifications/message', params, { relatedRequestId: this.requestId });
  }

  /**
   * Asks the client's LLM for a completion (`sampling/createMessage`). In a session this is a request
   * to the client; in a stateless request it ends the request with `input_required`, and the handler
   * runs again from the start when the client retries with the answer (see docs/eras.md).
   */
  async sample(
    params: CreateMessageParams,
    options: ClientRequestOptions = {},
  ): Promise<CreateMessageResult> {
    this.#requireClientCapability('sampling', 'sampling/createMessage');
    return (await this.#ask('sampling/createMessage', params, options)) as CreateMessageResult;
  }

  /** Asks the client's user for input (`elicitation/create`); in a stateless request, an input round as `sample` says. */
  async elicit(params: ElicitParams, options: ClientRequestOptions = {}): Promise<ElicitResult> {
    this.#requireClientCapability(
      'elicitation',
      'elicitation/create',
      params.mode === 'url' ? 'url' : undefined,
    );
    return (await this.#ask('elicitation/create', params, options)) as ElicitResult;
  }

  /** Asks the client for its roots (`roots/list`); in a stateless request, an input round as `sample` says. */
  async listRoots(options: ClientRequestOptions = {}): Promise<ListRootsResult> {
    this.#requireClientCapability('roots', 'roots/list');
    return (await this.#ask('roots/list', undefined, options)) as ListRootsResult;
  }

  #requireClientCapability(name: 'sampling' | 'elicitation' | 'roots', method: string, mode?: 'url'): void {
    const declared = this.clientCapabilities[name] as Record<string, unknown> | undefined;
    // Elicitation declared as {} means form mode only.
    const ok = declared !== undefined && (mode === undefined || declared[mode] !== undefined);
    if (ok) return;
    if (this.#stateless !== undefined) {
      throw missingCapabilityError(method, { [name]: mode === undefined ? {} : { [mode]: {} } });
    }
    const what = mode === undefined ? `"${name}"` : `"${name}.${mode}"`;
    throw new McpLiveError(
      'CAPABILITY_MISSING',
      `Cannot send ${method}: the client of session ${this.session.id} did not declare the ${what} capability`,
    );
  }

  #ask(method: InputMethod, params: object | undefined, options: ClientRequestOptions): Promise<unknown> {
    if (this.#stateless === undefined)
      return this.#request(method, params as Record<string, unknown>, options);
    const rounds = this.#stateless.rounds;
    if (rounds === undefined) {
      throw new McpLiveError(
        'CAPABILITY_MISSING',
        `Cannot ask for ${method} while serving ${this.method}: in protocol revision 2026-07-28 only tools/call, prompts/get and resources/read may ask the client for input`,
      );
    }
    return rounds.ask(method, params as Record<string, unknown> | undefined, options.key);
  }

  #request(method: string, params: Record<string, unknown> | undefined, options: ClientRequestOptions) {
    const signal =
      options.signal === undefined ? this.signal : AbortSignal.any([this.signal, options.signal]);
    return this.#session.request(method, params, {
      signal,
      relatedRequestId: this.requestId,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
  }
}
