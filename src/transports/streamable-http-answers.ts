import { SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/versions.ts';
import type { Exchange, ResponseHeaders } from './http/exchange.ts';
import { respondJSON } from './http/respond.ts';

export const SSE_HEADERS: ResponseHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/** The JSON-RPC code of transport-level refusals (the official SDK's). */
const TRANSPORT_ERROR = -32000;
/** 2026-07-28's `UnsupportedProtocolVersionError`; its data lists the versions we speak. */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/**
 * Answers an HTTP error with a JSON-RPC error response without an id, as the Streamable HTTP spec
 * allows, so that a client can show `error.message` (what is wrong and what to do).
 */
export function fail(
  ex: Exchange,
  status: number,
  message: string,
  headers: ResponseHeaders | undefined,
  code = TRANSPORT_ERROR,
): void {
  respondJSON(ex, status, { jsonrpc: '2.0', id: null, error: { code, message } }, headers);
}

/** 400 for an `MCP-Protocol-Version` this server does not speak, naming the ones it does. */
export function unsupportedVersion(ex: Exchange, value: string, headers: ResponseHeaders | undefined): void {
  const supported = [...SUPPORTED_PROTOCOL_VERSIONS];
  const message = `Bad Request: unsupported MCP-Protocol-Version ${JSON.stringify(value)}; this server speaks ${supported.join(', ')}`;
  const error = { code: UNSUPPORTED_PROTOCOL_VERSION, message, data: { supported, requested: value } };
  respondJSON(ex, 400, { jsonrpc: '2.0', id: null, error }, headers);
}
