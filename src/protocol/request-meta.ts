import { ErrorCode } from './jsonrpc.ts';
import type { ClientCapabilities, Implementation } from './lifecycle.ts';
import { isLoggingLevel, LOGGING_LEVELS, type LoggingLevel } from './logging.ts';
import { ProtocolError } from './protocol-error.ts';
import {
  isModernProtocolVersion,
  type ModernProtocolVersion,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './versions.ts';

/** The reserved `_meta` keys of MCP 2026-07-28. */
export const MetaKey = {
  ProtocolVersion: 'io.modelcontextprotocol/protocolVersion',
  ClientInfo: 'io.modelcontextprotocol/clientInfo',
  ClientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  LogLevel: 'io.modelcontextprotocol/logLevel',
  ServerInfo: 'io.modelcontextprotocol/serverInfo',
  SubscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const;

/** The JSON-RPC error codes 2026-07-28 defines (the spec's reserved -32020…-32099 range). */
export const ModernErrorCode = {
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
} as const;

/** W3C trace context a client sent in a request's `_meta`. */
export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
}

/** What a 2026-07-28 request says about itself in `_meta`. */
export interface RequestMeta {
  protocolVersion: ModernProtocolVersion;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation | undefined;
  /** `undefined`: the client wants no log messages for this request. */
  logLevel: LoggingLevel | undefined;
  trace: TraceContext;
}

/**
 * The protocol version a request claims in `params._meta`, or `undefined` when it claims none (a
 * request of a session opened with `initialize`). A claim makes the request a stateless one.
 */
export function claimedProtocolVersion(params: unknown): unknown {
  if (typeof params !== 'object' || params === null) return undefined;
  const meta = (params as { _meta?: unknown })._meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  return (meta as Record<string, unknown>)[MetaKey.ProtocolVersion];
}

/** The error a client gets for a version we do not speak, listing the ones we do. */
export function unsupportedVersionError(requested: unknown): ProtocolError {
  const supported = [...SUPPORTED_PROTOCOL_VERSIONS];
  const shown = typeof requested === 'string' ? requested : JSON.stringify(requested);
  return new ProtocolError(
    ModernErrorCode.UnsupportedProtocolVersion,
    `Unsupported protocol version ${JSON.stringify(shown)}: this server speaks ${supported.join(', ')}`,
    { data: { supported, requested: requested ?? null } },
  );
}

/**
 * Reads and checks the `_meta` envelope of a stateless request: the required version and client
 * capabilities and the optional client info, log level and trace context (a missing or malformed
 * field gets -32602), then the version (one we do not speak gets -32022).
 */
export function readRequestMeta(params: Record<string, unknown>): RequestMeta {
  const envelope = readMetaEnvelope(params);
  if (!isModernProtocolVersion(envelope.protocolVersion))
    throw unsupportedVersionError(envelope.protocolVersion);
  return envelope as RequestMeta;
}

/** `readRequestMeta` without the version check: what the HTTP transport checks before the headers. */
export function readMetaEnvelope(
  params: Record<string, unknown>,
): Omit<RequestMeta, 'protocolVersion'> & { protocolVersion: string } {
  const meta = params._meta;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw invalid(`params._meta must be an object carrying "${MetaKey.ProtocolVersion}"`);
  }
  const m = meta as Record<string, unknown>;
  const version = m[MetaKey.ProtocolVersion];
  if (typeof version !== 'string') {
    throw invalid(`params._meta["${MetaKey.ProtocolVersion}"] must be a string such as "2026-07-28"`);
  }
  const capabilities = m[MetaKey.ClientCapabilities];
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) {
    throw invalid(
      `params._meta["${MetaKey.ClientCapabilities}"] is required on every request: an object ({} when the client supports no optional capability)`,
    );
  }
  const info = m[MetaKey.ClientInfo];
  if (info !== undefined && !isImplementation(info)) {
    throw invalid(`params._meta["${MetaKey.ClientInfo}"] must be an object with string "name" and "version"`);
  }
  const level = m[MetaKey.LogLevel];
  if (level !== undefined && !isLoggingLevel(level)) {
    throw invalid(
      `params._meta["${MetaKey.LogLevel}"] must be one of ${LOGGING_LEVELS.join(', ')} (got ${JSON.stringify(level)})`,
    );
  }
  const trace: TraceContext = {};
  for (const key of ['traceparent', 'tracestate', 'baggage'] as const) {
    const value = m[key];
    if (typeof value === 'string') trace[key] = value;
  }
  return {
    protocolVersion: version,
    clientCapabilities: capabilities as ClientCapabilities,
    clientInfo: info as Implementation | undefined,
    logLevel: level as LoggingLevel | undefined,
    trace,
  };
}

/** -32021 for a request that needs capabilities its `_meta` did not declare. */
export function missingCapabilityError(method: string, required: Record<string, object>): ProtocolError {
  const names = Object.keys(required).join(', ');
  return new ProtocolError(
    ModernErrorCode.MissingRequiredClientCapability,
    `${method} needs the client capabilities ${names}, which this request did not declare in params._meta["${MetaKey.ClientCapabilities}"]`,
    { data: { requiredCapabilities: required } },
  );
}

function isImplementation(value: unknown): value is Implementation {
  if (typeof value !== 'object' || value === null) return false;
  const { name, version } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof version === 'string';
}

function invalid(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidParams, `Invalid request metadata: ${message}`);
}
