import { decodeBase64, encodeBase64url } from '../protocol/base64.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';

/** Where a list method left off; encoded into an opaque cursor. */
export interface CursorState {
  /** The list method the cursor belongs to, e.g. `tools/list`. */
  list: string;
  /** Index of the first item of the next page. */
  offset: number;
}

/** One page of a list and, when more items remain, the cursor of the next page. */
export interface Page<T> {
  page: T[];
  nextCursor?: string;
}

/**
 * Encodes a pagination position as an opaque cursor (base64url of compact JSON). Clients must treat
 * it as opaque; only `decodeCursor` reads it.
 */
export function encodeCursor(state: CursorState): string {
  return encodeBase64url(new TextEncoder().encode(JSON.stringify({ l: state.list, o: state.offset })));
}

/**
 * Reads the offset out of a cursor issued by `encodeCursor` for the list method `list`.
 * Throws `ProtocolError.invalidParams` (-32602) for anything else.
 */
export function decodeCursor(cursor: unknown, list: string): number {
  if (typeof cursor !== 'string') {
    throw invalidCursor(list, `expected a string, got ${cursor === null ? 'null' : typeof cursor}`);
  }
  const state = parseState(cursor);
  if (state === undefined || typeof state.l !== 'string') {
    throw invalidCursor(list, 'it is not a cursor this server issued');
  }
  if (state.l !== list) throw invalidCursor(list, `it was issued for ${state.l}`);
  const offset = state.o;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidCursor(list, `its offset ${JSON.stringify(offset)} is not a non-negative integer`);
  }
  return offset;
}

/**
 * Cuts one page out of `items` for the list method `list`. No cursor gives the first page;
 * `nextCursor` is set only when more items remain. A cursor past the end of the list is rejected
 * with -32602 rather than answered with an empty page.
 * @example
 * const { page, nextCursor } = paginate(tools, 'tools/list', params.cursor, 50);
 */
export function paginate<T>(items: readonly T[], list: string, cursor: unknown, pageSize: number): Page<T> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new McpLiveError(
      'INVALID_DEFINITION',
      `Page size for ${list} must be a positive integer, got ${pageSize}`,
    );
  }
  const offset = cursor === undefined ? 0 : decodeCursor(cursor, list);
  if (offset > 0 && offset >= items.length) {
    throw invalidCursor(
      list,
      `its offset ${offset} is past the end of the list (${items.length} items); the list may have changed`,
    );
  }
  const end = offset + pageSize;
  const page = items.slice(offset, end);
  return end < items.length ? { page, nextCursor: encodeCursor({ list, offset: end }) } : { page };
}

function parseState(cursor: string): Record<string, unknown> | undefined {
  const bytes = /^[A-Za-z0-9_-]+$/.test(cursor) ? decodeBase64(cursor) : undefined;
  if (bytes === undefined) return undefined;
  try {
    const state: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
    return state as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function invalidCursor(list: string, why: string): ProtocolError {
  return ProtocolError.invalidParams(
    `Invalid cursor for ${list}: ${why}; pass the nextCursor from the previous page, or none for the first page`,
  );
}
