import type {
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  RequestId,
} from '../protocol/jsonrpc.ts';
import type { ClientCapabilities, Implementation, InitializeResult } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import { MetaKey } from '../protocol/request-meta.ts';
import type { CallToolResult } from '../protocol/tools.ts';
import { isModernProtocolVersion, type ProtocolVersion } from '../protocol/versions.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session } from '../server/session.ts';
import { transportHost } from '../server/transport-host.ts';

export interface TestClientOptions {
  /** @default { name: 'mcp-live-test-client', version: '0.0.0' } */
  clientInfo?: Implementation;
  /** @default {} */
  capabilities?: ClientCapabilities;
  /**
   * `'2026-07-28'` makes a stateless client: no `initialize`, and every request carries its version,
   * capabilities and client info in `_meta`; `input_required` results are answered by the `onRequest`
   * handlers and retried. @default '2025-11-25'
   */
  protocolVersion?: ProtocolVersion | string;
  /** Stateless clients only: the log level every request asks for in `_meta` (none: no log messages). */
  logLevel?: string;
  /** Headers the session records, as a transport would from its HTTP request. */
  headers?: HeadersInit;
  principal?: unknown;
  /** Send `initialize` and `notifications/initialized` before returning. @default true */
  initialize?: boolean;
}

export interface TestRequestOptions {
  signal?: AbortSignal;
  /** Asks for progress and receives each `notifications/progress`. */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
  /** @default 10_000 */
  timeout?: number;
  /** Extra headers of this one request, as a transport would pass them. */
  headers?: HeadersInit;
  /** Stateless clients: answer `input_required` results with the `onRequest` handlers and retry. @default true */
  answerInput?: boolean;
}

/** Rounds of `input_required` a stateless test client answers before it gives up. */
const MAX_INPUT_ROUNDS = 10;

type ServerRequestHandler = (params: Record<string, unknown> | undefined) => unknown;

interface Waiting {
  resolve(result: Record<string, unknown>): void;
  reject(error: unknown): void;
  onProgress: TestRequestOptions['onProgress'];
}

/**
 * A client linked in memory to an `McpServer`, for tests: no sockets, but the server sees a real
 * session and every message crosses an async boundary as it would over a transport.
 */
export class TestClient {
  readonly server: McpServer;
  /** Every notification the server sent, in order. */
  readonly notifications: JSONRPCNotification[] = [];
  /** Every request the server sent, in order. */
  readonly serverRequests: JSONRPCRequest[] = [];
  #session: Session | undefined;
  #nextId = 0;
  #waiting = new Map<RequestId, Waiting>();
  #progressTokens = new Map<string | number, Waiting>();
  #handlers = new Map<string, ServerRequestHandler>();
  #listeners = new Set<(n: JSONRPCNotification) => void>();
  initializeResult: InitializeResult | undefined;
  /** For a stateless client: what every request's `_meta` carries. */
  #meta: Record<string, unknown> | undefined;

  constructor(server: McpServer) {
    this.server = server;
  }

  /** True for a client of the stateless revision (2026-07-28). */
  get stateless(): boolean {
    return this.#meta !== undefined;
  }

  get session(): Session {
    if (this.#session === undefined)
      throw new McpLiveError('SESSION_NOT_FOUND', 'The test client is not connected');
    return this.#session;
  }

  /** @internal Used by `connectTestClient`. */
  async attach(options: TestClientOptions): Promise<void> {
    if (isModernProtocolVersion(options.protocolVersion)) {
      this.#meta = {
        [MetaKey.ProtocolVersion]: options.protocolVersion,
        [MetaKey.ClientCapabilities]: options.capabilities ?? {},
        [MetaKey.ClientInfo]: options.clientInfo ?? { name: 'mcp-live-test-client', version: '0.0.0' },
      };
      if (options.logLevel !== undefined) this.#meta[MetaKey.LogLevel] = options.logLevel;
    }
    this.#session = await transportHost(this.server).openSession({
      transport: 'memory',
      headers: new Headers(options.headers),
      principal: options.principal,
      channel: {
        send: (message) => queueMicrotask(() => this.#receive(message)),
        close: () => this.#failAll('the session closed'),
      },
    });
  }

  /**
   * Sends a request and resolves with its result; a JSON-RPC error rejects with a `ProtocolError`. A
   * stateless client answers `input_required` results and retries, unless `answerInput` is false.
   */
  async request(
    method: string,
    params?: Record<string, unknown>,
    options: TestRequestOptions = {},
  ): Promise<Record<string, unknown>> {
    let result = await this.#send(method, params, options);
    for (let round = 0; this.stateless && options.answerInput !== false; round++) {
      if (result.resultType !== 'input_required') break;
      if (round === MAX_INPUT_ROUNDS) {
        throw new McpLiveError('TIMEOUT', `${method} still asked for input after ${MAX_INPUT_ROUNDS} rounds`);
      }
      const retry: Record<string, unknown> = { ...params, inputResponses: await this.#answerAll(result) };
      if (typeof result.requestState === 'string') retry.requestState = result.requestState;
      result = await this.#send(method, retry, options);
    }
    return result;
  }

  async #answerAll(result: Record<string, unknown>): Promise<Record<string, unknown>> {
    const asked = (result.inputRequests ?? {}) as Record<string, JSONRPCRequest>;
    const answers: Record<string, unknown> = {};
    for (const [key, request] of Object.entries(asked)) {
      const { method, params } = request;
      this.serverRequests.push(
        params === undefined
          ? { jsonrpc: '2.0', id: key, method }
          : { jsonrpc: '2.0', id: key, method, params },
      );
      const handler = this.#handlers.get(request.method);
      if (handler === undefined)
        throw new McpLiveError('CAPABILITY_MISSING', `Test client has no handler for ${request.method}`);
      answers[key] = await handler(request.params);
    }
    return answers;
  }

  #send(method: string, params: Record<string, unknown> | undefined, options: TestRequestOptions) {
    const id = ++this.#nextId;
    const message: JSONRPCRequest = { jsonrpc: '2.0', id, method };
    const finalParams = { ...params };
    if (options.onProgress !== undefined || this.#meta !== undefined) {
      const progress = options.onProgress === undefined ? {} : { progressToken: `p${id}` };
      finalParams._meta = { ...this.#meta, ...(finalParams._meta as object | undefined), ...progress };
    }
    if (params !== undefined || finalParams._meta !== undefined) message.params = finalParams;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      if (this.session.closed) {
        reject(new McpLiveError('SESSION_CLOSED', `Cannot send ${method}: ${this.session.closeReason}`));
        return;
      }
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(
          new McpLiveError('TIMEOUT', `${method} got no response within ${options.timeout ?? 10_000} ms`),
        );
      }, options.timeout ?? 10_000);
      const done = () => {
        clearTimeout(timer);
        this.#progressTokens.delete(`p${id}`);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        this.#waiting.delete(id);
        this.notify('notifications/cancelled', {
          requestId: id,
          reason: String(options.signal?.reason ?? 'aborted'),
        });
        reject(new McpLiveError('ABORTED', `${method} was aborted by the caller`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const waiting: Waiting = {
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        onProgress: options.onProgress,
      };
      this.#waiting.set(id, waiting);
      if (options.onProgress !== undefined) this.#progressTokens.set(`p${id}`, waiting);
      this.#deliver(message, options.headers);
    });
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.#deliver(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** Sends raw messages, as a transport would hand them over. */
  send(message: JSONRPCMessage, headers?: HeadersInit): void {
    this.#deliver(message, headers);
  }

  callTool(
    name: string,
    args?: Record<string, unknown>,
    options?: TestRequestOptions,
  ): Promise<CallToolResult> {
    const params = args === undefined ? { name } : { name, arguments: args };
    return this.request('tools/call', params, options) as Promise<CallToolResult>;
  }

  /** Answers server requests (`sampling/createMessage`, `elicitation/create`, `roots/list`) of one method. */
  onRequest(method: string, handler: ServerRequestHandler): void {
    this.#handlers.set(method, handler);
  }

  /** Calls `listener` for every notification from now on; returns a function that stops it. */
  onNotification(listener: (notification: JSONRPCNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first notification (already received or future) of `method` that `match` accepts. */
  waitForNotification(
    method: string,
    match: (params: Record<string, unknown> | undefined) => boolean = () => true,
    timeout = 5_000,
  ): Promise<JSONRPCNotification> {
    const seen = this.notifications.find((n) => n.method === method && match(n.params));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new McpLiveError('TIMEOUT', `No ${method} notification arrived within ${timeout} ms`));
      }, timeout);
      const stop = this.onNotification((n) => {
        if (n.method !== method || !match(n.params)) return;
        clearTimeout(timer);
        stop();
        resolve(n);
      });
    });
  }

  /** Ends the session on the server, as a disconnect would. */
  async close(reason = 'test client closed'): Promise<void> {
    if (this.#session !== undefined) await this.server.closeSession(this.#session, reason);
  }

  #deliver(message: JSONRPCMessage, headers?: HeadersInit): void {
    const session = this.session;
    const extra = headers === undefined ? {} : { headers: new Headers(headers) };
    // What a wire would deliver: a copy, so that a handler changing its arguments does not change the caller's.
    message = JSON.parse(JSON.stringify(message)) as JSONRPCMessage;
    queueMicrotask(() => {
      transportHost(this.server)
        .handleMessage(session, message, extra)
        .catch((error) => this.server.reportError(error, session));
    });
  }

  #receive(message: JSONRPCMessage): void {
    if ('method' in message && 'id' in message) {
      void this.#answer(message as JSONRPCRequest);
    } else if ('method' in message) {
      const notification = message as JSONRPCNotification;
      if (notification.method === 'notifications/progress') {
        const params = notification.params as {
          progressToken: string;
          progress: number;
          total?: number;
          message?: string;
        };
        this.#progressTokens.get(params.progressToken)?.onProgress?.(params);
      }
      this.notifications.push(notification);
      for (const listener of [...this.#listeners]) listener(notification);
    } else {
      const response = message as JSONRPCResponse;
      const waiting = response.id === null ? undefined : this.#waiting.get(response.id);
      if (waiting === undefined) return;
      this.#waiting.delete(response.id as RequestId);
      if ('error' in response) {
        waiting.reject(
          new ProtocolError(response.error.code, response.error.message, { data: response.error.data }),
        );
      } else waiting.resolve(response.result);
    }
  }

  async #answer(request: JSONRPCRequest): Promise<void> {
    this.serverRequests.push(request);
    const handler = this.#handlers.get(request.method);
    let reply: JSONRPCMessage;
    if (handler === undefined) {
      reply = {
        jsonrpc: '2.0',
        id: request.id,
        error: { code: -32601, message: `Test client has no handler for ${request.method}` },
      };
    } else {
      try {
        reply = {
          jsonrpc: '2.0',
          id: request.id,
          result: (await handler(request.params)) as Record<string, unknown>,
        };
      } catch (error) {
        reply = {
          jsonrpc: '2.0',
          id: request.id,
          error: { code: -32603, message: (error as Error).message },
        };
      }
    }
    if (this.#session !== undefined && !this.#session.closed) this.#deliver(reply);
  }

  #failAll(reason: string): void {
    for (const waiting of this.#waiting.values()) waiting.reject(new McpLiveError('SESSION_CLOSED', reason));
    this.#waiting.clear();
  }
}

/** Opens a session on `server` for an in-memory client and, unless told not to, initializes it. */
export async function connectTestClient(
  server: McpServer,
  options: TestClientOptions = {},
): Promise<TestClient> {
  const client = new TestClient(server);
  await client.attach(options);
  if (options.initialize !== false && !client.stateless) {
    client.initializeResult = (await client.request('initialize', {
      protocolVersion: options.protocolVersion ?? '2025-11-25',
      capabilities: options.capabilities ?? {},
      clientInfo: options.clientInfo ?? { name: 'mcp-live-test-client', version: '0.0.0' },
    })) as InitializeResult;
    client.notify('notifications/initialized');
  }
  return client;
}
