import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomId } from '../../src/protocol/random-id.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids are random version-4 UUIDs, none repeated, across many refills of the random pool', () => {
  const ids = new Set<string>();
  // 256 ids per fill of the pool: this draws it about forty times.
  for (let i = 0; i < 10_000; i++) {
    const id = randomId();
    assert.match(id, UUID_V4);
    ids.add(id);
  }
  assert.equal(ids.size, 10_000);
});

test('every random digit of an id takes every hex value', () => {
  const seen = Array.from({ length: 36 }, () => new Set<string>());
  for (let i = 0; i < 2000; i++) {
    const id = randomId();
    for (let at = 0; at < 36; at++) seen[at]!.add(id[at]!);
  }
  for (let at = 0; at < 36; at++) {
    const expected = [8, 13, 18, 23].includes(at) ? 1 : at === 14 ? 1 : at === 19 ? 4 : 16;
    assert.equal(seen[at]!.size, expected, `digit ${at} took ${[...seen[at]!].sort().join('')}`);
  }
});
