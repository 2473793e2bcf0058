import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '../protocol/jsonrpc.ts';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { isProtocolError } from '../protocol/protocol-error.ts';
import { decodeCursor, encodeCursor, paginate } from './cursor.ts';

function toBase64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function rejectsCursor(run: () => unknown, list: string, why: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isProtocolError(error));
    assert.equal(error.code, ErrorCode.InvalidParams);
    assert.equal(error.code, -32602);
    assert.ok(error.message.startsWith(`Invalid cursor for ${list}: `), error.message);
    assert.match(error.message, why);
    assert.ok(
      error.message.endsWith('; pass the nextCursor from the previous page, or none for the first page'),
      error.message,
    );
    return true;
  });
}

describe('encodeCursor / decodeCursor', () => {
  test('round-trips the offset for the same list', () => {
    for (const offset of [0, 1, 50, 123_456]) {
      assert.equal(decodeCursor(encodeCursor({ list: 'tools/list', offset }), 'tools/list'), offset);
    }
  });

  test('encodes base64url of compact JSON, with no padding or URL-unsafe characters', () => {
    const cursor = encodeCursor({ list: 'resources/templates/list', offset: 20 });
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(JSON.parse(Buffer.from(cursor, 'base64url').toString()), {
      l: 'resources/templates/list',
      o: 20,
    });
  });

  test('survives non-ASCII list names', () => {
    assert.equal(decodeCursor(encodeCursor({ list: 'ünïcode/list', offset: 3 }), 'ünïcode/list'), 3);
  });

  test('rejects a cursor that is not a string', () => {
    for (const [cursor, type] of [
      [42, 'number'],
      [null, 'null'],
      [{ l: 'tools/list', o: 1 }, 'object'],
      [true, 'boolean'],
    ] as const) {
      rejectsCursor(() => decodeCursor(cursor, 'tools/list'), 'tools/list', new RegExp(`got ${type}`));
    }
  });

  test('rejects a string that is not base64url', () => {
    for (const cursor of ['', 'not base64!', 'abc=', 'eyJsIjoidG9vbHMvbGlzdCJ9+', 'a', 'abcde']) {
      rejectsCursor(
        () => decodeCursor(cursor, 'tools/list'),
        'tools/list',
        /not a cursor this server issued/,
      );
    }
  });

  test('rejects base64url that is not JSON, or JSON that is not a cursor', () => {
    for (const text of [
      'not json',
      '{"l":"tools/list"',
      '[1,2]',
      '"tools/list"',
      'null',
      '{"o":1}',
      '{"l":1,"o":1}',
    ]) {
      rejectsCursor(
        () => decodeCursor(toBase64url(text), 'tools/list'),
        'tools/list',
        /not a cursor this server issued/,
      );
    }
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url');
    rejectsCursor(
      () => decodeCursor(invalidUtf8, 'tools/list'),
      'tools/list',
      /not a cursor this server issued/,
    );
  });

  test('rejects a cursor issued for another list method', () => {
    const cursor = encodeCursor({ list: 'prompts/list', offset: 10 });
    rejectsCursor(() => decodeCursor(cursor, 'tools/list'), 'tools/list', /it was issued for prompts\/list/);
  });

  test('rejects a negative, fractional, missing or non-numeric offset', () => {
    for (const offset of ['-1', '1.5', '"3"', 'null', '1e300']) {
      const cursor = toBase64url(`{"l":"tools/list","o":${offset}}`);
      rejectsCursor(() => decodeCursor(cursor, 'tools/list'), 'tools/list', /is not a non-negative integer/);
    }
    rejectsCursor(
      () => decodeCursor(toBase64url('{"l":"tools/list"}'), 'tools/list'),
      'tools/list',
      /offset undefined is not a non-negative integer/,
    );
  });
});

describe('paginate', () => {
  const items = Array.from({ length: 7 }, (_, index) => `item${index}`);

  test('no cursor gives the first page and a cursor for the next', () => {
    const first = paginate(items, 'tools/list', undefined, 3);
    assert.deepEqual(first.page, ['item0', 'item1', 'item2']);
    assert.equal(typeof first.nextCursor, 'string');
  });

  test('following nextCursor walks every item once and the last page has no nextCursor', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = paginate(items, 'tools/list', cursor, 3);
      seen.push(...result.page);
      cursor = result.nextCursor;
      pages++;
    } while (cursor !== undefined);
    assert.deepEqual(seen, items);
    assert.equal(pages, 3);
  });

  test('omits nextCursor when the list fits exactly in one page', () => {
    const result = paginate(items, 'tools/list', undefined, 7);
    assert.deepEqual(result.page, items);
    assert.equal('nextCursor' in result, false);
  });

  test('omits nextCursor when the last page is exactly full', () => {
    const six = items.slice(0, 6);
    const second = paginate(six, 'tools/list', encodeCursor({ list: 'tools/list', offset: 3 }), 3);
    assert.deepEqual(second.page, ['item3', 'item4', 'item5']);
    assert.equal('nextCursor' in second, false);
  });

  test('an empty list gives an empty first page', () => {
    assert.deepEqual(paginate([], 'prompts/list', undefined, 10), { page: [] });
  });

  test('an offset past the end is rejected with -32602, not answered with an empty page', () => {
    for (const offset of [7, 8, 1000]) {
      const cursor = encodeCursor({ list: 'tools/list', offset });
      rejectsCursor(
        () => paginate(items, 'tools/list', cursor, 3),
        'tools/list',
        new RegExp(`offset ${offset} is past the end of the list \\(7 items\\)`),
      );
    }
    rejectsCursor(
      () => paginate([], 'tools/list', encodeCursor({ list: 'tools/list', offset: 1 }), 3),
      'tools/list',
      /past the end/,
    );
  });

  test('passes malformed cursors and cursors of other lists on as -32602', () => {
    rejectsCursor(() => paginate(items, 'tools/list', 17, 3), 'tools/list', /got number/);
    rejectsCursor(() => paginate(items, 'tools/list', '%%%', 3), 'tools/list', /not a cursor/);
    const other = paginate(items, 'resources/list', undefined, 3).nextCursor;
    rejectsCursor(() => paginate(items, 'tools/list', other, 3), 'tools/list', /issued for resources\/list/);
  });

  test('rejects a page size that is not a positive integer as a local definition error', () => {
    for (const pageSize of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => paginate(items, 'tools/list', undefined, pageSize),
        (error: unknown) => isMcpLiveError(error, 'INVALID_DEFINITION') && /tools\/list/.test(error.message),
      );
    }
  });

  test('does not modify the items it pages', () => {
    const frozen = Object.freeze([...items]);
    assert.deepEqual(paginate(frozen, 'tools/list', undefined, 2).page, ['item0', 'item1']);
  });
});
