import {
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type RequestId,
} from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { AbortScope, type ScopedSignal } from './abort-scope.ts';
import { type ResolvedClientOptions, resolveHeaders } from './client-options.ts';
import {
  type ClientTransport,
  type ClientTransportOptions,
  deliverEvent,
  deliverPayload,
  type TransportSink,
} from './client-transport.ts';
import { drainBody } from './drain-body.ts';
import { followEventStream, SeenEventIds } from './follow-event-stream.ts';
import { httpError, mediaType, networkError, statusOf } from './transport-error.ts';

function answers(messages: JSONRPCMessage[], id: RequestId): boolean {
  return messages.some((message) => isJSONRPCResponse(message) && message.id === id);
}

/**
 * The Streamable HTTP wire (2025-03-26 and later): every message is a POST to one endpoint, answered
 * with JSON or an event stream; a GET stream carries server-initiated messages; DELETE ends the session.
 */
export class StreamableHTTPClientTransport implements ClientTransport {
  readonly kind = 'streamable-http';
  #options: ResolvedClientOptions;
  #sink: TransportSink;
  #sessionId: string | undefined;
  #protocolVersion: string | undefined;
  #scope = new AbortScope();
  #seen = new SeenEventIds();

  constructor(options: ClientTransportOptions) {
    this.#options = options.client;
    this.#sink = options.sink;
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  async start(): Promise<void> {}

  ready(protocolVersion: string): void {
    this.#protocolVersion = protocolVersion;
  }

  async send(message: JSONRPCMessage, signal?: AbortSignal): Promise<void> {
    const url = this.#options.url;
    const scoped = this.#scope.child(signal);
    let streaming = false;
    try {
      const headers = await this.#headers({
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      });
      const response = await this.#fetch('POST', { headers, body: JSON.stringify(message) }, scoped.signal);
      this.#sessionId ??= response.headers.get('mcp-session-id') ?? undefined;
      if (!isJSONRPCRequest(message)) return void (await drainBody(response));
      const type = mediaType(response);
      if (type === 'text/event-stream') {
        streaming = true;
        void this.#follow(response, message.id, scoped);
        return;
      }
      const source = `POST ${url.href}`;
      const text = response.status === 202 ? '' : await response.text();
      if (type === 'application/json' && answers(deliverPayload(text, source, this.#sink), message.id))
        return;
      const what =
        response.status === 202
          ? '202 Accepted'
          : type === 'application/json'
            ? 'JSON that does not answer it'
            : type || 'a body without content type';
      const error = `${source} answered request ${message.id} with ${what}; expected a JSON-RPC response as application/json or text/event-stream`;
      this.#sink.lost(message.id, new McpLiveError('UNEXPECTED_MESSAGE', error));
    } finally {
      if (!streaming) scoped.release();
    }
  }

  listen(): void {
    const scoped = this.#scope.child();
    const label = `GET ${this.#options.url.href}`;
    void followEventStream({
      label,
      open: (lastEventId) => this.#get(lastEventId, scoped.signal, { optional: true }),
      canResume: () => true,
      isFinished: () => false,
      onEvent: (event) => deliverEvent(event, label, this.#sink),
      onGiveUp: (error) => {
        const message = `stopped listening for server-initiated messages: ${error.message}`;
        this.#sink.error(new McpLiveError(error.code, message, { cause: error, data: error.data }));
        this.#sink.reconnected(false);
      },
      onReconnecting: (attempt, delay, error) => this.#sink.reconnecting(attempt, delay, error),
      onReconnected: () => this.#sink.reconnected(true),
      seen: this.#seen,
      reconnect: this.#options.reconnect,
      signal: scoped.signal,
    }).finally(scoped.release);
  }

  async close(): Promise<void> {
    if (this.#scope.signal.aborted) return;
    this.#scope.close(new McpLiveError('SESSION_CLOSED', 'the client closed'));
    if (this.#sessionId === undefined) return;
    const url = this.#options.url;
    try {
      const headers = await this.#headers({});
      const signal = AbortSignal.timeout(this.#options.requestTimeout);
      const response = await this.#options.fetch(url, { method: 'DELETE', headers, signal });
      // 405: the server does not let clients end sessions, which is allowed.
      if (!response.ok && response.status !== 405) {
        this.#sink.error(await httpError('DELETE', url, response, { sessionId: this.#sessionId }));
      } else await drainBody(response);
    } catch (error) {
      this.#sink.error(networkError('DELETE', url, error));
    }
  }

  /** Reads the event stream that answers request `id`, resuming it with GET + Last-Event-ID if it drops. */
  async #follow(first: Response, id: RequestId, scoped: ScopedSignal): Promise<void> {
    const label = `POST ${this.#options.url.href}`;
    let answered = false;
    await followEventStream({
      label,
      first,
      open: (lastEventId) => this.#get(lastEventId, scoped.signal, { optional: false }),
      canResume: (lastEventId) => lastEventId !== undefined,
      isFinished: () => answered,
      onEvent: (event) => {
        if (answers(deliverEvent(event, label, this.#sink), id)) answered = true;
      },
      onGiveUp: (error) => {
        const message = `request ${id} got no response: ${error.message}`;
        this.#sink.lost(id, new McpLiveError(error.code, message, { cause: error, data: error.data }));
      },
      seen: this.#seen,
      reconnect: this.#options.reconnect,
      signal: scoped.signal,
    }).finally(scoped.release);
  }

  async #get(lastEventId: string | undefined, signal: AbortSignal, options: { optional: boolean }) {
    const extra: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) extra['last-event-id'] = lastEventId;
    let response: Response;
    try {
      response = await this.#fetch('GET', { headers: await this.#headers(extra) }, signal);
    } catch (error) {
      // 405: this server offers no GET stream (allowed by the spec).
      if (options.optional && statusOf(error) === 405) return null;
      throw error;
    }
    const type = mediaType(response);
    if (type === 'text/event-stream') return response;
    await response.body?.cancel();
    const url = this.#options.url.href;
    throw new McpLiveError(
      'UNEXPECTED_MESSAGE',
      `GET ${url} answered ${type || 'no content type'}; expected text/event-stream`,
    );
  }

  async #headers(extra: Record<string, string>): Promise<Headers> {
    const headers = await resolveHeaders(this.#options.headers);
    if (this.#sessionId !== undefined) headers.set('mcp-session-id', this.#sessionId);
    if (this.#protocolVersion !== undefined) headers.set('mcp-protocol-version', this.#protocolVersion);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return headers;
  }

  async #fetch(method: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const url = this.#options.url;
    let response: Response;
    try {
      response = await this.#options.fetch(url, { ...init, method, signal });
    } catch (error) {
      throw signal.aborted ? signal.reason : networkError(method, url, error);
    }
    if (!response.ok) throw await httpError(method, url, response, { sessionId: this.#sessionId });
    return response;
  }
}
