/** Lowercase hex digits of every byte, as character codes: byte `b` is at `2b` and `2b + 1`. */
const HEX = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  const digits = byte.toString(16).padStart(2, '0');
  HEX[2 * byte] = digits.charCodeAt(0);
  HEX[2 * byte + 1] = digits.charCodeAt(1);
}

/** Random bytes for 256 ids, drawn from the platform's CSPRNG and refilled when used up. */
const pool = new Uint8Array(16 * 256);
let next = pool.length;
/** The text of one id, written in place; the dashes never move. */
const text = new Uint8Array(36).fill(0x2d);
const decoder = new TextDecoder();

/**
 * A random UUID (version 4, from `crypto.getRandomValues`) as one flat string: what
 * `crypto.randomUUID()` makes, without the tree of twenty concatenated pieces Node builds it from
 * (~640 bytes until read whole, where the flat string takes 56). Sessions and streams keep theirs
 * for life, and a stateless request makes one per call.
 */
export function randomId(): string {
  if (next === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let byte = pool[next + i]!;
    // The version (4) in the high nibble of byte 6, the variant (10xx) in the high bits of byte 8.
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) at++;
    text[at++] = HEX[2 * byte]!;
    text[at++] = HEX[2 * byte + 1]!;
  }
  next += 16;
  return decoder.decode(text);
}
