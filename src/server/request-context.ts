import type { ElicitParams, ElicitResult } from '../protocol/elicitation.ts';
import type { RequestId } from '../protocol/jsonrpc.ts';
import { isLevelEnabled, type LoggingLevel } from '../protocol/logging.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { ProgressToken } from '../protocol/progress.ts';
import type { ListRootsResult } from '../protocol/roots.ts';
import type { CreateMessageParams, CreateMessageResult } from '../protocol/sampling.ts';
import type { McpServer } from './mcp-server.ts';
import type { Session } from './session.ts';

/** Options for a request from the server to the client. */
export interface ClientRequestOptions {
  /** @default 60_000 */
  timeout?: number;
  /** Aborts the request; the handler's own signal is always honoured too. */
  signal?: AbortSignal;
}

/** Everything a handler knows about the request it serves, and what it can do back to the client. */
export class RequestContext {
  readonly requestId: RequestId;
  readonly method: string;
  readonly session: Session;
  /** This message's HTTP request headers; the session's (stream's) headers where there is no request of its own. */
  readonly headers: Headers;
  /** Values the transport's context function produced for this message, over the session's. */
  readonly values: Record<string, unknown>;
  /** The request's `_meta`. */
  readonly meta: Record<string, unknown> | undefined;
  readonly server: McpServer;
  readonly #controller: AbortController;
  readonly #progressToken: ProgressToken | undefined;

  constructor(init: {
    server: McpServer;
    session: Session;
    requestId: RequestId;
    method: string;
    /** The request's controller in its session; its signal is only made when someone reads `signal`. */
    controller: AbortController;
    headers: Headers | undefined;
    values: Record<string, unknown> | undefined;
    meta: Record<string, unknown> | undefined;
  }) {
    this.server = init.server;
    this.session = init.session;
    this.requestId = init.requestId;
    this.method = init.method;
    this.#controller = init.controller;
    this.headers = init.headers ?? init.session.headers;
    this.values =
      init.values === undefined ? init.session.values : { ...init.session.values, ...init.values };
    this.meta = init.meta;
    const token = init.meta?.progressToken;
    this.#progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
  }

  /** Aborts on `notifications/cancelled`, client disconnect, session close or server shutdown. */
  get signal(): AbortSignal {
    // Made on first use: an AbortSignal costs microseconds to create, and most handlers never read it.
    return this.#controller.signal;
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
  notify(method: string, params?: Record<string, unknown>): void {
    this.session.notify(method, params, { relatedRequestId: this.requestId });
  }

  /** Sends `notifications/message` if the session's log level lets `level` through. */
  log(level: LoggingLevel, data: unknown, logger?: string): void {
    const threshold = this.session.logLevel ?? this.server.defaultLogLevel;
    if (!isLevelEnabled(level, threshold)) return;
    const params: Record<string, unknown> = { level, data };
    if (logger !== undefined) params.logger = logger;
    this.session.notify('notifications/message', params, { relatedRequestId: this.requestId });
  }

  /** Asks the client's LLM for a completion (`sampling/createMessage`). */
  async sample(
    params: CreateMessageParams,
    options: ClientRequestOptions = {},
  ): Promise<CreateMessageResult> {
    this.#requireClientCapability('sampling', 'sampling/createMessage');
    return (await this.#request('sampling/createMessage', params, options)) as CreateMessageResult;
  }

  /** Asks the client's user for input (`elicitation/create`). */
  async elicit(params: ElicitParams, options: ClientRequestOptions = {}): Promise<ElicitResult> {
    this.#requireClientCapability('elicitation', 'elicitation/create');
    return (await this.#request('elicitation/create', params, options)) as ElicitResult;
  }

  /** Asks the client for its roots (`roots/list`). */
  async listRoots(options: ClientRequestOptions = {}): Promise<ListRootsResult> {
    this.#requireClientCapability('roots', 'roots/list');
    return (await this.#request('roots/list', undefined, options)) as ListRootsResult;
  }

  #requireClientCapability(name: 'sampling' | 'elicitation' | 'roots', method: string): void {
    if (this.session.clientCapabilities?.[name] === undefined) {
      throw new McpLiveError(
        'CAPABILITY_MISSING',
        `Cannot send ${method}: the client of session ${this.session.id} did not declare the "${name}" capability`,
      );
    }
  }

  #request(method: string, params: Record<string, unknown> | undefined, options: ClientRequestOptions) {
    const signal =
      options.signal === undefined ? this.signal : AbortSignal.any([this.signal, options.signal]);
    return this.session.request(method, params, {
      signal,
      relatedRequestId: this.requestId,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
  }
}
