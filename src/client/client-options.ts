import type { ClientCapabilities, Implementation } from '../protocol/lifecycle.ts';
import { LATEST_PROTOCOL_VERSION } from '../protocol/versions.ts';

/** Which wire the client speaks. `'auto'` tries Streamable HTTP and falls back to HTTP+SSE. */
export type ClientTransportKind = 'auto' | 'streamable-http' | 'sse';

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
   * The wire to use. `'auto'` POSTs `initialize` to `url` and, when that answers 400, 404 or 405,
   * falls back to the HTTP+SSE transport at `sseUrl` (the spec's backwards-compatibility procedure).
   * @default 'auto'
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
   * The protocol revision to ask for in `initialize`.
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
  transport: ClientTransportKind;
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
    transport: options.transport ?? 'auto',
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
