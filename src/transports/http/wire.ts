import type { EventStore } from '../../server/event-store.ts';
import type { McpServer } from '../../server/mcp-server.ts';
import type { Session } from '../../server/session.ts';
import type { SessionRecord } from '../../server/session-store.ts';
import type { AuthenticateSettings } from './authenticate.ts';
import type { ClientLimits } from './client-limits.ts';
import type { Exchange, HTTPRequestInfo, ResponseHeaders } from './exchange.ts';
import type { ResolvedHTTPOptions } from './http-options.ts';

/** A request a wire recognised as its own: the path prefix it came under, and which endpoint. */
export interface WireRoute {
  readonly base: string;
  readonly endpoint: string;
}

/** What the engine gives its wires: the server, the shared checks and limits, and the shutdown state. */
export interface WireContext {
  readonly server: McpServer;
  readonly auth: AuthenticateSettings | undefined;
  /** True once the engine is closing: wires take no new session or request (503). */
  readonly closing: boolean;
  /**
   * Whether one more session or stateless request fits under `maxSessions`, counted across every
   * wire of the engine (sessions held and being opened).
   */
  hasRoom(): boolean;
  /** What each client holds, against `maxSessionsPerClient`, across every wire of the engine. */
  readonly clients: ClientLimits;
}

/**
 * One HTTP wire (HTTP+SSE, Streamable HTTP) as the `HttpEngine` drives it: the wire says which
 * requests are its own and how they are framed and answered; the engine owns what every wire shares
 * (Host/Origin guard, CORS, the cross-instance router, listening, shutdown).
 */
export interface Wire {
  /** The transport name on the message bus and in session records. */
  readonly name: 'sse' | 'streamable-http';
  /** The methods the wire's endpoints take, for CORS preflights. */
  readonly allow: string;
  /** The wire's shared options. */
  readonly options: ResolvedHTTPOptions;
  /** Where the wire keeps events for resumption, if anywhere (readiness probes ask it). */
  readonly eventStore: EventStore | undefined;
  /** Sessions the wire holds or is opening, and stateless requests in flight. */
  readonly load: number;
  /** The request's route when it is this wire's, else `undefined`. */
  route(req: HTTPRequestInfo): WireRoute | undefined;
  /** The session a request names that this instance does not hold (the router relays or takes it over). */
  elsewhere(ex: Exchange, route: WireRoute): string | undefined;
  /** Answers a refusal in the wire's format (plain text, or a JSON-RPC error without id). */
  refuse(ex: Exchange, status: number, message: string, headers: ResponseHeaders | undefined): void;
  /** Serves a request that passed the engine's checks; a promise while it still waits for something. */
  serve(ex: Exchange, route: WireRoute, cors: ResponseHeaders | undefined): Promise<void> | undefined;
  /** Takes over a session whose instance is gone (see `ExchangeRelay.route`). */
  adopt(record: SessionRecord, gone: string | undefined, ex: Exchange, base: string): Promise<boolean>;
  /** Every session of the wire (for draining at shutdown). */
  sessions(): Session[];
  /** The server is closing: end what only the wire holds (listen streams first, so that they end gracefully). */
  beforeDrain(): void;
  /** Everything is drained: let go of the wire's own resources (its default event store). */
  dispose(): void;
  /** The path `listen()` reports for this wire. */
  readonly path: string;
}

/** The wire's prefix for a request: its `dynamicBasePath`'s answer, or `basePath`, without a trailing `/`. */
export function prefixOf(options: ResolvedHTTPOptions, req: HTTPRequestInfo): string | undefined {
  const base = options.dynamicBasePath === undefined ? options.basePath : options.dynamicBasePath(req);
  if (base === undefined) return undefined;
  return base.endsWith('/') ? base.slice(0, -1) : base;
}
