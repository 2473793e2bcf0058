// Text as splices: the one splice between two texts, applying one, and moving a cursor or a local edit
// over a change made elsewhere (with the server's own rebase, ../documents.ts).
import { rebase, type Splice } from '../documents.ts';

/** The one splice that turns `a` into `b` (common prefix and suffix left out). */
export function diff(a: string, b: string): Splice {
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  let endA = a.length;
  let endB = b.length;
  while (endA > at && endB > at && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { at, remove: endA - at, insert: b.slice(at, endB) };
}

export const applySplice = (text: string, s: Splice): string =>
  text.slice(0, s.at) + s.insert + text.slice(s.at + s.remove);

export const moveCursor = (index: number, s: Splice): number =>
  index <= s.at
    ? index
    : index >= s.at + s.remove
      ? index + s.insert.length - s.remove
      : s.at + s.insert.length;

/**
 * Puts the typing that turned `base` into `local` onto `next` (the server's newer text, also made from
 * `base`); undefined when both changed the same text. Typing the server already has is not added twice.
 */
export function carryOver(base: string, local: string, next: string): string | undefined {
  const mine = diff(base, local);
  if (mine.remove === 0 && mine.insert === '') return next;
  const theirs = diff(base, next);
  if (mine.at === theirs.at && mine.remove === theirs.remove && mine.insert === theirs.insert) return next;
  const moved = rebase(mine, theirs);
  return moved === undefined ? undefined : applySplice(next, moved);
}
