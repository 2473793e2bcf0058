import { isSupportedProtocolVersion, type ProtocolVersion } from '../protocol/versions.ts';
import { memoizeHeader } from './http/header-memo.ts';

/**
 * Whether an `Accept` value lets the client take `type`. Wildcards count, and as RFC 9110 (12.5.1)
 * has it, the most specific range that matches decides: `text/event-stream;q=0` refuses the type
 * even beside the any wildcard. Ranges as specific as each other accept the type if one of them does.
 */
export function acceptsMediaType(accept: string | null, type: string): boolean {
  if (accept === null) return false;
  const family = `${type.slice(0, type.indexOf('/'))}/*`;
  let decidedBy = 0;
  let accepted = false;
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
    const specificity = name === type ? 3 : name === family ? 2 : name === '*/*' ? 1 : 0;
    if (specificity > 0 && specificity >= decidedBy) {
      const takes = !params || notRefused(accept.slice(semi + 1, end));
      accepted = specificity > decidedBy ? takes : accepted || takes;
      decidedBy = specificity;
    }
    start = end + 1;
  }
  return accepted;
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
