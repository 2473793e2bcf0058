// How the live page carries typing the server has not seen over the server's newer text: the rule that
// decides whether an offline edit is sent (moved) or kept on the page for the user (clash).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carryOver, diff } from '../../examples/live/public/text-splice.ts';

const base = 'one two three';

test('typing elsewhere than the server’s change is moved over it', () => {
  assert.equal(carryOver(base, 'zero one two three', 'one two three four'), 'zero one two three four');
  assert.equal(carryOver(base, 'one two three!', 'one 2 three'), 'one 2 three!');
});

test('without local typing the server’s text is taken as it is', () => {
  assert.equal(carryOver(base, base, 'one 2 three'), 'one 2 three');
});

test('typing the server already has (its answer was lost) is not added twice', () => {
  assert.equal(carryOver(base, 'one two and three', 'one two and three'), 'one two and three');
});

test('typing over text the server changed too is a clash: undefined, for the page to keep it', () => {
  assert.equal(carryOver(base, 'one TWO three', 'one 2 three'), undefined);
});

test('diff finds the one splice between two texts', () => {
  assert.deepEqual(diff('abcdef', 'abXYef'), { at: 2, remove: 2, insert: 'XY' });
  assert.deepEqual(diff('abc', 'abc'), { at: 3, remove: 0, insert: '' });
});
