/**
 * Event ids of a `RedisEventStore`: `{streamId}_{ms}-{seq}` for an event in Redis (its stream entry
 * id), `{streamId}_{n}` for one held in this process while Redis was away.
 */
export type ParsedEventId =
  | { kind: 'redis'; streamId: string; entry: EntryId }
  | { kind: 'local'; streamId: string; seq: number };

/** A Redis stream entry id, as numbers. */
export interface EntryId {
  ms: number;
  seq: number;
}

const SEPARATOR = '_';
const ENTRY = /^(\d{1,15})-(\d{1,15})$/;
const LOCAL = /^\d{1,15}$/;

export function parseEventId(eventId: string): ParsedEventId | undefined {
  const at = eventId.lastIndexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const streamId = eventId.slice(0, at);
  const tail = eventId.slice(at + 1);
  const entry = ENTRY.exec(tail);
  if (entry !== null)
    return { kind: 'redis', streamId, entry: { ms: Number(entry[1]), seq: Number(entry[2]) } };
  if (LOCAL.test(tail)) return { kind: 'local', streamId, seq: Number(tail) };
  return undefined;
}

export function redisEventId(streamId: string, entry: EntryId | string): string {
  return streamId + SEPARATOR + (typeof entry === 'string' ? entry : formatEntry(entry));
}

export function localEventId(streamId: string, seq: number): string {
  return streamId + SEPARATOR + seq;
}

export function formatEntry(entry: EntryId): string {
  return `${entry.ms}-${entry.seq}`;
}

export function parseEntry(text: string): EntryId | undefined {
  const entry = ENTRY.exec(text);
  return entry === null ? undefined : { ms: Number(entry[1]), seq: Number(entry[2]) };
}

export function compareEntries(a: EntryId, b: EntryId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

/** The entry before every entry. */
export const FIRST_ENTRY: EntryId = { ms: 0, seq: 0 };
