import type { ClientCapabilities, Implementation } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { LATEST_PROTOCOL_VERSION } from '../protocol/versions.ts';

/** Which wire the client speaks (the older option). `'auto'` tries Streamable HTTP 2025 and falls back to HTTP+SSE. */
export type ClientTransportKind = 'auto' | 'streamable-http' | 'sse';

/**
 * Which protocol the client speaks: MCP 2026-07-28 (stateless, no session), a 2025 Streamable HTTP
 * session, or HTTP+SSE (2024-11-05). `'auto'` tries them in that order.
 */
export type ClientProtocol = 'auto' | '2026-07-28' | '2025' | 'sse';

/** One protocol `connect()` may try. */
export type ProtocolAttempt = '2026-07-28' | '2025' | 'sse';

/** Extra HTTP headers for every request, or a function that returns them (for tokens that change). */
export type HeadersOption = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

/** How the client reconnects a dropped event stream (`Last-Event-ID` resumption). */
export interface ReconnectOptions {
  /**
   * Reconnection attempts in a row without receiving an event, before the stream is given up.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Delay before the first attempt, in milliseconds, when the server sent no `retry:` hint.
   * @default 1000
   */
  initialDelay?: number;
  /**
   * Longest delay between two attempts, in milliseconds.
   * @default 30000
   */
  maxDelay?: number;
  /**
   * Each attempt waits this many times longer than the one before.
   * @default 2
   */
  factor?: number;
}

/** Options of `new McpClient()`. */
export interface McpClientOptions {
  /** The server's MCP endpoint, e.g. `https://example.com/mcp`. */
  url: string | URL;
  /**
   * The protocol to speak. `'auto'` POSTs `server/discover` (MCP 2026-07-28) to `url`; when the server
   * does not speak 2026-07-28 it POSTs `initialize` (a 2025 session) and, when that answers 400, 404
   * or 405, opens HTTP+SSE at `sseUrl`. `'2026-07-28'`, `'2025'` and `'sse'` speak only that one.
   * @default 'auto'
   */
  protocol?: ClientProtocol;
  /**
   * The older way to choose, kept as it was: `'streamable-http'` is a 2025 session, `'sse'` is HTTP+SSE,
   * and `'auto'` tries those two in turn (never 2026-07-28). Given with `protocol`, the two must agree
   * (`'auto'` agrees with any `protocol`, which then decides).
   * @default undefined (`protocol` decides)
   */
  transport?: ClientTransportKind;
  /**
   * Where the HTTP+SSE transport opens its event stream.
   * @default url
   */
  sseUrl?: string | URL;
  /** Headers sent with every HTTP request, such as `Authorization`. */
  headers?: HeadersOption;
  /**
   * The fetch implementation to use.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Who this client is, sent in `initialize`.
   * @default { name: 'mcp-live-client', version: '0.1.0' }
   */
  clientInfo?: Implementation;
  /**
   * Capabilities to declare. `sampling`, `elicitation` and `roots` are added for each request
   * handler set before `connect()`; what you pass here wins.
   * @default {}
   */
  capabilities?: ClientCapabilities;
  /**
   * The protocol revision to ask for in `initialize` (2025 sessions and HTTP+SSE).
   * @default '2025-11-25'
   */
  protocolVersion?: string;
  /**
   * Milliseconds to wait for the answer to a request, unless the call passes its own `timeout`.
   * @default 60000
   */
  requestTimeout?: number;
  /**
   * How dropped event streams are resumed; `false` never reconnects.
   * @default { maxAttempts: 5, initialDelay: 1000, maxDelay: 30000, factor: 2 }
   */
  reconnect?: ReconnectOptions | false;
}

/** Reconnect options with every default applied. */
export type ResolvedReconnect = Required<ReconnectOptions>;

/** Client options with every default applied, in one place. */
export interface ResolvedClientOptions {
  url: URL;
  /** The protocols `connect()` tries, in order. */
  protocols: readonly ProtocolAttempt[];
  sseUrl: URL;
  headers: HeadersOption | undefined;
  fetch: typeof fetch;
  clientInfo: Implementation;
  capabilities: ClientCapabilities;
  protocolVersion: string;
  requestTimeout: number;
  reconnect: ResolvedReconnect | false;
}

export function resolveClientOptions(options: McpClientOptions): ResolvedClientOptions {
  const url = new URL(options.url);
  const custom = options.fetch;
  return {
    url,
    protocols: resolveProtocols(options),
    sseUrl: options.sseUrl === undefined ? url : new URL(options.sseUrl, url),
    headers: options.headers,
    // Browsers throw "Illegal invocation" when fetch is called detached from globalThis.
    fetch: custom ?? ((input, init) => globalThis.fetch(input, init)),
    clientInfo: options.clientInfo ?? { name: 'mcp-live-client', version: '0.1.0' },
    capabilities: options.capabilities ?? {},
    protocolVersion: options.protocolVersion ?? LATEST_PROTOCOL_VERSION,
    requestTimeout: options.requestTimeout ?? 60_000,
    reconnect:
      options.reconnect === false
        ? false
        : { maxAttempts: 5, initialDelay: 1000, maxDelay: 30_000, factor: 2, ...options.reconnect },
  };
}

/** Resolves the `headers` option into a fresh `Headers` object. */
export async function resolveHeaders(option: HeadersOption | undefined): Promise<Headers> {
  return new Headers(typeof option === 'function' ? await option() : option);
}

const BY_PROTOCOL: Record<ClientProtocol, readonly ProtocolAttempt[]> = {
  auto: ['2026-07-28', '2025', 'sse'],
  '2026-07-28': ['2026-07-28'],
  '2025': ['2025'],
  sse: ['sse'],
};

const BY_TRANSPORT: Record<ClientTransportKind, readonly ProtocolAttempt[]> = {
  auto: ['2025', 'sse'],
  'streamable-http': ['2025'],
  sse: ['sse'],
};

/** What `protocol` and the older `transport` option ask for, together. */
function resolveProtocols(options: McpClientOptions): readonly ProtocolAttempt[] {
  const { protocol, transport } = options;
  if (protocol !== undefined && !(protocol in BY_PROTOCOL)) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `McpClient option protocol is ${JSON.stringify(protocol)}; expected 'auto', '2026-07-28', '2025' or 'sse'`,
    );
  }
  if (transport !== undefined && !(transport in BY_TRANSPORT)) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `McpClient option transport is ${JSON.stringify(transport)}; expected 'auto', 'streamable-http' or 'sse'`,
    );
  }
  if (protocol === undefined) return transport === undefined ? BY_PROTOCOL.auto : BY_TRANSPORT[transport];
  const agrees =
    transport === undefined ||
    transport === 'auto' ||
    (transport === 'sse' && protocol === 'sse') ||
    (transport === 'streamable-http' && (protocol === '2025' || protocol === '2026-07-28'));
  if (!agrees) {
    throw new McpLiveError(
      'INVALID_OPTION',
      `McpClient options protocol ${JSON.stringify(protocol)} and transport ${JSON.stringify(transport)} disagree; ` +
        `pass only protocol ('auto', '2026-07-28', '2025' or 'sse')`,
    );
  }
  return BY_PROTOCOL[protocol];
}
