import type { McpServer } from '../../server/mcp-server.ts';
import type { ListenAddress, ListeningInfo } from '../listen.ts';
import type { FetchHandler, NodeHandler } from './entry-points.ts';
import type { ReadinessReport } from './health.ts';
import type { HttpEngine } from './http-engine.ts';

/** Options of an HTTP transport's `close`. */
export interface HTTPCloseOptions {
  /** ms to wait for in-flight handlers before aborting them. @default the `shutdownTimeout` option */
  timeout?: number;
}

/** What every HTTP transport class offers on top of its engine: mounting, listening and closing. */
export abstract class HTTPTransport {
  readonly server: McpServer;
  /**
   * Handles a `node:http` request (also Express's and, with `reply.hijack()`, Fastify's `raw` ones).
   * A request for another path goes to `next` when given, or gets 404.
   */
  readonly handleNode: NodeHandler;
  /** Handles a web `Request` (Hono, Bun, Deno, workers); other paths get 404. */
  readonly fetch: FetchHandler;
  readonly #engine: HttpEngine;

  protected constructor(server: McpServer, engine: HttpEngine) {
    this.server = server;
    this.#engine = engine;
    this.handleNode = engine.handleNode;
    this.fetch = engine.fetch;
  }

  /** Starts a `node:http` server on `address` (the seed's `Start(":8080")`). */
  listen(address: ListenAddress): Promise<ListeningInfo> {
    return this.#engine.listen(address);
  }

  /**
   * Whether this server can take traffic now: asks its session store, message bus and event stores
   * (each within the `health.timeout`, 2 s by default) and whether `close()` has begun. The readiness
   * endpoint (the `health` option) answers with this report; call it to serve a probe of your own.
   */
  readiness(): Promise<ReadinessReport> {
    return this.#engine.readiness();
  }

  /**
   * Stops taking new sessions and requests (503), ends listen streams with their completion result,
   * waits up to `timeout` for in-flight handlers, then closes every session (aborting what still runs)
   * and the server `listen` started.
   */
  close(options: HTTPCloseOptions = {}): Promise<void> {
    return this.#engine.close(options.timeout);
  }
}
