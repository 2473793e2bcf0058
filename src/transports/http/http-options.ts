import { McpLiveError } from '../../protocol/mcp-live-error.ts';
import { samePrincipal } from '../../server/same-principal.ts';
import type { ContextValues } from '../../server/typed-maps.ts';
import { type ClientKey, defaultClientKey } from './client-limits.ts';
import type { CORSOptions } from './cors.ts';
import type { HTTPRequestInfo } from './exchange.ts';
import { type HealthOptions, type ResolvedHealthOptions, resolveHealthOptions } from './health.ts';
import type { KeepAliveMode } from './keep-alive.ts';
import type { ResourceServer } from './resource-server.ts';

/**
 * What every HTTP wire of mcp-live shares (`SSEServer`, `StreamableHTTPServer`, `McpHttpServer`): where
 * it answers, whom it lets in, how streams stay alive, and its limits.
 */
export interface HTTPServerOptions {
  /** Path prefix of the endpoints, such as `/api`. @default '' */
  basePath?: string;
  /**
   * Computes the prefix for each request, for multi-tenant mounts such as `/t/acme`; overrides
   * `basePath`. Return `undefined` for requests that are not this server's (404, or `next()`).
   */
  dynamicBasePath?: (req: HTTPRequestInfo) => string | undefined;
  /** ms between keep-alives on each open stream; 0 turns them off. @default 15_000 */
  keepAliveInterval?: number;
  /**
   * What keeps a session's own stream alive (the HTTP+SSE stream, the Streamable HTTP GET stream): an
   * SSE `'comment'`, or a JSON-RPC `'ping'` the client must answer within `pingTimeout`, whose session
   * is closed when it does not. Streams of one request always use comments. @default 'comment'
   */
  keepAlive?: KeepAliveMode;
  /** ms a client has to answer a keep-alive `ping`. @default 10_000 */
  pingTimeout?: number;
  /**
   * Values handlers see in `ctx.values`: called for the request that opens a session (its result is
   * kept as `session.values`) and for every POST (merged over the session's for that message).
   */
  contextFunc?: (
    req: HTTPRequestInfo,
  ) => Partial<ContextValues> | undefined | Promise<Partial<ContextValues> | undefined>;
  /** Makes session ids: unguessable, visible ASCII only. @default the McpServer's generator */
  sessionIdGenerator?: () => string;
  /**
   * Who is calling: return a principal (kept as `session.principal`, given to stateless requests), or
   * `undefined`, `null` or `false` to answer 401. Called for every request.
   */
  authenticate?: (req: HTTPRequestInfo) => unknown;
  /**
   * Makes the server an OAuth 2.1 resource server, as the MCP authorization spec says: bearer tokens
   * verified on every request (401 `invalid_token` naming what was wrong), the scopes of tools,
   * resources and prompts checked (403 `insufficient_scope`), and the Protected Resource Metadata
   * served at its well-known paths and named in every challenge. Instead of `authenticate`.
   * @example
   * import { OAuthResourceServer } from 'mcp-live/oauth';
   * const oauth = new OAuthResourceServer({ resource: 'https://mcp.example.com', issuer: 'https://auth.example.com' });
   * new McpHttpServer(server, { oauth });
   */
  oauth?: ResourceServer;
  /**
   * Lets `listen()` bind an address that is not loopback (`':8080'`, `'0.0.0.0:8080'`) without
   * `authenticate`: for a proxy in front that authenticates, or a private network. Without it, such a
   * `listen()` is refused. @default false
   */
  allowUnauthenticated?: boolean;
  /** The `WWW-Authenticate` challenge of `authenticate`'s 401 answers (`oauth` makes its own). @default 'Bearer' */
  wwwAuthenticate?: string;
  /** Whether a request's principal is its session's; anyone else gets 403. @default the same value, or equal JSON */
  samePrincipal?: (sessionPrincipal: unknown, requestPrincipal: unknown) => boolean;
  /** CORS headers for browser clients on other origins; `true` allows any origin. @default false */
  cors?: boolean | CORSOptions;
  /** `Origin` values accepted (`'*'` for any); others get 403. Requests without `Origin` pass. */
  allowedOrigins?: string[];
  /** `Host` values accepted (an entry without a port accepts any port); others get 403. */
  allowedHosts?: string[];
  /**
   * Without `allowedHosts`/`allowedOrigins`, accept only loopback `Host` and `Origin` values: `'auto'`
   * when the server listens on a loopback address (known to `listen()` and `handleNode`), `true`
   * always, `false` never (the lists are then ignored too). @default 'auto'
   */
  dnsRebindingProtection?: boolean | 'auto';
  /** Largest POST body in bytes; larger ones get 413 without being read. @default 4_194_304 (4 MiB) */
  maxBodyBytes?: number;
  /** Bytes of events that may wait for a client that stopped reading before it is disconnected. @default 4_194_304 (4 MiB) */
  maxBufferedBytes?: number;
  /**
   * Sessions, and stateless requests in flight, one server holds at most, counted across its wires;
   * one more gets 503 with `Retry-After`. @default 10_000
   */
  maxSessions?: number;
  /** Requests of one session handled at once; a POST that would pass it gets 429. @default 100 */
  maxInFlightPerSession?: number;
  /**
   * Sessions, and stateless requests in flight (a 2026-07-28 listen stream is one), that one client
   * holds at most, counted across the server's wires; one more gets 429 with `Retry-After`. The
   * client is what `clientKey` names. @default 100
   */
  maxSessionsPerClient?: number;
  /**
   * Names the client a request comes from, for `maxSessionsPerClient`; `undefined` leaves it
   * uncounted. @default the principal when `authenticate` gave one, else the address of the
   * connection's peer; a loopback peer (this machine, such as a local reverse proxy) is not counted
   * @example
   * // Behind a proxy you trust, which appends the client's address to X-Forwarded-For:
   * clientKey: (req, principal) =>
   *   principal !== undefined ? JSON.stringify(principal) : req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
   */
  clientKey?: ClientKey;
  /**
   * ms an HTTP+SSE client has to complete `initialize` once its stream is open (the stream opens the
   * session before the handshake); past it the session is closed. 0 waits forever. @default 10_000
   */
  initializeTimeout?: number;
  /**
   * ms a client has to send a POST's body once its headers arrived; past it the POST gets 408 and its
   * connection is closed. 0 waits forever. @default 30_000
   */
  bodyTimeout?: number;
  /**
   * ms a client has to send a request's headers, on the server `listen()` starts (on a server of your
   * own, set its `headersTimeout`); past it Node answers 408 and closes the connection. Event streams,
   * whose requests are complete once their headers are in, are not affected. @default 10_000
   */
  headersTimeout?: number;
  /** ms `close()` waits for in-flight handlers before aborting them. @default 5_000 */
  shutdownTimeout?: number;
  /**
   * Serves a liveness probe (`/livez`) and a readiness probe (`/readyz`, `503` while a store or the
   * message bus does not answer, or once `close()` has begun): `true` for those paths, or their
   * options. Probes pass without `authenticate` and the `Host`/`Origin` checks. @default false
   */
  health?: boolean | HealthOptions;
}

type Kept =
  | 'dynamicBasePath'
  | 'contextFunc'
  | 'sessionIdGenerator'
  | 'authenticate'
  | 'oauth'
  | 'allowedOrigins'
  | 'allowedHosts';

/** The shared options with their defaults applied. */
export type ResolvedHTTPOptions = Required<Omit<HTTPServerOptions, Kept | 'cors' | 'health'>> &
  Pick<HTTPServerOptions, Kept> & {
    cors: CORSOptions | undefined;
    health: ResolvedHealthOptions | undefined;
  };

/** Applies the shared defaults and checks the values, once, at construction; errors name `owner`. */
export function resolveHTTPOptions(options: HTTPServerOptions, owner: string): ResolvedHTTPOptions {
  const fail = (message: string): never => {
    throw new McpLiveError('INVALID_OPTION', `${owner} option ${message}`);
  };
  const limit = (name: string, value: number, min: number): number => {
    if (!Number.isFinite(value) || value < min) fail(`${name} must be a number ≥ ${min} (got ${value})`);
    return value;
  };
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) {
    fail(`basePath must start with "/" (got ${JSON.stringify(options.basePath)})`);
  }
  const { cors } = options;
  const resolved: ResolvedHTTPOptions = {
    basePath,
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
    maxSessionsPerClient: limit('maxSessionsPerClient', options.maxSessionsPerClient ?? 100, 1),
    clientKey: options.clientKey ?? defaultClientKey,
    allowUnauthenticated: options.allowUnauthenticated ?? false,
    initializeTimeout: limit('initializeTimeout', options.initializeTimeout ?? 10_000, 0),
    bodyTimeout: limit('bodyTimeout', options.bodyTimeout ?? 30_000, 0),
    headersTimeout: limit('headersTimeout', options.headersTimeout ?? 10_000, 1),
    health: resolveHealthOptions(options.health, fail),
  };
  for (const key of [
    'dynamicBasePath',
    'contextFunc',
    'sessionIdGenerator',
    'authenticate',
    'oauth',
    'allowedOrigins',
    'allowedHosts',
  ] as const) {
    if (options[key] !== undefined) (resolved as Record<string, unknown>)[key] = options[key];
  }
  return resolved;
}

export { samePrincipal };
