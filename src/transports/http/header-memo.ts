/**
 * Remembers what `compute` gave for a header value, for up to `size` values of at most `maxLength`
 * characters: clients send the same few values on every request (`Accept`, `Host`, the names the
 * transports ask for), so each request pays a map lookup instead of parsing. The memory is cleared
 * whole when full, so a client that sends ever new values costs a recomputation each, nothing more.
 * `compute` must be pure; an `undefined` result is not remembered.
 */
export function memoizeHeader<T>(
  compute: (value: string) => T,
  size = 64,
  maxLength = 256,
): (value: string) => T {
  const known = new Map<string, T>();
  return (value) => {
    const remembered = known.get(value);
    if (remembered !== undefined) return remembered;
    const result = compute(value);
    if (result !== undefined && value.length <= maxLength) {
      if (known.size >= size) known.clear();
      known.set(value, result);
    }
    return result;
  };
}
