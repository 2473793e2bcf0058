import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import {
  BURST,
  countHeldWrite,
  holdAnswer,
  scheduleFlush,
} from '../../../src/transports/http/write-batching.ts';

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

/** Lets batching end, as it does after a few turns that coalesce nothing. */
async function quietTurns(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) {
    new FakeStream().write('quiet');
    await nextTurn();
  }
  await sleep(5);
  await nextTurn();
}

test('a burst to many streams in one tick leaves as it goes, not all at the end of the tick', async () => {
  await quietTurns();
  const streams = Array.from({ length: BURST * 3 + 5 }, () => new FakeStream());
  const leftDuringTheLoop: number[] = [];
  for (const [i, stream] of streams.entries()) {
    stream.write(`m${i}`);
    leftDuringTheLoop.push(streams.filter((s) => s.packets.length > 0).length);
  }
  // The first clients can read while the server still writes to the others.
  assert.equal(leftDuringTheLoop[BURST - 2], 0, 'held while fewer than BURST wait');
  assert.equal(leftDuringTheLoop[BURST - 1], BURST, 'the BURST-th write flushes the streams waiting');
  assert.equal(leftDuringTheLoop.at(-1), BURST * 3);
  await new Promise((resolve) => process.nextTick(resolve));
  assert.ok(
    streams.every((s, i) => s.packets.length === 1 && s.packets[0]![0] === `m${i}`),
    'every stream leaves once, the rest at the end of the tick',
  );
});

test('while batching, a burst to many streams leaves as it goes too', async () => {
  await sleep(5);
  await nextTurn();
  const probe = new FakeStream();
  probe.write('1');
  await inLaterTick(probe, '2');
  await nextTurn();
  // Batching now: a turn's writes wait for its end, unless BURST streams wait.
  const streams = Array.from({ length: BURST + 3 }, () => new FakeStream());
  for (const [i, stream] of streams.entries()) stream.write(`m${i}`);
  await new Promise((resolve) => process.nextTick(resolve));
  assert.equal(streams.filter((s) => s.packets.length > 0).length, BURST, 'the first BURST left at once');
  await nextTurn();
  assert.ok(streams.every((s) => s.packets.length === 1));
});

/** A whole answer as NodeExchange drives the module: sent now, or when the module flushes it. */
class FakeAnswer {
  flushedInTurn = 0;
  constructor(
    readonly name: string,
    readonly sent: string[],
  ) {}

  /** Answers: returns whether it was held. */
  answer(): boolean {
    const held = holdAnswer(this);
    if (!held) this.sent.push(this.name);
    return held;
  }

  uncork(): void {
    this.sent.push(this.name);
  }
}

test('a quiet server sends each answer at once; two in one turn make the answers of a turn leave at its end', async () => {
  await quietTurns();
  const sent: string[] = [];
  // One answer a turn: each leaves at once.
  for (let turn = 0; turn < 3; turn++) {
    await sleep(3);
    assert.equal(new FakeAnswer(`alone${turn}`, sent).answer(), false);
    assert.deepEqual(sent.at(-1), `alone${turn}`, 'sent before the call returned');
    await nextTurn();
  }
  // The probe's turn answers two requests: both still leave at once, and the server is busy from then on.
  await sleep(3);
  assert.equal(new FakeAnswer('p1', sent).answer(), false);
  assert.equal(new FakeAnswer('p2', sent).answer(), false);
  await nextTurn();
  sent.length = 0;
  // Busy: a turn's answers wait for its end and leave together, in the order they were given.
  assert.equal(new FakeAnswer('b1', sent).answer(), true);
  assert.equal(new FakeAnswer('b2', sent).answer(), true);
  await new Promise((resolve) => process.nextTick(resolve));
  assert.deepEqual(sent, [], 'held to the end of the turn, not of the tick');
  await nextTurn();
  assert.deepEqual(sent, ['b1', 'b2']);
  // Turns with one answer each coalesce nothing: after a few, an answer leaves at once again.
  for (let turn = 0; turn < 4; turn++) {
    new FakeAnswer(`q${turn}`, sent).answer();
    await nextTurn();
  }
  assert.equal(new FakeAnswer('again', sent).answer(), false);
  assert.equal(sent.at(-1), 'again');
});

test('while busy, answers and stream writes of a turn leave together, and a burst of answers leaves as it goes', async () => {
  await quietTurns();
  const sent: string[] = [];
  await sleep(3);
  new FakeAnswer('p1', sent).answer();
  new FakeAnswer('p2', sent).answer();
  await nextTurn();
  const stream = new FakeStream();
  stream.write('event');
  assert.equal(new FakeAnswer('a', sent).answer(), true);
  await nextTurn();
  assert.deepEqual([stream.packets, sent.slice(2)], [[['event']], ['a']]);
  const many = Array.from({ length: BURST + 2 }, (_, i) => new FakeAnswer(`m${i}`, sent));
  sent.length = 0;
  for (const answer of many) answer.answer();
  assert.equal(sent.length, BURST, 'the first BURST left at once');
  await nextTurn();
  assert.equal(sent.length, BURST + 2);
  assert.deepEqual(
    sent,
    many.map((answer) => answer.name),
  );
});
