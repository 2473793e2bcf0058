import { isSupportedProtocolVersion, type ProtocolVersion } from '../protocol/versions.ts';

/** Whether an `Accept` value lets the client take `type` (wildcards count; `q=0` refuses). */
export function acceptsMediaType(accept: string | null, type: string): boolean {
  if (accept === null) return false;
  const slash = type.indexOf('/');
  const family = `${type.slice(0, slash)}/*`;
  for (const range of accept.split(',')) {
    const [media = '', ...params] = range.split(';');
    const name = media.trim().toLowerCase();
    if (name !== type && name !== family && name !== '*/*') continue;
    const q = params.find((p) => p.trim().toLowerCase().startsWith('q='));
    if (q === undefined || Number(q.trim().slice(2)) > 0) return true;
  }
  return false;
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

/** Priming events (an id and empty data) are for 2025-11-25 and later: older clients fail on empty data. */
export function wantsPrimingEvent(version: string): boolean {
  return version >= '2025-11-25';
}
