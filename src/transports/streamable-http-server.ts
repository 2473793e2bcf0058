import type { McpServer } from '../server/mcp-server.ts';
import type { FetchHandler, NodeHandler } from './http/entry-points.ts';
import { HttpEngine } from './http/http-engine.ts';
import type { ListenAddress, ListeningInfo } from './listen.ts';
import { resolveStreamableOptions, type StreamableHTTPServerOptions } from './streamable-http-options.ts';
import { StreamableWire } from './streamable-http-wire.ts';

/** Options of `StreamableHTTPServer.close`. */
export interface StreamableHTTPCloseOptions {
  /** ms to wait for in-flight handlers before aborting them. @default the `shutdownTimeout` option */
  timeout?: number;
}

/**
 * The Streamable HTTP transport (MCP 2025-03-26, 2025-06-18 and 2025-11-25) at `{base}/mcp`: clients
 * POST messages and read answers from the POST's event stream (or JSON body), open one GET stream for
 * what the server sends on its own, resume streams with `Last-Event-ID`, and end sessions with DELETE.
 * One instance serves many clients, each with its own session; `stateless: true` keeps none.
 *
 * @example
 * const http = new StreamableHTTPServer(server, { keepAliveInterval: 30_000 });
 * await http.listen(':8080'); // or http.createServer(http.handleNode), or Bun.serve({ fetch: http.fetch })
 */
export class StreamableHTTPServer {
  readonly server: McpServer;
  readonly #engine: HttpEngine;
  readonly #wire: StreamableWire;

  constructor(server: McpServer, options: StreamableHTTPServerOptions = {}) {
    this.server = server;
    const o = resolveStreamableOptions(options);
    let wire: StreamableWire | undefined;
    this.#engine = new HttpEngine(server, 'StreamableHTTPServer', o, (context) => {
      wire = new StreamableWire(context, o, options.eventStore === undefined);
      return [wire];
    });
    this.#wire = wire!;
    this.handleNode = this.#engine.handleNode;
    this.fetch = this.#engine.fetch;
  }

  /** How many sessions this transport holds open. */
  get sessionCount(): number {
    return this.#wire.sessionCount;
  }

  /**
   * Handles a `node:http` request (also Express's and, with `reply.hijack()`, Fastify's `raw` ones).
   * A request for another path goes to `next` when given, or gets 404.
   */
  readonly handleNode: NodeHandler;

  /** Handles a web `Request` (Hono, Bun, Deno, workers); other paths get 404. */
  readonly fetch: FetchHandler;

  /** Starts a `node:http` server on `address`. */
  listen(address: ListenAddress): Promise<ListeningInfo> {
    return this.#engine.listen(address);
  }

  /**
   * Stops taking new sessions and requests (503), ends listen streams with their completion result,
   * waits up to `timeout` for in-flight handlers, then closes every session of this transport
   * (aborting what still runs) and the server `listen` started.
   */
  close(options: StreamableHTTPCloseOptions = {}): Promise<void> {
    return this.#engine.close(options.timeout);
  }
}
