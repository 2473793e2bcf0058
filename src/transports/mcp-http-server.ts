import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { McpServer } from '../server/mcp-server.ts';
import { HttpEngine } from './http/http-engine.ts';
import type { HTTPServerOptions } from './http/http-options.ts';
import { HTTPTransport } from './http/http-transport.ts';
import type { Wire } from './http/wire.ts';
import { resolveSSEOptions, type SSEServerOptions } from './sse-options.ts';
import { SSEWire } from './sse-wire.ts';
import { resolveStreamableOptions, type StreamableHTTPServerOptions } from './streamable-http-options.ts';
import { StreamableWire } from './streamable-http-wire.ts';

/** The names of the options both wires share (`HTTPServerOptions`). */
export type SharedHTTPOptionName = keyof HTTPServerOptions;

/** What one wire of an `McpHttpServer` holds. */
export interface WireView {
  /** Sessions the wire holds open. */
  readonly sessionCount: number;
  /** The path of its endpoint (`/mcp`, or HTTP+SSE's stream path). */
  readonly path: string;
}

/**
 * Options of an `McpHttpServer`: the shared ones (`HTTPServerOptions`) at the top, and what each wire
 * has of its own. `basePath` may be set per wire too, to mount the wires under different prefixes.
 */
export interface McpHttpServerOptions extends HTTPServerOptions {
  /** What only HTTP+SSE has (`sseEndpoint`, `messageEndpoint`, `baseURL`, `eventStore`, `reconnectGracePeriod`, …), and its own `basePath`; `false` serves no HTTP+SSE. @default {} */
  sse?: (Omit<SSEServerOptions, SharedHTTPOptionName> & Pick<HTTPServerOptions, 'basePath'>) | false;
  /** What only Streamable HTTP has (`endpoint`, `stateless`, `jsonResponse`, `eventStore`, …), and its own `basePath`; `false` serves no `/mcp`. @default {} */
  streamableHTTP?:
    | (Omit<StreamableHTTPServerOptions, SharedHTTPOptionName> & Pick<HTTPServerOptions, 'basePath'>)
    | false;
}

/**
 * Both HTTP wires on one port for one `McpServer`, on one engine: Streamable HTTP at `{base}/mcp` for
 * current clients (2025 sessions and 2026-07-28 stateless requests), HTTP+SSE at `{base}/sse` and
 * `{base}/message` for older ones. They share the options given at the top level (authentication,
 * origin checks, keep-alive, limits); `maxSessions` counts the sessions of both.
 *
 * @example
 * const http = new McpHttpServer(server, { basePath: '/api', authenticate: (req) => verify(req.headers) });
 * await http.listen(':8080'); // POST/GET/DELETE /api/mcp, GET /api/sse, POST /api/message
 * // The seed's layout: Streamable HTTP at /mcp, HTTP+SSE at /mcp/sse and /mcp/message.
 * new McpHttpServer(server, { sse: { basePath: '/mcp' } });
 */
export class McpHttpServer extends HTTPTransport {
  /** The Streamable HTTP wire, unless `streamableHTTP: false`. */
  readonly streamableHTTP: WireView | undefined;
  /** The HTTP+SSE wire, unless `sse: false`. */
  readonly sse: WireView | undefined;

  constructor(server: McpServer, options: McpHttpServerOptions = {}) {
    const { sse, streamableHTTP, ...shared } = options;
    if (sse === false && streamableHTTP === false) {
      throw new McpLiveError('INVALID_OPTION', 'McpHttpServer needs at least one of sse and streamableHTTP');
    }
    // Each wire's options are checked as its own server would check them.
    const streamable =
      streamableHTTP === false ? undefined : resolveStreamableOptions({ ...shared, ...streamableHTTP });
    const legacy = sse === false ? undefined : resolveSSEOptions({ ...shared, ...sse });
    const ownStreamableStore =
      streamableHTTP === undefined || streamableHTTP === false || streamableHTTP.eventStore === undefined;
    const ownSSEStore = sse === undefined || sse === false || sse.eventStore === undefined;
    let streamableWire: StreamableWire | undefined;
    let sseWire: SSEWire | undefined;
    const engine = new HttpEngine(server, 'McpHttpServer', (streamable ?? legacy)!, (context) => {
      const wires: Wire[] = [];
      if (streamable !== undefined) {
        streamableWire = new StreamableWire(context, streamable, ownStreamableStore);
        wires.push(streamableWire);
      }
      if (legacy !== undefined) {
        sseWire = new SSEWire(context, legacy, ownSSEStore);
        wires.push(sseWire);
      }
      return wires;
    });
    super(server, engine);
    this.streamableHTTP = streamableWire;
    this.sse = sseWire;
  }

  /** How many sessions both wires hold open. */
  get sessionCount(): number {
    return (this.streamableHTTP?.sessionCount ?? 0) + (this.sse?.sessionCount ?? 0);
  }
}
