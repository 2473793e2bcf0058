import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reachableLevels } from './scale.ts';

test('levels a process can hold pass as they are', () => {
  assert.deepEqual(reachableLevels([1000, 5000], 65_536), [{ sessions: 1000 }, { sessions: 5000 }]);
  assert.deepEqual(reachableLevels([1000], undefined), [{ sessions: 1000 }]);
});

test('a level above the open-file limit is held just below it, once, and says what was asked', () => {
  assert.deepEqual(reachableLevels([10_000, 20_000, 30_000], 20_000), [
    { sessions: 10_000 },
    { sessions: 19_800, requested: 20_000 },
  ]);
  assert.deepEqual(reachableLevels([19_900], 20_000), [{ sessions: 19_800, requested: 19_900 }]);
});
