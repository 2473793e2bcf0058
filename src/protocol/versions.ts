/** Revisions a client opens with an `initialize` handshake (the spec's "legacy" era), oldest first. */
export const LEGACY_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const;

/** Stateless revisions, where every request carries its version in `_meta` (the spec's "modern" era). */
export const MODERN_PROTOCOL_VERSIONS = ['2026-07-28'] as const;

/** Every protocol revision this library speaks, oldest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = [
  ...LEGACY_PROTOCOL_VERSIONS,
  ...MODERN_PROTOCOL_VERSIONS,
] as const;

export type LegacyProtocolVersion = (typeof LEGACY_PROTOCOL_VERSIONS)[number];
export type ModernProtocolVersion = (typeof MODERN_PROTOCOL_VERSIONS)[number];
export type ProtocolVersion = LegacyProtocolVersion | ModernProtocolVersion;

/** The newest revision `initialize` negotiates; offered to clients that ask for one we do not know. */
export const LATEST_PROTOCOL_VERSION: LegacyProtocolVersion = '2025-11-25';

/** The newest stateless revision. */
export const LATEST_MODERN_PROTOCOL_VERSION: ModernProtocolVersion = '2026-07-28';

export function isSupportedProtocolVersion(version: unknown): version is ProtocolVersion {
  return (SUPPORTED_PROTOCOL_VERSIONS as readonly unknown[]).includes(version);
}

export function isLegacyProtocolVersion(version: unknown): version is LegacyProtocolVersion {
  return (LEGACY_PROTOCOL_VERSIONS as readonly unknown[]).includes(version);
}

export function isModernProtocolVersion(version: unknown): version is ModernProtocolVersion {
  return (MODERN_PROTOCOL_VERSIONS as readonly unknown[]).includes(version);
}

/** The revision to answer `initialize` with: the client's if the handshake has it, else our latest (the spec's rule). */
export function negotiateProtocolVersion(requested: unknown): LegacyProtocolVersion {
  return isLegacyProtocolVersion(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

/** JSON-RPC batches exist only in 2025-03-26: added there, removed in 2025-06-18. */
export function supportsBatches(version: ProtocolVersion | undefined): boolean {
  return version === '2025-03-26';
}

/** Elicitation (`elicitation/create`) exists from 2025-06-18 on. */
export function supportsElicitation(version: ProtocolVersion | undefined): boolean {
  return version !== undefined && version >= '2025-06-18';
}
