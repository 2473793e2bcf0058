import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingIds } from '../../src/transports/post-target.ts';

/** What a Set of the same ids answers, step by step, for comparison. */
function sameAsSet(ids: Array<string | number>, steps: Array<string | number>): void {
  const pending = new PendingIds(ids);
  const set = new Set(ids);
  for (const id of steps) {
    assert.equal(pending.has(id), set.has(id), `has(${id})`);
    assert.equal(pending.delete(id), set.delete(id), `delete(${id})`);
    assert.equal(pending.size, set.size, `size after delete(${id})`);
    assert.deepEqual([...pending], [...set]);
  }
}

test("a POST's one pending request behaves as a Set of its id", () => {
  sameAsSet([7], [8, '7', 7, 7]);
  sameAsSet(['a'], ['a', 'a', 'b']);
  const pending = new PendingIds([0]);
  assert.equal(pending.size, 1);
  assert.deepEqual([...pending], [0]);
});

test("a batch's pending requests behave as a Set of their ids", () => {
  sameAsSet([1, 2, 'x'], [2, 2, 'x', 3, 1]);
});
