import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore } from '../server/event-store.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import type { CORSOptions } from './http/cors.ts';
import type { HTTPRequestInfo } from './http/exchange.ts';
import type { KeepAliveMode } from './http/keep-alive.ts';
import { samePrincipal } from './sse-options.ts';

/** Options of a `StreamableHTTPServer`: where it answers, how it answers, whom it lets in, and its limits. */
export interface StreamableHTTPServerOptions {
  /** Path prefix of the endpoint, such as `/api`. @default '' */
  basePath?: string;
  /**
   * Computes the prefix for each request, for multi-tenant mounts such as `/t/acme`; overrides
   * `basePath`. Return `undefined` for requests that are not this server's (404, or `next()`).
   */
  dynamicBasePath?: (req: HTTPRequestInfo) => string | undefined;
  /** The MCP endpoint, after the prefix. @default '/mcp' */
  endpoint?: string;
  /**
   * No sessions: every POST gets a fresh ephemeral session, no `Mcp-Session-Id` is issued or needed,
   * `initialize` is optional, GET and DELETE get 405, and the server cannot send requests to clients.
   * @default false
   */
  stateless?: boolean;
  /** Answer each POST that carries requests with one `application/json` body instead of an event stream. @default false */
  jsonResponse?: boolean;
  /** Where events wait for a client to resume a stream with `Last-Event-ID`; `false` keeps none. @default new MemoryEventStore() */
  eventStore?: EventStore | false;
  /** ms a 2025-11-25 client waits before reconnecting, sent as `retry:` in priming events; 0 sends none. @default 1_000 */
  retryInterval?: number;
  /**
   * Treat a POST stream the client closed as the cancellation of its requests. Up to 2025-11-25 the
   * spec says a disconnect is not a cancellation, so by default handlers run on and their answers
   * wait in the event store for a resumption. @default false
   */
  cancelOnDisconnect?: boolean;
  /** ms between keep-alives on each open stream; 0 turns them off. @default 15_000 */
  keepAliveInterval?: number;
  /** What keeps the GET stream alive: `'comment'`, or a JSON-RPC `'ping'` the client must answer. POST streams always use comments. @default 'comment' */
  keepAlive?: KeepAliveMode;
  /** ms a client has to answer a keep-alive `ping`. @default 10_000 */
  pingTimeout?: number;
  /** Values handlers see in `ctx.values`: called for `initialize` (kept as `session.values`) and for each POST. */
  contextFunc?: (
    req: HTTPRequestInfo,
  ) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  /** Makes session ids: unguessable, visible ASCII only. @default the McpServer's generator */
  sessionIdGenerator?: () => string;
  /** Who is calling: return a principal, or `undefined`, `null` or `false` to answer 401. Called for every request. */
  authenticate?: (req: HTTPRequestInfo) => unknown;
  /** The `WWW-Authenticate` challenge of 401 answers. @default 'Bearer' */
  wwwAuthenticate?: string;
  /** Whether a request's principal is the session's; anyone else gets 403. @default same value, or equal JSON */
  samePrincipal?: (sessionPrincipal: unknown, requestPrincipal: unknown) => boolean;
  /** CORS headers for browser clients on other origins; `true` allows any origin. @default false */
  cors?: boolean | CORSOptions;
  /** `Origin` values accepted (`'*'` for any); others get 403. Requests without `Origin` pass. */
  allowedOrigins?: string[];
  /** `Host` values accepted (an entry without a port accepts any port); others get 403. */
  allowedHosts?: string[];
  /** Without the lists above, accept only loopback `Host` and `Origin` values: `'auto'` when listening on loopback. @default 'auto' */
  dnsRebindingProtection?: boolean | 'auto';
  /** Largest POST body; larger ones get 413. @default 4_194_304 (4 MiB) */
  maxBodyBytes?: number;
  /** Events that may wait on one connection for a client that stopped reading before it is dropped. @default 4_194_304 */
  maxBufferedBytes?: number;
  /** Sessions this transport holds at most; more `initialize` requests get 503. @default 10_000 */
  maxSessions?: number;
  /** Requests of one session handled at once; a POST that would pass it gets 429. @default 100 */
  maxInFlightPerSession?: number;
  /** ms `close()` waits for in-flight handlers before aborting them. @default 5_000 */
  shutdownTimeout?: number;
}

type Optional =
  | 'dynamicBasePath'
  | 'contextFunc'
  | 'sessionIdGenerator'
  | 'authenticate'
  | 'allowedOrigins'
  | 'allowedHosts'
  | 'cors'
  | 'eventStore';

export type ResolvedStreamableOptions = Required<Omit<StreamableHTTPServerOptions, Optional>> &
  Pick<StreamableHTTPServerOptions, Exclude<Optional, 'cors' | 'eventStore'>> & {
    cors: CORSOptions | undefined;
    eventStore: EventStore | undefined;
  };

function fail(message: string): never {
  throw new McpLiveError('INVALID_OPTION', `StreamableHTTPServer option ${message}`);
}

function limit(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) fail(`${name} must be a number ≥ ${min} (got ${value})`);
  return value;
}

/** Applies defaults and checks values, once, at construction. */
export function resolveStreamableOptions(options: StreamableHTTPServerOptions): ResolvedStreamableOptions {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) {
    fail(`basePath must start with "/" (got ${JSON.stringify(options.basePath)})`);
  }
  const endpoint = options.endpoint ?? '/mcp';
  if (!endpoint.startsWith('/') || endpoint.includes('?')) {
    fail(`endpoint must be a path starting with "/" (got ${JSON.stringify(endpoint)})`);
  }
  const stateless = options.stateless ?? false;
  const { cors, eventStore, ...rest } = options;
  return {
    ...rest,
    basePath,
    endpoint,
    stateless,
    jsonResponse: options.jsonResponse ?? false,
    // Stateless servers have no GET stream to resume on, so they keep no events.
    eventStore: stateless || eventStore === false ? undefined : (eventStore ?? new MemoryEventStore()),
    retryInterval: limit('retryInterval', options.retryInterval ?? 1_000, 0),
    cancelOnDisconnect: options.cancelOnDisconnect ?? false,
    keepAliveInterval: limit('keepAliveInterval', options.keepAliveInterval ?? 15_000, 0),
    keepAlive: options.keepAlive ?? 'comment',
    pingTimeout: limit('pingTimeout', options.pingTimeout ?? 10_000, 1),
    wwwAuthenticate: options.wwwAuthenticate ?? 'Bearer',
    samePrincipal: options.samePrincipal ?? samePrincipal,
    cors: cors === true ? {} : cors === false || cors === undefined ? undefined : cors,
    dnsRebindingProtection: options.dnsRebindingProtection ?? 'auto',
    maxBodyBytes: limit('maxBodyBytes', options.maxBodyBytes ?? 4 * 1024 * 1024, 0),
    maxBufferedBytes: limit('maxBufferedBytes', options.maxBufferedBytes ?? 4 * 1024 * 1024, 0),
    maxSessions: limit('maxSessions', options.maxSessions ?? 10_000, 1),
    maxInFlightPerSession: limit('maxInFlightPerSession', options.maxInFlightPerSession ?? 100, 1),
    shutdownTimeout: limit('shutdownTimeout', options.shutdownTimeout ?? 5_000, 0),
  };
}
