const SLOTS = 16_384;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const encoder = new TextEncoder();

/**
 * The Redis Cluster hash slot of a key or sharded channel: CRC16 (XMODEM) of its hash tag (the bytes
 * between the first `{` and the next `}`, when not empty), else of the whole name, modulo 16384.
 */
export function keySlot(key: string): number {
  const bytes = encoder.encode(key);
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(OPEN);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]! << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % SLOTS;
}
