/**
 * Listeners kept without an array for the usual single one: an array that is pushed to reserves room
 * for seventeen (some 150 bytes), held by every session and every request that has one listener.
 */
export type Listeners = (() => void) | Array<() => void> | undefined;

/** `list` with `listener` added: store the result in place of `list`. */
export function addListener(list: Listeners, listener: () => void): Listeners {
  if (list === undefined) return listener;
  if (typeof list === 'function') return [list, listener];
  list.push(listener);
  return list;
}

/** Calls every listener of `list`, in the order they were added. */
export function callListeners(list: Listeners): void {
  if (typeof list === 'function') list();
  else if (list !== undefined) for (const listener of list) listener();
}
