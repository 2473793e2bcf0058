const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * `byteCount` random bytes as lowercase hex. Joined once rather than appended to byte by byte: `+=`
 * leaves a chain of concatenated strings that every session would keep for as long as it lives.
 */
export function randomHex(byteCount: number): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(byteCount));
  const parts = new Array<string>(byteCount);
  for (let i = 0; i < byteCount; i++) parts[i] = HEX[bytes[i]!]!;
  return parts.join('');
}
