import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoizeHeader } from '../../../src/transports/http/header-memo.ts';

test('a memoized header function computes each value once while it is remembered', () => {
  const seen: string[] = [];
  const length = memoizeHeader((value) => {
    seen.push(value);
    return value.length;
  }, 2);
  assert.equal(length('ab'), 2);
  assert.equal(length('ab'), 2);
  assert.equal(length('abc'), 3);
  assert.deepEqual(seen, ['ab', 'abc']);
  // A third value clears the memory: the first is computed again, with the same result.
  assert.equal(length('abcd'), 4);
  assert.equal(length('ab'), 2);
  assert.deepEqual(seen, ['ab', 'abc', 'abcd', 'ab']);
});

test('values too long to remember, and undefined results, are computed every time', () => {
  let calls = 0;
  const upper = memoizeHeader(
    (value) => {
      calls++;
      return value.startsWith('x') ? undefined : value.toUpperCase();
    },
    64,
    4,
  );
  assert.equal(upper('abcde'), 'ABCDE');
  assert.equal(upper('abcde'), 'ABCDE');
  assert.equal(upper('xy'), undefined);
  assert.equal(upper('xy'), undefined);
  assert.equal(calls, 4);
  assert.equal(upper('abcd'), 'ABCD');
  assert.equal(upper('abcd'), 'ABCD');
  assert.equal(calls, 5);
});
