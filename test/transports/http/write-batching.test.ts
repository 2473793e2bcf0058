import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { countHeldWrite, scheduleFlush } from '../../../src/transports/http/write-batching.ts';

/** A stream as NodeSink drives the module: corked by its first write, uncorked by the module. */
class FakeStream {
  flushedInTurn = 0;
  corked = false;
  /** Writes not yet flushed, and the packets flushed so far (one per uncork). */
  held: string[] = [];
  packets: string[][] = [];

  write(chunk: string): void {
    this.held.push(chunk);
    if (this.corked) {
      countHeldWrite();
      return;
    }
    this.corked = true;
    scheduleFlush(this);
  }

  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.packets.push(this.held);
    this.held = [];
  }
}

/** Writes `chunk` in a later tick of this same turn (after the flushes queued before it). */
const inLaterTick = (stream: FakeStream, chunk: string) =>
  new Promise<void>((resolve) =>
    process.nextTick(() => {
      stream.write(chunk);
      resolve();
    }),
  );

test('a quiet stream flushes at the end of the tick it was written in', async () => {
  await sleep(5);
  await nextTurn();
  const stream = new FakeStream();
  stream.write('a');
  stream.write('b');
  assert.deepEqual(stream.packets, [], 'held until the tick ends');
  await new Promise((resolve) => process.nextTick(resolve));
  assert.deepEqual(
    stream.packets,
    [['a', 'b']],
    'both writes of the tick in one packet, before the turn ends',
  );
});

test('once a turn wrote a stream twice, writes of a turn leave together; a few quiet turns end that', async () => {
  await sleep(5);
  await nextTurn();
  const stream = new FakeStream();
  // The probe's turn: flushed at once each time, but seen written in two ticks.
  stream.write('1');
  await inLaterTick(stream, '2');
  assert.deepEqual(stream.packets, [['1'], ['2']], 'the probe turn itself is not held');
  await nextTurn();

  // Batching: three ticks of one turn, one packet at its end.
  stream.write('3');
  await inLaterTick(stream, '4');
  await inLaterTick(stream, '5');
  assert.equal(stream.packets.length, 2, 'nothing left before the turn ended');
  await nextTurn();
  assert.deepEqual(stream.packets.at(-1), ['3', '4', '5']);

  // Turns with one write each coalesce nothing: after a few, a write leaves at the end of its tick again.
  for (let turn = 0; turn < 4; turn++) {
    stream.write(`q${turn}`);
    await nextTurn();
  }
  stream.write('alone');
  await new Promise((resolve) => process.nextTick(resolve));
  assert.deepEqual(stream.packets.at(-1), ['alone']);
});

test('streams written in one batching turn each leave once, in the order they were first written', async () => {
  await sleep(5);
  await nextTurn();
  const a = new FakeStream();
  const b = new FakeStream();
  a.write('a1');
  await inLaterTick(a, 'a2');
  await nextTurn();
  a.packets = [];
  b.write('b1');
  a.write('a3');
  await inLaterTick(b, 'b2');
  await inLaterTick(a, 'a4');
  assert.deepEqual([a.packets, b.packets], [[], []]);
  await nextTurn();
  assert.deepEqual(a.packets, [['a3', 'a4']]);
  assert.deepEqual(b.packets, [['b1', 'b2']]);
});
