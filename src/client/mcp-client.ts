import { CancellationMethod, type CancelledParams } from '../protocol/cancellation.ts';
import type { CompleteParams, CompleteResult } from '../protocol/completion.ts';
import {
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
} from '../protocol/jsonrpc.ts';
import type { Implementation, InitializeResult, ServerCapabilities } from '../protocol/lifecycle.ts';
import type { LoggingLevel } from '../protocol/logging.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { PaginatedParams } from '../protocol/pagination.ts';
import { ProgressMethod, type ProgressParams } from '../protocol/progress.ts';
import type { GetPromptResult } from '../protocol/prompts.ts';
import type { ReadResourceResult } from '../protocol/resources.ts';
import type { CallToolResult } from '../protocol/tools.ts';
import { isLegacyProtocolVersion, LEGACY_PROTOCOL_VERSIONS } from '../protocol/versions.ts';
import { Emitter, NotificationRouter } from './client-events.ts';
import {
  type McpClientOptions,
  type ProtocolAttempt,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './client-options.ts';
import type { ClientTransport, ClientTransportOptions, TransportSink } from './client-transport.ts';
import type {
  ListPromptsResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  ListToolsResult,
  McpClientEvents,
  NotificationListener,
  RequestOptions,
  ServerNotificationMap,
  ServerRequestHandler,
  ServerRequestMap,
} from './client-types.ts';
import { runInputRounds } from './input-rounds.ts';
import { type Listen, type ListenFilter, type ListenOptions, ListenStream } from './listen-stream.ts';
import { OutgoingRequests, toLiveError } from './outgoing-requests.ts';
import { fromDiscover, removedMethodError, tryProtocols } from './protocol-choice.ts';
import { ServerRequestHandlers } from './server-request-handlers.ts';
import { SSEClientTransport } from './sse-client-transport.ts';
import { StatelessClientTransport } from './stateless-client-transport.ts';
import { StreamableHTTPClientTransport } from './streamable-http-client-transport.ts';

/** How long `close()` waits for notifications still being sent. */
const CLOSE_FLUSH_MS = 2_000;

/**
 * An MCP client over Streamable HTTP or HTTP+SSE, built on `fetch`: runs in browsers and Node.
 *
 * @example
 * const client = new McpClient({ url: 'http://localhost:8080/mcp', headers: { authorization: `Bearer ${token}` } });
 * await client.connect();
 * const result = await client.callTool('search', { query: 'mcp' }, { onProgress: (p) => console.log(p.progress) });
 * await client.close();
 */
export class McpClient {
  #options: ResolvedClientOptions;
  #state: 'idle' | 'connecting' | 'connected' | 'closed' = 'idle';
  #reconnecting = false;
  /** 2026-07-28 listens that dropped and are being opened again. */
  #relistening = new Set<ListenStream>();
  #connecting: Promise<InitializeResult> | undefined;
  #transport: ClientTransport | undefined;
  #server: InitializeResult | undefined;
  #outgoing = new OutgoingRequests({
    cancel: (requestId, reason) => {
      const transport = this.#transport;
      // 2026-07-28 cancels by closing the request's stream, which the abort already did.
      if (this.#state === 'closed' || transport === undefined || transport.kind === 'stateless') return;
      const params: CancelledParams = { requestId, reason };
      this.#notify(transport, CancellationMethod.Cancelled, params).catch((error: unknown) =>
        this.#events.emit('error', toLiveError(error)),
      );
    },
  });
  #events = new Emitter<McpClientEvents>();
  #sending = new Set<Promise<void>>();
  #notifications = new NotificationRouter();
  #handlers = new ServerRequestHandlers();
  #listens = new Set<ListenStream>();
  #listenIds = 0;

  constructor(options: McpClientOptions) {
    this.#options = resolveClientOptions(options);
  }

  /** The server's name and version, once connected. */
  get serverInfo(): Implementation | undefined {
    return this.#server?.serverInfo;
  }

  get serverCapabilities(): ServerCapabilities | undefined {
    return this.#server?.capabilities;
  }

  get instructions(): string | undefined {
    return this.#server?.instructions;
  }

  /** The protocol revision in use: `'2026-07-28'`, or the one the server chose in `initialize`. */
  get protocolVersion(): string | undefined {
    return this.#server?.protocolVersion;
  }

  get sessionId(): string | undefined {
    return this.#transport?.sessionId;
  }

  /**
   * The wire in use once connected: `'stateless'` (MCP 2026-07-28, no session), `'streamable-http'`
   * (a 2025 session) or `'sse'` (HTTP+SSE).
   */
  get transport(): 'stateless' | 'streamable-http' | 'sse' | undefined {
    return this.#transport?.kind;
  }

  /**
   * True while the stream that carries the server's own messages is down and being reopened (see the
   * `reconnecting` and `reconnected` events); requests can still be sent.
   */
  get reconnecting(): boolean {
    return this.#reconnecting || this.#relistening.size > 0;
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  /**
   * Finds the protocol (`server/discover` for 2026-07-28, else the `initialize` handshake) and connects;
   * calling it again returns the same promise.
   */
  connect(): Promise<InitializeResult> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError('connect'));
    if (this.#connecting !== undefined) return this.#connecting;
    this.#state = 'connecting';
    this.#connecting = this.#open().then(
      (result) => {
        this.#state = 'connected';
        return result;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        if (this.#state === 'connecting') this.#state = 'idle';
        throw error;
      },
    );
    return this.#connecting;
  }

  /** Ends the streams and the session (DELETE on Streamable HTTP), and rejects every pending request. */
  async close(): Promise<void> {
    if (this.#state !== 'closed') await this.#shutdown(undefined);
  }

  /** Sends any request and resolves its result; a JSON-RPC error rejects with a `ProtocolError`. */
  request<Result = Record<string, unknown>>(
    method: string,
    params?: object,
    options?: RequestOptions,
  ): Promise<Result> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError(`send "${method}"`));
    const transport = this.#transport;
    if (this.#state !== 'connected' || transport === undefined) {
      const error = `cannot send "${method}" before connect() has resolved; await client.connect() first`;
      return Promise.reject(new McpLiveError('NOT_INITIALIZED', error));
    }
    if (transport.kind === 'stateless') return this.#modern<Result>(transport, method, params, options ?? {});
    return this.#request<Result>(transport, method, params, options ?? {});
  }

  /**
   * Opens a `subscriptions/listen` stream (MCP 2026-07-28) and resolves once the server acknowledged it.
   * Its notifications reach `onNotification` listeners and the `notification` event; a stream that drops
   * is opened again with the `reconnect` settings. A 2025 session has no listen: its notifications come
   * on the session's stream, and `subscribe(uri)` asks for resource updates.
   *
   * @example
   * const listen = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['file:///a.md'] });
   * client.onNotification('notifications/resources/updated', ({ uri }) => reload(uri));
   * await listen.close();
   */
  async listen(filter: ListenFilter, options: ListenOptions = {}): Promise<Listen> {
    if (this.#state === 'closed') throw this.#closedError('listen');
    const transport = this.#transport;
    if (this.#state !== 'connected' || transport === undefined) {
      const error = 'cannot listen before connect() has resolved; await client.connect() first';
      throw new McpLiveError('NOT_INITIALIZED', error);
    }
    if (!(transport instanceof StatelessClientTransport)) {
      throw new McpLiveError(
        'CAPABILITY_MISSING',
        `listen() sends subscriptions/listen, a MCP 2026-07-28 request, but this client holds a ${this.protocolVersion} session with ${this.#options.url.href} (${transport.kind}); there, notifications arrive on the session's stream (onNotification) and subscribe(uri) asks for resource updates`,
      );
    }
    const stream = new ListenStream({
      filter,
      timeout: options.timeout ?? this.#options.requestTimeout,
      signal: options.signal,
      reconnect: this.#options.reconnect,
      label: `POST ${this.#options.url.href}`,
      nextId: () => `listen-${++this.#listenIds}`,
      exchange: (request, signal, onMessage) => transport.exchange(request, signal, onMessage),
      deliver: (notification) => this.#publish(notification),
      reconnecting: (info) => {
        this.#relistening.add(stream);
        this.#events.emit('reconnecting', info);
      },
      reconnected: () => {
        this.#relistening.delete(stream);
        this.#events.emit('reconnected');
      },
      error: (error) => this.#events.emit('error', error),
    });
    this.#listens.add(stream);
    void stream.closed.then(() => {
      this.#listens.delete(stream);
      this.#relistening.delete(stream);
    });
    await stream.start();
    return stream;
  }

  /** Sends a notification; resolves once the server accepted it. */
  notify(method: string, params?: object): Promise<void> {
    const transport = this.#transport;
    if (this.#state === 'closed' || transport === undefined) {
      return Promise.reject(this.#closedError(`send "${method}"`));
    }
    return this.#notify(transport, method, params);
  }

  /** Listens to a client event; returns the function that stops listening. */
  on<Event extends keyof McpClientEvents>(event: Event, listener: McpClientEvents[Event]): () => void {
    return this.#events.on(event, listener);
  }

  /** Listens to the notifications of one method, or of every method with `'*'`; returns an unsubscribe. */
  onNotification<Method extends keyof ServerNotificationMap>(
    method: Method,
    listener: NotificationListener<ServerNotificationMap[Method]>,
  ): () => void;
  onNotification(method: string, listener: NotificationListener): () => void;
  onNotification(method: string, listener: NotificationListener<never>): () => void {
    return this.#notifications.add(method, listener as NotificationListener);
  }

  /**
   * Answers the server's requests of `method`. Set before `connect()`, it also declares the matching
   * capability (`sampling`, `elicitation`, `roots`). Returns the function that removes it.
   */
  setRequestHandler<Method extends keyof ServerRequestMap>(
    method: Method,
    handler: ServerRequestHandler<ServerRequestMap[Method]['params'], ServerRequestMap[Method]['result']>,
  ): () => void;
  setRequestHandler(method: string, handler: ServerRequestHandler): () => void;
  setRequestHandler(method: string, handler: ServerRequestHandler<never, object>): () => void {
    return this.#handlers.set(method, handler as ServerRequestHandler);
  }

  listTools(params: PaginatedParams = {}, options?: RequestOptions): Promise<ListToolsResult> {
    return this.request('tools/list', params, options);
  }

  /** Calls a tool; a tool failure resolves with `isError: true`, a protocol failure rejects. */
  callTool(
    name: string,
    args: Record<string, unknown> = {},
    options?: RequestOptions,
  ): Promise<CallToolResult> {
    return this.request('tools/call', { name, arguments: args }, options);
  }

  listResources(params: PaginatedParams = {}, options?: RequestOptions): Promise<ListResourcesResult> {
    return this.request('resources/list', params, options);
  }

  listResourceTemplates(
    params: PaginatedParams = {},
    options?: RequestOptions,
  ): Promise<ListResourceTemplatesResult> {
    return this.request('resources/templates/list', params, options);
  }

  readResource(uri: string, options?: RequestOptions): Promise<ReadResourceResult> {
    return this.request('resources/read', { uri }, options);
  }

  /** Asks for `notifications/resources/updated` about `uri`. */
  async subscribe(uri: string, options?: RequestOptions): Promise<void> {
    await this.request('resources/subscribe', { uri }, options);
  }

  async unsubscribe(uri: string, options?: RequestOptions): Promise<void> {
    await this.request('resources/unsubscribe', { uri }, options);
  }

  listPrompts(params: PaginatedParams = {}, options?: RequestOptions): Promise<ListPromptsResult> {
    return this.request('prompts/list', params, options);
  }

  getPrompt(
    name: string,
    args: Record<string, string> = {},
    options?: RequestOptions,
  ): Promise<GetPromptResult> {
    return this.request('prompts/get', { name, arguments: args }, options);
  }

  complete(params: CompleteParams, options?: RequestOptions): Promise<CompleteResult> {
    return this.request('completion/complete', params, options);
  }

  async setLogLevel(level: LoggingLevel, options?: RequestOptions): Promise<void> {
    await this.request('logging/setLevel', { level }, options);
  }

  async ping(options?: RequestOptions): Promise<void> {
    await this.request('ping', undefined, options);
  }

  #open(): Promise<InitializeResult> {
    const { protocols, url } = this.#options;
    return tryProtocols(
      protocols,
      url,
      (protocol) => this.#try(protocol),
      () => this.#state === 'closed',
    );
  }

  #try(protocol: ProtocolAttempt): Promise<InitializeResult> {
    if (protocol === '2026-07-28') return this.#discover(this.#create(StatelessClientTransport));
    if (protocol === '2025') return this.#handshake(this.#create(StreamableHTTPClientTransport));
    return this.#handshake(this.#create(SSEClientTransport));
  }

  /** MCP 2026-07-28 has no handshake: `server/discover` tells who the server is and that it speaks it. */
  async #discover(transport: ClientTransport): Promise<InitializeResult> {
    this.#transport = transport;
    try {
      const result = await this.#request<Record<string, unknown>>(transport, 'server/discover', {}, {});
      this.#server = fromDiscover(result, this.#options.url);
      return this.#server;
    } catch (error) {
      if (this.#transport === transport) this.#transport = undefined;
      this.#server = undefined;
      await transport.close();
      throw error;
    }
  }

  /** A 2026-07-28 request: no removed methods, and `input_required` rounds answered by the handlers. */
  #modern<Result>(
    transport: ClientTransport,
    method: string,
    params: object | undefined,
    options: RequestOptions,
  ): Promise<Result> {
    const removed = removedMethodError(method, this.#options.url);
    if (removed !== undefined) return Promise.reject(removed);
    return runInputRounds<Result>({
      method,
      params,
      signal: options.signal,
      send: (round) => this.#request(transport, method, round, options),
      answer: (asked, asks, context) => this.#handlers.answer(asked, asks, context),
    });
  }

  async #handshake(transport: ClientTransport): Promise<InitializeResult> {
    this.#transport = transport;
    try {
      await transport.start();
      const { protocolVersion, clientInfo } = this.#options;
      const capabilities = { ...this.#handlers.capabilities(), ...this.#options.capabilities };
      const params = { protocolVersion, capabilities, clientInfo };
      const result = await this.#request<InitializeResult>(transport, 'initialize', params, {});
      if (!isLegacyProtocolVersion(result.protocolVersion)) {
        const supported = LEGACY_PROTOCOL_VERSIONS.join(', ');
        const error = `${this.#options.url.href} chose protocol version ${String(result.protocolVersion)}, which this client does not speak (it speaks ${supported})`;
        throw new McpLiveError('REMOTE_ERROR', error, { data: result });
      }
      transport.ready(result.protocolVersion);
      this.#server = result;
      await this.#notify(transport, 'notifications/initialized');
      transport.listen();
      return result;
    } catch (error) {
      if (this.#transport === transport) this.#transport = undefined;
      this.#server = undefined;
      await transport.close();
      throw error;
    }
  }

  #create(Transport: new (options: ClientTransportOptions) => ClientTransport): ClientTransport {
    // Whatever a transport reports after it stopped being the client's (a failed attempt) is dropped.
    const current = () => transport === this.#transport;
    const sink: TransportSink = {
      message: (message) => current() && this.#receive(message),
      lost: (id, error) => current() && this.#outgoing.fail(id, error),
      error: (error) => current() && this.#events.emit('error', error),
      closed: (error) => current() && void this.#shutdown(error),
      reconnecting: (attempt, delay, error) => {
        if (!current()) return;
        this.#reconnecting = true;
        this.#events.emit('reconnecting', { attempt, delay, error });
      },
      reconnected: (resumed) => {
        if (!current() || !this.#reconnecting) return;
        this.#reconnecting = false;
        if (resumed) this.#events.emit('reconnected');
      },
    };
    const capabilities = () => ({ ...this.#handlers.capabilities(), ...this.#options.capabilities });
    const transport = new Transport({ client: this.#options, sink, capabilities });
    return transport;
  }

  #receive(message: JSONRPCMessage): void {
    if (isJSONRPCResponse(message)) {
      this.#outgoing.settle(message);
      return;
    }
    if (isJSONRPCRequest(message)) return void this.#answer(message);
    const notification = message as JSONRPCNotification;
    if (notification.method === ProgressMethod.Progress) {
      const params = notification.params as ProgressParams | undefined;
      if (params !== undefined) this.#outgoing.progress(params);
    } else if (notification.method === CancellationMethod.Cancelled) {
      const params = notification.params as CancelledParams | undefined;
      if (params !== undefined)
        this.#handlers.cancel(params.requestId, params.reason ?? 'cancelled by the server');
    }
    this.#publish(notification);
  }

  #publish(notification: JSONRPCNotification): void {
    this.#events.emit('notification', notification);
    this.#notifications.dispatch(notification);
  }

  async #answer(request: JSONRPCRequest): Promise<void> {
    const transport = this.#transport;
    const response = await this.#handlers.handle(request);
    if (response === undefined || transport === undefined || transport !== this.#transport) return;
    await transport.send(response).catch((error: unknown) => this.#events.emit('error', toLiveError(error)));
  }

  #request<Result>(
    transport: ClientTransport,
    method: string,
    params: object | undefined,
    options: RequestOptions,
  ) {
    const timeout = options.timeout ?? this.#options.requestTimeout;
    return this.#outgoing.start<Result>(method, params, { ...options, timeout }, (message, signal) =>
      transport.send(message, signal),
    );
  }

  #notify(transport: ClientTransport, method: string, params?: object): Promise<void> {
    const message: JSONRPCNotification = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params as Record<string, unknown>;
    const sending = transport.send(message);
    const settled = sending.then(
      () => undefined,
      () => undefined,
    );
    this.#sending.add(settled);
    void settled.then(() => this.#sending.delete(settled));
    return sending;
  }

  async #shutdown(reason: McpLiveError | undefined): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#reconnecting = false;
    const transport = this.#transport;
    this.#outgoing.failAll(
      (label) =>
        reason ?? new McpLiveError('SESSION_CLOSED', `the client closed before ${label} was answered`),
    );
    this.#handlers.cancelAll(reason ?? 'the client closed');
    // Before the transport closes, or a listen would take its closed stream for a dropped one.
    const listens = [...this.#listens].map((listen) => listen.close());
    // A graceful close lets notifications already sent (a cancellation, say) reach the server first.
    if (reason === undefined && this.#sending.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_FLUSH_MS);
      });
      await Promise.race([Promise.all(this.#sending), limit]);
      clearTimeout(timer);
    }
    await transport?.close();
    await Promise.all(listens);
    this.#events.emit('close', reason);
  }

  #closedError(what: string): McpLiveError {
    return new McpLiveError('SESSION_CLOSED', `cannot ${what}: the client is closed; create a new McpClient`);
  }
}
