import type { McpServer } from '../server/mcp-server.ts';
import type { FetchHandler, NodeHandler } from './http/entry-points.ts';
import { HttpEngine } from './http/http-engine.ts';
import type { ListenAddress, ListeningInfo } from './listen.ts';
import { resolveSSEOptions, type SSEServerOptions } from './sse-options.ts';
import { SSEWire } from './sse-wire.ts';

/** Options of `SSEServer.close`. */
export interface SSECloseOptions {
  /** ms to wait for in-flight handlers before aborting them. @default the `shutdownTimeout` option */
  timeout?: number;
}

/**
 * The HTTP+SSE transport (MCP 2024-11-05, the one mcp-go's `SSEServer` speaks): a client opens
 * `GET {base}/sse`, learns its message URL from the `endpoint` event, POSTs requests there and reads
 * every answer from the stream. One instance serves many clients, each with its own session. As an
 * extension, a session outlives its dropped stream for `reconnectGracePeriod`, and a client that
 * reconnects with its `sessionId` and `Last-Event-ID` gets the events it missed.
 *
 * @example
 * const sse = new SSEServer(server, { basePath: '/mcp', keepAliveInterval: 30_000 });
 * await sse.listen(':8080'); // or http.createServer(sse.handleNode), or Bun.serve({ fetch: sse.fetch })
 */
export class SSEServer {
  readonly server: McpServer;
  readonly #engine: HttpEngine;
  readonly #wire: SSEWire;

  constructor(server: McpServer, options: SSEServerOptions = {}) {
    this.server = server;
    const o = resolveSSEOptions(options);
    let wire: SSEWire | undefined;
    this.#engine = new HttpEngine(server, 'SSEServer', o, (context) => {
      wire = new SSEWire(context, o, options.eventStore === undefined);
      return [wire];
    });
    this.#wire = wire!;
    this.handleNode = this.#engine.handleNode;
    this.fetch = this.#engine.fetch;
  }

  /** How many sessions this transport holds: with an open stream, or waiting for their client to reconnect. */
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

  /** Starts a `node:http` server on `address` (the seed's `Start(":8080")`). */
  listen(address: ListenAddress): Promise<ListeningInfo> {
    return this.#engine.listen(address);
  }

  /**
   * Stops taking new streams and requests (503), waits up to `timeout` for in-flight handlers, then
   * closes every session of this transport (aborting what still runs) and the server `listen` started.
   */
  close(options: SSECloseOptions = {}): Promise<void> {
    return this.#engine.close(options.timeout);
  }
}
