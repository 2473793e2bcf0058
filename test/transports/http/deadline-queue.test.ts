import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeadlineQueue } from '../../../src/transports/http/deadline-queue.ts';

/** An entry that records when it expired, and resolves `expired` then. */
function entry() {
  let resolve!: (at: number) => void;
  const expired = new Promise<number>((r) => {
    resolve = r;
  });
  const e = { added: 0, times: 0, expired, expire: () => (e.times++, resolve(performance.now())) };
  return e;
}

describe('DeadlineQueue', () => {
  // The queue's timer does not hold the process open (a request's socket does); here, this does.
  let hold: ReturnType<typeof setInterval>;
  before(() => {
    hold = setInterval(() => {}, 1000);
  });
  after(() => clearInterval(hold));

  test('an entry expires once its whole timeout has passed, and only once', async () => {
    const queue = new DeadlineQueue(40);
    const a = entry();
    a.added = performance.now();
    queue.add(a);
    const at = await a.expired;
    assert.ok(at - a.added >= 40, `expired after ${at - a.added} ms`);
    assert.equal(a.times, 1);
    assert.equal(queue.size, 0);
  });

  test('an entry removed before its deadline never expires; the ones after it still do, each on time', async () => {
    const queue = new DeadlineQueue(40);
    const removed = entry();
    queue.add(removed);
    await new Promise((resolve) => setTimeout(resolve, 15));
    const later = entry();
    later.added = performance.now();
    queue.add(later);
    queue.delete(removed);
    const at = await later.expired;
    // The timer was set for the removed entry's deadline; it waited again for the later one's.
    assert.ok(at - later.added >= 40, `expired after ${at - later.added} ms`);
    assert.equal(removed.times, 0);
  });

  test('entries added while the queue waits expire in the order they were added', async () => {
    const queue = new DeadlineQueue(30);
    const order: string[] = [];
    const first = entry();
    const second = entry();
    queue.add({ expire: () => (order.push('first'), first.expire()) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    queue.add({ expire: () => (order.push('second'), second.expire()) });
    await Promise.all([first.expired, second.expired]);
    assert.deepEqual(order, ['first', 'second']);
  });
});
