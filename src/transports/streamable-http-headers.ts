import { isSupportedProtocolVersion, type ProtocolVersion } from '../protocol/versions.ts';
import { memoizeHeader } from './http/header-memo.ts';

/** Whether an `Accept` value lets the client take `type` (wildcards count; `q=0` refuses). */
export function acceptsMediaType(accept: string | null, type: string): boolean {
  if (accept === null) return false;
  // Read in place, range by range: every POST is checked for two types, so this avoids splitting.
  for (let start = 0; start <= accept.length; ) {
    const comma = accept.indexOf(',', start);
    const end = comma === -1 ? accept.length : comma;
    const semi = accept.indexOf(';', start);
    const params = semi !== -1 && semi < end;
    const name = accept
      .slice(start, params ? semi : end)
      .trim()
      .toLowerCase();
    if (matchesRange(name, type) && (!params || notRefused(accept.slice(semi + 1, end)))) return true;
    start = end + 1;
  }
  return false;
}

/**
 * Whether an `Accept` value takes both answers a POST may get (`application/json` and
 * `text/event-stream`). Each value's verdict is remembered (clients send one or a few, always the same).
 */
export function acceptsPostTypes(accept: string | null): boolean {
  return accept !== null && postAccepts(accept);
}

const postAccepts = memoizeHeader(
  (accept) => acceptsMediaType(accept, 'application/json') && acceptsMediaType(accept, 'text/event-stream'),
);

/** `type` falls in the media range `name`: the type itself, its family's wildcard, or the any wildcard. */
function matchesRange(name: string, type: string): boolean {
  return name === type || name === '*/*' || name === `${type.slice(0, type.indexOf('/'))}/*`;
}

/** A range's parameters do not refuse it with `q=0`. */
function notRefused(params: string): boolean {
  const q = params.split(';').find((p) => p.trim().toLowerCase().startsWith('q='));
  return q === undefined || Number(q.trim().slice(2)) > 0;
}

/** The `MCP-Protocol-Version` header: absent, a revision we speak, or something we refuse (400). */
export type VersionHeader =
  | { kind: 'absent' }
  | { kind: 'supported'; version: ProtocolVersion }
  | { kind: 'unsupported'; value: string };

export function readVersionHeader(headers: Headers): VersionHeader {
  const value = headers.get('mcp-protocol-version');
  if (value === null) return { kind: 'absent' };
  const version = value.trim();
  return isSupportedProtocolVersion(version)
    ? { kind: 'supported', version }
    : { kind: 'unsupported', value };
}

/** What a server assumes of a client that sent no `MCP-Protocol-Version` and has no session: the spec's rule. */
export const DEFAULT_HTTP_PROTOCOL_VERSION: ProtocolVersion = '2025-03-26';

/** Session ids may only hold visible ASCII (0x21–0x7E). */
export function isValidSessionId(id: string): boolean {
  return /^[\x21-\x7E]+$/.test(id);
}

/**
 * Whether a client closing a POST stream cancels its requests in this revision. Up to 2025-11-25 the
 * spec says it does not ("Disconnection SHOULD NOT be interpreted as the client cancelling its
 * request"); 2026-07-28, which drops sessions and resumption, makes the disconnect the cancellation.
 */
export function disconnectCancels(version: string): boolean {
  return version >= '2026-07-28';
}
