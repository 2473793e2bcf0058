/**
 * The default principal comparison: the same value, or plain data that serializes the same (a
 * principal that came over the message bus is JSON). Used for a session's owner and for selectors.
 */
export function samePrincipal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
