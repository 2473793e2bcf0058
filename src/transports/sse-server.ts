import type { McpServer } from '../server/mcp-server.ts';
import { HttpEngine } from './http/http-engine.ts';
import { type HTTPCloseOptions, HTTPTransport } from './http/http-transport.ts';
import { resolveSSEOptions, type SSEServerOptions } from './sse-options.ts';
import { SSEWire } from './sse-wire.ts';

/** Options of `SSEServer.close`. */
export type SSECloseOptions = HTTPCloseOptions;

/**
 * The HTTP+SSE transport (MCP 2024-11-05, the one mcp-go's `SSEServer` speaks): a client opens
 * `GET {base}/sse`, learns its message URL from the `endpoint` event, POSTs requests there and reads
 * every answer from the stream. One instance serves many clients, each with its own session. As an
 * extension, a session outlives its dropped stream for `reconnectGracePeriod`, and a client that
 * reconnects with its `sessionId` and `Last-Event-ID` gets the events it missed.
 *
 * @example
 * const sse = new SSEServer(server, { basePath: '/mcp', keepAliveInterval: 30_000 });
 * await sse.listen(8080); // loopback; or http.createServer(sse.handleNode), or Bun.serve({ fetch: sse.fetch })
 */
export class SSEServer extends HTTPTransport {
  readonly #wire: SSEWire;

  constructor(server: McpServer, options: SSEServerOptions = {}) {
    const o = resolveSSEOptions(options);
    let wire: SSEWire | undefined;
    const engine = new HttpEngine(server, 'SSEServer', o, (context) => {
      wire = new SSEWire(context, o, options.eventStore === undefined);
      return [wire];
    });
    super(server, engine);
    this.#wire = wire!;
  }

  /** How many sessions this transport holds: with an open stream, or waiting for their client to reconnect. */
  get sessionCount(): number {
    return this.#wire.sessionCount;
  }
}
