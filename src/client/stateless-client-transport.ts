import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from '../protocol/jsonrpc.ts';
import type { ClientCapabilities } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { parseMessages } from '../protocol/parse.ts';
import { MetaKey, ModernErrorCode } from '../protocol/request-meta.ts';
import { LATEST_MODERN_PROTOCOL_VERSION } from '../protocol/versions.ts';
import { AbortScope } from './abort-scope.ts';
import { type ResolvedClientOptions, resolveHeaders } from './client-options.ts';
import {
  type ClientTransport,
  type ClientTransportOptions,
  deliverEvent,
  type TransportSink,
} from './client-transport.ts';
import { mirroredHeaders, ToolParamHeaders } from './mirrored-headers.ts';
import { readEventStream } from './read-event-stream.ts';
import { httpError, mediaType, networkError, reasonOf } from './transport-error.ts';

/** How many `tools/list` pages the client reads to learn a tool's mirrored arguments. */
const MAX_LIST_PAGES = 10;

type Answer = { stream: Response } | { messages: JSONRPCMessage[] };

/**
 * MCP 2026-07-28 over Streamable HTTP: every request is a POST of its own carrying the `_meta` envelope
 * and the mirrored headers, answered with JSON or an event stream that ends with the response. There is
 * no session, no GET stream and no resumption; closing a POST's stream cancels its request.
 */
export class StatelessClientTransport implements ClientTransport {
  readonly kind = 'stateless';
  readonly sessionId = undefined;
  #options: ResolvedClientOptions;
  #sink: TransportSink;
  #capabilities: () => ClientCapabilities;
  #scope = new AbortScope();
  #tools = new ToolParamHeaders();

  constructor(options: ClientTransportOptions) {
    this.#options = options.client;
    this.#sink = options.sink;
    this.#capabilities = options.capabilities ?? (() => ({}));
  }

  async start(): Promise<void> {}

  ready(): void {}

  listen(): void {}

  /** POSTs a request and hands every message of its answer to the sink; rejects when none answers it. */
  async send(message: JSONRPCMessage, signal?: AbortSignal): Promise<void> {
    if (!isJSONRPCRequest(message)) {
      const what = 'method' in message ? `notification "${message.method}"` : 'a response';
      throw new McpLiveError(
        'CAPABILITY_MISSING',
        `cannot send ${what}: MCP 2026-07-28 over HTTP has no client notifications or responses (a request is cancelled by aborting it); connect with protocol: '2025' to send them`,
      );
    }
    const answered = await this.exchange(message, signal, (received) => this.#sink.message(received));
    if (!answered && !signal?.aborted) {
      throw new McpLiveError(
        'TRANSPORT',
        `POST ${this.#options.url.href} ended before it answered "${message.method}" (request ${message.id}); MCP 2026-07-28 answers cannot be resumed, so send the request again`,
      );
    }
  }

  /**
   * POSTs `request` with the `_meta` envelope and the mirrored headers and hands every message of the
   * answer to `onMessage` until the answer ends (or `signal` aborts, which closes the stream). Resolves
   * whether a response to the request came; rejects on an HTTP error without a JSON-RPC answer.
   */
  async exchange(
    request: JSONRPCRequest,
    signal: AbortSignal | undefined,
    onMessage: (message: JSONRPCMessage) => void,
  ): Promise<boolean> {
    const scoped = this.#scope.child(signal);
    try {
      const sent = this.#envelope(request);
      let answer = await this.#post(sent, scoped.signal);
      if ('messages' in answer && this.#refusedHeaders(sent, answer.messages)) {
        if (await this.#relearn(sent, scoped.signal)) answer = await this.#post(sent, scoped.signal);
      }
      let answered = false;
      const deliver = (message: JSONRPCMessage) => {
        if (isJSONRPCResponse(message) && message.id === sent.id) {
          answered = true;
          if (sent.method === 'tools/list' && 'result' in message) this.#tools.learn(message.result.tools);
        }
        onMessage(message);
      };
      if ('stream' in answer) await this.#read(answer.stream, deliver, scoped.signal);
      else for (const message of answer.messages) deliver(message);
      return answered;
    } finally {
      scoped.release();
    }
  }

  async close(): Promise<void> {
    this.#scope.close(new McpLiveError('SESSION_CLOSED', 'the client closed'));
  }

  #envelope(request: JSONRPCRequest): JSONRPCRequest {
    const params = request.params ?? {};
    const _meta = {
      ...(params._meta as Record<string, unknown> | undefined),
      [MetaKey.ProtocolVersion]: LATEST_MODERN_PROTOCOL_VERSION,
      [MetaKey.ClientInfo]: this.#options.clientInfo,
      [MetaKey.ClientCapabilities]: this.#capabilities(),
    };
    return { ...request, params: { ...params, _meta } };
  }

  async #post(request: JSONRPCRequest, signal: AbortSignal): Promise<Answer> {
    const url = this.#options.url;
    const headers = await resolveHeaders(this.#options.headers);
    const tool = request.method === 'tools/call' ? this.#tools.of(String(request.params?.name)) : undefined;
    for (const [name, value] of mirroredHeaders(request, tool ?? [])) headers.set(name, value);
    headers.set('content-type', 'application/json');
    headers.set('accept', 'application/json, text/event-stream');
    let response: Response;
    try {
      const init = { method: 'POST', headers, body: JSON.stringify(request), signal };
      response = await this.#options.fetch(url, init);
    } catch (error) {
      throw signal.aborted ? signal.reason : networkError('POST', url, error);
    }
    const type = mediaType(response);
    if (response.ok && type === 'text/event-stream') return { stream: response };
    const label = `POST ${url.href} answered "${request.method}" (request ${request.id})`;
    if (type === 'application/json') {
      const copy = response.ok ? undefined : response.clone();
      const parsed = parseMessages(await response.text());
      // A refusal counts as an answer when it is a JSON-RPC error to this request (a 2026 server's way).
      const answers = (message: JSONRPCMessage) =>
        isJSONRPCErrorResponse(message) && message.id === request.id;
      if (parsed.ok && (response.ok || parsed.messages.some(answers))) return { messages: parsed.messages };
      if (copy !== undefined) throw await httpError('POST', url, copy);
      throw new McpLiveError('UNEXPECTED_MESSAGE', `${label} with JSON that is not JSON-RPC`);
    }
    if (!response.ok) throw await httpError('POST', url, response);
    await response.body?.cancel();
    throw new McpLiveError(
      'UNEXPECTED_MESSAGE',
      `${label} with ${response.status === 202 ? '202 Accepted' : type || 'a body without content type'}; expected application/json or text/event-stream`,
    );
  }

  async #read(response: Response, deliver: (message: JSONRPCMessage) => void, signal: AbortSignal) {
    const label = `POST ${this.#options.url.href}`;
    const sink = { ...this.#sink, message: deliver };
    try {
      if (response.body === null) throw new TypeError('the response has no body');
      await readEventStream(response.body, { onEvent: (event) => deliverEvent(event, label, sink) }, signal);
    } catch (error) {
      if (signal.aborted) return;
      const message = `the event stream of ${label} broke: ${reasonOf(error)}`;
      throw new McpLiveError('TRANSPORT', message, { cause: error });
    }
  }

  #refusedHeaders(sent: JSONRPCRequest, messages: JSONRPCMessage[]): boolean {
    return (
      sent.method === 'tools/call' &&
      messages.some(
        (message) =>
          isJSONRPCErrorResponse(message) &&
          message.id === sent.id &&
          message.error.code === ModernErrorCode.HeaderMismatch,
      )
    );
  }

  /** Lists tools to learn the mirrored arguments of the tool `sent` calls; true when they changed. */
  async #relearn(sent: JSONRPCRequest, signal: AbortSignal): Promise<boolean> {
    const name = String(sent.params?.name);
    const before = JSON.stringify(this.#tools.of(name));
    let cursor: unknown;
    try {
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const id = `${sent.id}/tools-list-${page}`;
        const params = typeof cursor === 'string' ? { cursor } : {};
        const list: JSONRPCRequest = { jsonrpc: '2.0', id, method: 'tools/list', params };
        cursor = undefined;
        await this.exchange(list, signal, (message: JSONRPCMessage) => {
          if (isJSONRPCResponse(message) && message.id === id) cursor = nextCursor(message);
        });
        if (this.#tools.of(name) !== undefined || typeof cursor !== 'string') break;
      }
    } catch {
      // The original refusal says more than a failed listing would.
      return false;
    }
    return JSON.stringify(this.#tools.of(name)) !== before;
  }
}

function nextCursor(response: JSONRPCResponse): unknown {
  return 'result' in response ? response.result.nextCursor : undefined;
}
