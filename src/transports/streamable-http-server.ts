import type { McpServer } from '../server/mcp-server.ts';
import { HttpEngine } from './http/http-engine.ts';
import { type HTTPCloseOptions, HTTPTransport } from './http/http-transport.ts';
import { resolveStreamableOptions, type StreamableHTTPServerOptions } from './streamable-http-options.ts';
import { StreamableWire } from './streamable-http-wire.ts';

/** Options of `StreamableHTTPServer.close`. */
export type StreamableHTTPCloseOptions = HTTPCloseOptions;

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
export class StreamableHTTPServer extends HTTPTransport {
  readonly #wire: StreamableWire;

  constructor(server: McpServer, options: StreamableHTTPServerOptions = {}) {
    const o = resolveStreamableOptions(options);
    let wire: StreamableWire | undefined;
    const engine = new HttpEngine(server, 'StreamableHTTPServer', o, (context) => {
      wire = new StreamableWire(context, o, options.eventStore === undefined);
      return [wire];
    });
    super(server, engine);
    this.#wire = wire!;
  }

  /** How many sessions this transport holds open. */
  get sessionCount(): number {
    return this.#wire.sessionCount;
  }
}
