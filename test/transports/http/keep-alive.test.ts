import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../../../src/server/session.ts';
import type { EventStreamWriter } from '../../../src/transports/http/event-stream-writer.ts';
import { type KeepAliveSettings, startKeepAlive } from '../../../src/transports/http/keep-alive.ts';

const COMMENT: KeepAliveSettings = { interval: 80, mode: 'comment', pingTimeout: 0 };

/** A stream's writer that records when each keep-alive arrived, and waits for the n-th. */
function recorder() {
  const started = performance.now();
  const at: number[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const writer = {
    blocked: false,
    write(chunk: string) {
      assert.equal(chunk, ': keep-alive\n\n');
      at.push(performance.now() - started);
      for (const w of waiters.filter((w) => at.length >= w.n)) w.resolve();
      return true;
    },
  } as unknown as EventStreamWriter;
  const session = { closed: false } as Session;
  // The keep-alive timer does not hold the process open (it is unref'd); this wait's own timer does.
  const nth = (n: number) =>
    new Promise<void>((resolve, reject) => {
      if (at.length >= n) return resolve();
      const timer = setTimeout(() => reject(new Error(`${at.length} of ${n} keep-alives in 5 s`)), 5_000);
      waiters.push({
        n,
        resolve() {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { writer, session, at, nth };
}

test('each stream gets its first keep-alive about one interval after it opened, then one per interval', async () => {
  const a = recorder();
  const stopA = startKeepAlive(COMMENT, { session: a.session, writer: a.writer, onUnresponsive() {} });
  await new Promise((resolve) => setTimeout(resolve, 30));
  const b = recorder();
  const stopB = startKeepAlive(COMMENT, { session: b.session, writer: b.writer, onUnresponsive() {} });
  await Promise.all([a.nth(3), b.nth(3)]);
  stopA.stop();
  stopB.stop();
  for (const { at } of [a, b]) {
    // Never sooner than 7/8 of an interval: a stream just opened is not written to at once.
    assert.ok(at[0]! >= 70, `first keep-alive after ${at[0]} ms`);
    assert.ok(at[1]! - at[0]! >= 70 && at[2]! - at[1]! >= 70, `keep-alives at ${at.join(', ')} ms`);
  }
});

test('a stopped stream gets no more keep-alives, a blocked one none, a closed session none', async () => {
  const stopped = recorder();
  const blocked = recorder();
  (blocked.writer as { blocked: boolean }).blocked = true;
  const closed = recorder();
  (closed.session as { closed: boolean }).closed = true;
  const live = recorder();
  const handles = [stopped, blocked, closed, live].map((r) =>
    startKeepAlive(COMMENT, { session: r.session, writer: r.writer, onUnresponsive() {} }),
  );
  await stopped.nth(1);
  handles[0]!.stop();
  const after = live.at.length;
  await live.nth(after + 2);
  for (const h of handles) h.stop();
  assert.equal(stopped.at.length, 1);
  assert.equal(blocked.at.length, 0);
  assert.equal(closed.at.length, 0);
});

test('an interval of 0 turns keep-alive off', () => {
  const r = recorder();
  const handle = startKeepAlive({ ...COMMENT, interval: 0 }, { ...r, onUnresponsive() {} });
  handle.stop();
  assert.equal(r.at.length, 0);
});
