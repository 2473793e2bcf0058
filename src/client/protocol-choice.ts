import type { Implementation, InitializeResult, ServerCapabilities } from '../protocol/lifecycle.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { isProtocolError } from '../protocol/protocol-error.ts';
import { MetaKey, ModernErrorCode } from '../protocol/request-meta.ts';
import { LATEST_MODERN_PROTOCOL_VERSION } from '../protocol/versions.ts';
import type { ProtocolAttempt } from './client-options.ts';
import { HTTPError, isHTTPError } from './http-error.ts';
import { toLiveError } from './outgoing-requests.ts';
import { reasonOf, statusOf } from './transport-error.ts';

/** HTTP answers that mean "not this wire here" (the spec's fallback rule). */
export const FALLBACK_STATUSES = [400, 404, 405];

/** Methods MCP 2026-07-28 removed, with what to do instead. */
const REMOVED: Readonly<Record<string, string>> = {
  initialize: 'connect() sends server/discover instead',
  'notifications/initialized': 'there is no handshake to complete',
  ping: 'any request, such as listTools(), shows that the server answers',
  'logging/setLevel':
    'a request asks for log messages itself, in params._meta["io.modelcontextprotocol/logLevel"]',
  'resources/subscribe': 'call client.listen({ resourceSubscriptions: [uri] }) instead',
  'resources/unsubscribe': 'close the listen that asked for the resource instead',
};

/** The error for a method 2026-07-28 removed, sent to a server this client speaks 2026-07-28 with; undefined when it exists. */
export function removedMethodError(method: string, url: URL): McpLiveError | undefined {
  const instead = REMOVED[method];
  if (instead === undefined) return undefined;
  return new McpLiveError(
    'CAPABILITY_MISSING',
    `"${method}" does not exist in MCP 2026-07-28, which this client speaks with ${url.href}: ${instead} (or connect with protocol: '2025' for a session that has it)`,
    { data: { method } },
  );
}

const notModern = new WeakSet<object>();

interface DiscoverResult {
  supportedVersions?: unknown;
  capabilities?: ServerCapabilities;
  instructions?: string;
  _meta?: Record<string, unknown>;
}

/** What `server/discover` said, in the shape `initialize` gives; throws when it lacks 2026-07-28. */
export function fromDiscover(result: DiscoverResult, url: URL): InitializeResult {
  const versions = Array.isArray(result.supportedVersions) ? result.supportedVersions : [];
  if (!versions.includes(LATEST_MODERN_PROTOCOL_VERSION)) {
    const error = new McpLiveError(
      'REMOTE_ERROR',
      `${url.href} answered server/discover with supportedVersions ${JSON.stringify(result.supportedVersions)}, without ${LATEST_MODERN_PROTOCOL_VERSION}; connect with protocol: 'auto' or '2025'`,
      { data: result },
    );
    notModern.add(error);
    throw error;
  }
  const info = result._meta?.[MetaKey.ServerInfo] as Implementation | undefined;
  const initialized: InitializeResult = {
    protocolVersion: LATEST_MODERN_PROTOCOL_VERSION,
    capabilities: result.capabilities ?? {},
    serverInfo: info ?? { name: '', version: '' },
  };
  if (result.instructions !== undefined) initialized.instructions = result.instructions;
  return initialized;
}

/**
 * Connects with each protocol in turn, moving on only when the server does not speak one (never after
 * `stopped()`); when the last one fails too, the error names every attempt.
 */
export async function tryProtocols<T>(
  protocols: readonly ProtocolAttempt[],
  url: URL,
  attempt: (protocol: ProtocolAttempt) => Promise<T>,
  stopped: () => boolean,
): Promise<T> {
  const failed: unknown[] = [];
  for (const [index, protocol] of protocols.entries()) {
    try {
      return await attempt(protocol);
    } catch (error) {
      const last = index === protocols.length - 1;
      if (last && failed.length > 0 && protocol === 'sse' && !stopped())
        throw noProtocolError(url, failed, error);
      const fallsBack = protocol === '2026-07-28' ? speaksNoModern(error) : speaksNoStreamable(error);
      if (last || stopped() || !fallsBack) throw error;
      failed.push(error);
    }
  }
  throw new McpLiveError('INVALID_OPTION', "McpClient has no protocol to try; pass protocol: 'auto'");
}

/** True when `error`, the answer to `server/discover`, means the server does not speak 2026-07-28. */
export function speaksNoModern(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && notModern.has(error)) return true;
  if (isHTTPError(error)) return FALLBACK_STATUSES.includes(error.status);
  // A 2026 server refusing our request (headers, capabilities) speaks it: that error is the answer.
  if (isProtocolError(error)) {
    return (
      error.code !== ModernErrorCode.HeaderMismatch &&
      error.code !== ModernErrorCode.MissingRequiredClientCapability
    );
  }
  return false;
}

/** True when `error`, the answer to an `initialize` POST, means the server offers no Streamable HTTP. */
export function speaksNoStreamable(error: unknown): boolean {
  return FALLBACK_STATUSES.includes(statusOf(error) ?? 0);
}

/** The error when every protocol `connect()` tried failed: names each attempt, keeps the last one's kind. */
export function noProtocolError(url: URL, streamable: unknown[], sse: unknown): McpLiveError {
  const reasons = [...streamable, sse].map(reasonOf);
  // A web page (or a site's root) rather than an MCP endpoint: say where endpoints usually are.
  const hint =
    reasons.some((r) => r.includes('text/html')) || url.pathname === '/'
      ? '; is this a web page? MCP endpoints are usually at a path such as /mcp (Streamable HTTP) or /sse (HTTP+SSE)'
      : '';
  const both = `${url.href} speaks neither Streamable HTTP (${reasons.slice(0, -1).join('; ')}) nor HTTP+SSE (${reasons.at(-1)})${hint}`;
  if (isHTTPError(sse)) return new HTTPError(sse.request, sse.response, { message: both, cause: sse });
  const last = toLiveError(sse);
  return new McpLiveError(last.code, both, { cause: sse, data: last.data });
}
