import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssues, formatPath } from './index.ts';

test('formatPath joins keys with dots and indexes with brackets', () => {
  assert.equal(formatPath([]), '');
  assert.equal(formatPath(['count']), 'count');
  assert.equal(formatPath(['data', 'items', 0, 'id']), 'data.items[0].id');
  assert.equal(formatPath([0, 'a']), '[0].a');
  assert.equal(formatPath(['headers', 'content-type']), 'headers["content-type"]');
  assert.equal(formatPath(['0']), '["0"]');
});

test('formatIssues writes one clause per issue, root issues as "value"', () => {
  assert.equal(
    formatIssues([
      { path: 'source', message: 'is required (string)' },
      { path: 'count', message: 'must be a number (got string "abc")' },
    ]),
    '"source" is required (string); "count" must be a number (got string "abc")',
  );
  assert.equal(
    formatIssues([{ path: '', message: 'must be an object (got null)' }]),
    'value must be an object (got null)',
  );
  assert.equal(formatIssues([]), '');
});
