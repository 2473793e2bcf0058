import type { Server, ServerResponse } from 'node:http';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { HTTPRequestInfo } from './http/exchange.ts';
import type { NodeRequest } from './http/node-exchange.ts';
import { stopListening } from './http/shutdown.ts';
import {
  cannotListenAgain,
  describeListening,
  type ListenAddress,
  type ListeningInfo,
  listenNode,
} from './listen.ts';
import { joinPath } from './sse-endpoint.ts';
import type { SSEServerOptions } from './sse-options.ts';
import { SSEServer } from './sse-server.ts';
import type { StreamableHTTPServerOptions } from './streamable-http-options.ts';
import { StreamableHTTPServer } from './streamable-http-server.ts';

/**
 * The options both HTTP transports have: mount point, auth, origin checks, keep-alive and limits.
 * Not `eventStore`: each transport keeps its own (pass one store to both on purpose if you share it).
 */
export type SharedHTTPOptionName = Exclude<
  keyof SSEServerOptions & keyof StreamableHTTPServerOptions,
  'eventStore'
>;

/** Options of an `McpHttpServer`: the shared ones, plus each transport's own. */
export interface McpHttpServerOptions extends Pick<StreamableHTTPServerOptions, SharedHTTPOptionName> {
  /** What only HTTP+SSE has (`sseEndpoint`, `messageEndpoint`, `baseURL`, `eventStore`, `reconnectGracePeriod`, …); `false` serves no SSE. @default {} */
  sse?: Omit<SSEServerOptions, SharedHTTPOptionName> | false;
  /** What only Streamable HTTP has (`endpoint`, `stateless`, `jsonResponse`, `eventStore`, …); `false` serves no `/mcp`. @default {} */
  streamableHTTP?: Omit<StreamableHTTPServerOptions, SharedHTTPOptionName> | false;
}

/**
 * Both HTTP transports on one port for one `McpServer`: Streamable HTTP at `{base}/mcp` for current
 * clients, HTTP+SSE at `{base}/sse` and `{base}/message` for older ones. They share the options
 * given at the top level (authentication, origin checks, keep-alive, limits; limits count per transport).
 *
 * @example
 * const http = new McpHttpServer(server, { basePath: '/api', authenticate: (req) => verify(req.headers) });
 * await http.listen(':8080'); // POST/GET/DELETE /api/mcp, GET /api/sse, POST /api/message
 */
export class McpHttpServer {
  readonly server: McpServer;
  /** The Streamable HTTP transport, unless `streamableHTTP: false`. */
  readonly streamableHTTP: StreamableHTTPServer | undefined;
  /** The HTTP+SSE transport, unless `sse: false`. */
  readonly sse: SSEServer | undefined;
  readonly #options: McpHttpServerOptions;
  #http: Server | undefined;
  #closed = false;

  constructor(server: McpServer, options: McpHttpServerOptions = {}) {
    const { sse, streamableHTTP, ...shared } = options;
    if (sse === false && streamableHTTP === false) {
      throw new McpLiveError('INVALID_OPTION', 'McpHttpServer needs at least one of sse and streamableHTTP');
    }
    this.server = server;
    this.#options = options;
    this.streamableHTTP =
      streamableHTTP === false
        ? undefined
        : new StreamableHTTPServer(server, { ...shared, ...streamableHTTP });
    this.sse = sse === false ? undefined : new SSEServer(server, { ...shared, ...sse });
  }

  /** How many sessions both transports hold open. */
  get sessionCount(): number {
    return (this.streamableHTTP?.sessionCount ?? 0) + (this.sse?.sessionCount ?? 0);
  }

  /** Handles a `node:http` request; paths of neither transport go to `next` when given, or get 404. */
  readonly handleNode = async (req: NodeRequest, res: ServerResponse, next?: (error?: unknown) => void) => {
    const { streamableHTTP, sse } = this;
    if (streamableHTTP === undefined) return sse?.handleNode(req, res, next);
    if (sse === undefined) return streamableHTTP.handleNode(req, res, next);
    // A path that is not /mcp goes on to the SSE transport, which answers 404 (or calls `next`) for others.
    let handoff: Promise<void> | undefined;
    await streamableHTTP.handleNode(req, res, () => {
      handoff = sse.handleNode(req, res, next);
    });
    await handoff;
  };

  /** Handles a web `Request`; paths of neither transport get 404. */
  readonly fetch = (request: Request): Promise<Response> => {
    const { streamableHTTP, sse } = this;
    if (streamableHTTP !== undefined && (sse === undefined || this.#isStreamable(request))) {
      return streamableHTTP.fetch(request);
    }
    return sse!.fetch(request);
  };

  /** Starts a `node:http` server on `address`; the URL it resolves is the Streamable HTTP endpoint's (or `/sse`). */
  async listen(address: ListenAddress): Promise<ListeningInfo> {
    if (this.#http !== undefined || this.#closed) {
      throw cannotListenAgain('McpHttpServer', this.#closed);
    }
    this.#http = await listenNode(address, (req, res) => void this.handleNode(req, res));
    return describeListening(this.#http, this.#path(this.#options.basePath ?? ''));
  }

  /** Closes both transports (see their `close`) and the server `listen` started. */
  async close(options: { timeout?: number } = {}): Promise<void> {
    this.#closed = true;
    await Promise.all([this.streamableHTTP?.close(options), this.sse?.close(options)]);
    const http = this.#http;
    this.#http = undefined;
    await stopListening(http);
  }

  /** The endpoint path of the transport `listen` reports. */
  #path(base: string): string {
    const { streamableHTTP, sse } = this.#options;
    if (streamableHTTP !== false) return joinPath(base, streamableHTTP?.endpoint ?? '/mcp');
    return joinPath(base, (sse === false ? undefined : sse?.sseEndpoint) ?? '/sse');
  }

  #isStreamable(request: Request): boolean {
    const url = new URL(request.url);
    const dynamic = this.#options.dynamicBasePath;
    let base = this.#options.basePath ?? '';
    if (dynamic !== undefined) {
      const info: HTTPRequestInfo = {
        method: request.method,
        path: url.pathname,
        search: url.search,
        headers: request.headers,
        url,
        raw: request,
      };
      const computed = dynamic(info);
      if (computed === undefined) return false;
      base = computed;
    }
    return url.pathname === this.#path(base.replace(/\/+$/, ''));
  }
}
