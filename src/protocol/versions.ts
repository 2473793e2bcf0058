/** Every protocol revision this library speaks, oldest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const;

export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number];

/** The newest revision we speak; offered to clients that ask for one we do not know. */
export const LATEST_PROTOCOL_VERSION: ProtocolVersion = '2025-11-25';

export function isSupportedProtocolVersion(version: unknown): version is ProtocolVersion {
  return (SUPPORTED_PROTOCOL_VERSIONS as readonly unknown[]).includes(version);
}

/** The revision to answer `initialize` with: the client's if we speak it, else our latest (the spec's rule). */
export function negotiateProtocolVersion(requested: unknown): ProtocolVersion {
  return isSupportedProtocolVersion(requested) ? requested : LATEST_PROTOCOL_VERSION;
}

/** JSON-RPC batches exist only in 2025-03-26: added there, removed in 2025-06-18. */
export function supportsBatches(version: ProtocolVersion | undefined): boolean {
  return version === '2025-03-26';
}

/** Elicitation (`elicitation/create`) exists from 2025-06-18 on. */
export function supportsElicitation(version: ProtocolVersion | undefined): boolean {
  return version !== undefined && version >= '2025-06-18';
}
