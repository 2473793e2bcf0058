import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { AbortScope } from './abort-scope.ts';
import { type ResolvedClientOptions, resolveHeaders } from './client-options.ts';
import {
  type ClientTransport,
  type ClientTransportOptions,
  deliverEvent,
  type TransportSink,
} from './client-transport.ts';
import { drainBody } from './drain-body.ts';
import { followEventStream, SeenEventIds } from './follow-event-stream.ts';
import type { EventSourceMessage } from './read-event-stream.ts';
import { httpError, mediaType, networkError } from './transport-error.ts';

/**
 * The HTTP+SSE wire (2024-11-05): a GET opens an event stream whose first event, `endpoint`, names
 * the URL to POST messages to; everything the server sends arrives on that stream.
 */
export class SSEClientTransport implements ClientTransport {
  readonly kind = 'sse';
  #options: ResolvedClientOptions;
  #sink: TransportSink;
  #endpoint: URL | undefined;
  #scope = new AbortScope();
  #seen = new SeenEventIds();

  constructor(options: ClientTransportOptions) {
    this.#options = options.client;
    this.#sink = options.sink;
  }

  /** The `sessionId` query parameter of the endpoint, as most servers name it. */
  get sessionId(): string | undefined {
    return this.#endpoint?.searchParams.get('sessionId') ?? undefined;
  }

  /** Opens the event stream and resolves once the server named its message endpoint. */
  start(): Promise<void> {
    const url = this.#options.sseUrl;
    const label = `GET ${url.href}`;
    return new Promise((resolve, reject) => {
      let started = false;
      const begin = (error?: McpLiveError) => {
        if (started) return;
        started = true;
        clearTimeout(timer);
        if (error === undefined) return resolve();
        this.#scope.close(error);
        reject(error);
      };
      const timeout = this.#options.requestTimeout;
      const silent = `${label} sent no "endpoint" event within ${timeout} ms; is it an MCP HTTP+SSE endpoint?`;
      const timer = setTimeout(() => begin(new McpLiveError('TIMEOUT', silent)), timeout);
      const onEvent = (event: EventSourceMessage) => {
        if (event.event !== 'endpoint') return void deliverEvent(event, label, this.#sink);
        const endpoint = new URL(event.data.trim(), url);
        if (endpoint.origin !== url.origin) {
          const message = `${label} named ${endpoint.href} as its message endpoint, on another origin than ${url.origin}; refusing to send messages there`;
          const error = new McpLiveError('UNEXPECTED_MESSAGE', message);
          return started ? this.#sink.closed(error) : begin(error);
        }
        this.#endpoint = endpoint;
        begin();
      };
      void followEventStream({
        label,
        open: (lastEventId) => this.#open(lastEventId),
        // Only a server that numbers its events can continue a session on a new stream.
        canResume: (lastEventId) => started && lastEventId !== undefined,
        isFinished: () => false,
        onEvent,
        onGiveUp: (error) => (started ? this.#sink.closed(error) : begin(error)),
        onReconnecting: (attempt, delay, error) => this.#sink.reconnecting(attempt, delay, error),
        onReconnected: () => this.#sink.reconnected(true),
        seen: this.#seen,
        reconnect: this.#options.reconnect,
        signal: this.#scope.signal,
      }).finally(() =>
        begin(new McpLiveError('SESSION_CLOSED', `the client closed before ${label} was ready`)),
      );
    });
  }

  ready(): void {}

  listen(): void {}

  async send(message: JSONRPCMessage, signal?: AbortSignal): Promise<void> {
    const endpoint = this.#endpoint;
    if (endpoint === undefined) {
      throw new McpLiveError(
        'NOT_INITIALIZED',
        'the SSE transport has no message endpoint yet; call start() first',
      );
    }
    const scoped = this.#scope.child(signal);
    try {
      const headers = await resolveHeaders(this.#options.headers);
      headers.set('content-type', 'application/json');
      let response: Response;
      try {
        const init = { method: 'POST', headers, body: JSON.stringify(message), signal: scoped.signal };
        response = await this.#options.fetch(endpoint, init);
      } catch (error) {
        throw scoped.signal.aborted ? scoped.signal.reason : networkError('POST', endpoint, error);
      }
      if (!response.ok) throw await httpError('POST', endpoint, response, { sessionId: this.sessionId });
      await drainBody(response);
    } finally {
      scoped.release();
    }
  }

  async close(): Promise<void> {
    if (this.#scope.signal.aborted) return;
    this.#scope.close(new McpLiveError('SESSION_CLOSED', 'the client closed'));
  }

  async #open(lastEventId: string | undefined): Promise<Response> {
    let url = this.#options.sseUrl;
    const sessionId = this.sessionId;
    if (lastEventId !== undefined && sessionId !== undefined) {
      // A resuming stream names its session too, so that any instance of a deployment can find it.
      url = new URL(url);
      url.searchParams.set('sessionId', sessionId);
    }
    const headers = await resolveHeaders(this.#options.headers);
    headers.set('accept', 'text/event-stream');
    if (lastEventId !== undefined) headers.set('last-event-id', lastEventId);
    let response: Response;
    try {
      response = await this.#options.fetch(url, { method: 'GET', headers, signal: this.#scope.signal });
    } catch (error) {
      throw networkError('GET', url, error);
    }
    if (!response.ok) throw await httpError('GET', url, response);
    if (mediaType(response) === 'text/event-stream') return response;
    await response.body?.cancel();
    throw new McpLiveError(
      'UNEXPECTED_MESSAGE',
      `GET ${url.href} answered ${mediaType(response) || 'no content type'}; expected text/event-stream`,
    );
  }
}
