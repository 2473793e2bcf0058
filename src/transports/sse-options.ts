import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { EventStore } from '../server/event-store.ts';
import { MemoryEventStore } from '../stores/memory-event-store.ts';
import type { CORSOptions } from './http/cors.ts';
import type { HTTPRequestInfo } from './http/exchange.ts';
import type { KeepAliveMode } from './http/keep-alive.ts';

/** Options of an `SSEServer`: where it answers, what it advertises, whom it lets in, and its limits. */
export interface SSEServerOptions {
  /** Path prefix of both endpoints, such as `/mcp`. @default '' */
  basePath?: string;
  /**
   * Computes the prefix for each request, for multi-tenant mounts such as `/t/acme/mcp`; overrides
   * `basePath`. Return `undefined` for requests that are not this server's (404, or `next()`).
   */
  dynamicBasePath?: (req: HTTPRequestInfo) => string | undefined;
  /** The public origin (and path prefix, if any) clients reach this server by, such as `https://api.example.com`. */
  baseURL?: string;
  /** Put `baseURL` in the `endpoint` event, making it a full URL; without `baseURL` it is a path. @default true */
  useFullURLForMessageEndpoint?: boolean;
  /** @default '/sse' */
  sseEndpoint?: string;
  /** @default '/message' */
  messageEndpoint?: string;
  /** Copies the stream request's query string into the message endpoint, after `sessionId`. @default false */
  appendQueryToMessageEndpoint?: boolean;
  /** ms between keep-alives on each stream; 0 turns them off. @default 15_000 */
  keepAliveInterval?: number;
  /** `'comment'` writes an SSE comment; `'ping'` sends a JSON-RPC `ping` and closes sessions that stop answering. @default 'comment' */
  keepAlive?: KeepAliveMode;
  /** ms a client has to answer a keep-alive `ping`. @default 10_000 */
  pingTimeout?: number;
  /**
   * Values handlers see in `ctx.values`: called for the stream (kept as `session.values`) and for each
   * POST (merged over the stream's for that message).
   */
  contextFunc?: (
    req: HTTPRequestInfo,
  ) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  /** Makes session ids; they must be unguessable. @default the McpServer's generator */
  sessionIdGenerator?: () => string;
  /**
   * Who is calling: return a principal (kept as `session.principal`), or `undefined`, `null` or `false`
   * to answer 401. Called for the stream and for every POST.
   */
  authenticate?: (req: HTTPRequestInfo) => unknown;
  /** The `WWW-Authenticate` challenge of 401 answers. @default 'Bearer' */
  wwwAuthenticate?: string;
  /** Whether a POST's principal is the stream's; a POST from anyone else gets 403. @default same value, or equal JSON */
  samePrincipal?: (streamPrincipal: unknown, postPrincipal: unknown) => boolean;
  /** CORS headers for browser clients on other origins; `true` allows any origin. @default false */
  cors?: boolean | CORSOptions;
  /** `Origin` values accepted (`'*'` for any); others get 403. Requests without `Origin` pass. */
  allowedOrigins?: string[];
  /** `Host` values accepted (an entry without a port accepts any port); others get 403. */
  allowedHosts?: string[];
  /**
   * Without `allowedHosts`/`allowedOrigins`, accept only loopback `Host` and `Origin` values: `'auto'`
   * when this server listens on a loopback address (known to `listen()` and `handleNode`), `true`
   * always, `false` never (the lists are then ignored too). @default 'auto'
   */
  dnsRebindingProtection?: boolean | 'auto';
  /** Largest POST body; larger ones get 413 without being read. @default 4_194_304 (4 MiB) */
  maxBodyBytes?: number;
  /** Events that may wait for a client that stopped reading before it is disconnected. @default 4_194_304 */
  maxBufferedBytes?: number;
  /** Open streams this server holds at most; more get 503. @default 10_000 */
  maxSessions?: number;
  /** Requests of one session handled at once; a POST that would pass it gets 429. @default 100 */
  maxInFlightPerSession?: number;
  /**
   * Closes a session whose client sent no request or notification for this many ms (answers to pings
   * do not count) while nothing of it is in flight; 0 never does. @default 0
   */
  idleTimeout?: number;
  /** ms `close()` waits for in-flight handlers before aborting them. @default 5_000 */
  shutdownTimeout?: number;
  /**
   * Where each session's events wait for a client that reconnects (`GET {sse}?sessionId=…` with
   * `Last-Event-ID`); its event ids go on the wire. `false` keeps none: events are numbered 1, 2, …
   * and a dropped stream ends its session. It must keep events for at least `reconnectGracePeriod`.
   * @default new MemoryEventStore()
   */
  eventStore?: EventStore | false;
  /**
   * ms a session outlives its dropped stream, waiting for its client to reconnect; its handlers keep
   * running meanwhile. 0 (or `eventStore: false`) closes the session, aborting its handlers, as soon
   * as its stream drops: stock HTTP+SSE clients never resume, so resumption is opt-in. @default 0
   */
  reconnectGracePeriod?: number;
}

export type ResolvedSSEOptions = Required<
  Omit<
    SSEServerOptions,
    | 'dynamicBasePath'
    | 'baseURL'
    | 'contextFunc'
    | 'sessionIdGenerator'
    | 'authenticate'
    | 'allowedOrigins'
    | 'allowedHosts'
    | 'cors'
    | 'eventStore'
  >
> &
  Pick<
    SSEServerOptions,
    | 'dynamicBasePath'
    | 'baseURL'
    | 'contextFunc'
    | 'sessionIdGenerator'
    | 'authenticate'
    | 'allowedOrigins'
    | 'allowedHosts'
  > & { cors: CORSOptions | undefined; eventStore: EventStore | undefined };

function endpoint(name: string, value: string): string {
  if (!value.startsWith('/') || value.includes('?')) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `SSEServer option ${name} must be a path starting with "/" (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

function limit(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `SSEServer option ${name} must be a number ≥ ${min} (got ${value})`,
    );
  }
  return value;
}

/** Applies defaults and checks values, once, at construction. */
export function resolveSSEOptions(options: SSEServerOptions): ResolvedSSEOptions {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `SSEServer option basePath must start with "/" (got ${JSON.stringify(options.basePath)})`,
    );
  }
  const sseEndpoint = endpoint('sseEndpoint', options.sseEndpoint ?? '/sse');
  const messageEndpoint = endpoint('messageEndpoint', options.messageEndpoint ?? '/message');
  if (sseEndpoint === messageEndpoint) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `SSEServer options sseEndpoint and messageEndpoint must differ (both are ${sseEndpoint})`,
    );
  }
  const keepAliveInterval = limit('keepAliveInterval', options.keepAliveInterval ?? 15_000, 0);
  const { cors, eventStore, ...rest } = options;
  return {
    ...rest,
    basePath,
    useFullURLForMessageEndpoint: options.useFullURLForMessageEndpoint ?? true,
    sseEndpoint,
    messageEndpoint,
    appendQueryToMessageEndpoint: options.appendQueryToMessageEndpoint ?? false,
    keepAliveInterval,
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
    idleTimeout: limit('idleTimeout', options.idleTimeout ?? 0, 0),
    shutdownTimeout: limit('shutdownTimeout', options.shutdownTimeout ?? 5_000, 0),
    eventStore: eventStore === false ? undefined : (eventStore ?? new MemoryEventStore()),
    reconnectGracePeriod: limit('reconnectGracePeriod', options.reconnectGracePeriod ?? 0, 0),
  };
}

/** The default principal comparison: the same value, or plain data that serializes the same. */
export function samePrincipal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
