import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestController } from '../../src/server/request-controller.ts';

test('an abort reaches plain listeners and the signal, once, whichever was made first', () => {
  const controller = new RequestController();
  const heard: string[] = [];
  controller.onAbort(() => heard.push('first'));
  controller.signal.addEventListener('abort', () => heard.push('signal'));
  controller.onAbort(() => heard.push('second'));
  controller.abort(new Error('cancelled'));
  controller.abort(new Error('again'));
  assert.deepEqual(heard, ['signal', 'first', 'second']);
  assert.equal((controller.signal.reason as Error).message, 'cancelled');
  controller.onAbort(() => heard.push('late'));
  assert.deepEqual(heard.at(-1), 'late', 'a listener added after the abort is called at once');
});

test('without a reader, an abort makes no trouble and the signal is still there afterwards', () => {
  const controller = new RequestController();
  let heard = 0;
  controller.onAbort(() => heard++);
  controller.abort('gone');
  assert.equal(heard, 1);
  assert.equal(controller.signal.aborted, true);
  assert.equal(controller.signal.reason, 'gone');
});
