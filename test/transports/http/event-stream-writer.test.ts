import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventStreamWriter } from '../../../src/transports/http/event-stream-writer.ts';
import type { StreamSink } from '../../../src/transports/http/exchange.ts';

/** A sink that takes `capacity` writes before reporting backpressure, until `drain()`. */
class FakeSink implements StreamSink {
  readonly written: string[] = [];
  capacity: number;
  state: 'open' | 'ended' | 'destroyed' = 'open';
  #drain: (() => void) | undefined;

  constructor(capacity = Number.POSITIVE_INFINITY) {
    this.capacity = capacity;
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    return this.written.length < this.capacity;
  }
  onDrain<T>(listener: (target: T) => void, target: T): void {
    this.#drain = () => listener(target);
  }
  onClose(): void {}
  end(): void {
    this.state = 'ended';
  }
  destroy(): void {
    this.state = 'destroyed';
  }
  drain(extra: number): void {
    this.capacity = this.written.length + extra;
    this.#drain?.();
  }
}

function writer(maxBuffered = 100) {
  const overflows: number[] = [];
  return { overflows, w: new EventStreamWriter({ maxBuffered, onOverflow: (n) => void overflows.push(n) }) };
}

describe('EventStreamWriter', () => {
  test('holds writes until a sink is attached, then writes the opening event first', () => {
    const { w } = writer();
    w.write('b');
    w.write('c');
    assert.equal(w.blocked, true);
    const sink = new FakeSink();
    w.attach(sink, 'a');
    assert.deepEqual(sink.written, ['a', 'bc']);
    w.write('d');
    assert.deepEqual(sink.written, ['a', 'bc', 'd']);
  });

  test('stops writing when the sink reports backpressure and resumes, coalesced, on drain', () => {
    const { w } = writer();
    const sink = new FakeSink(2);
    w.attach(sink);
    w.write('1');
    w.write('2');
    assert.equal(w.blocked, true);
    w.write('3');
    w.write('4');
    assert.deepEqual(sink.written, ['1', '2']);
    assert.equal(w.buffered, 2);
    sink.drain(10);
    assert.deepEqual(sink.written, ['1', '2', '34']);
    assert.equal(w.blocked, false);
  });

  test('past the bound it reports the overflow once, destroys the sink and takes no more', () => {
    const { w, overflows } = writer(10);
    const sink = new FakeSink(1);
    w.attach(sink);
    w.write('first');
    assert.equal(w.write('123456'), true);
    assert.equal(w.write('abcd'), true);
    assert.equal(w.write('x'), false);
    assert.deepEqual(overflows, [11]);
    assert.equal(sink.state, 'destroyed');
    assert.equal(w.write('more'), false);
    w.end();
    assert.deepEqual(overflows, [11]);
  });

  test('one event larger than the bound still goes out when nothing waits before it', () => {
    const { w, overflows } = writer(10);
    const sink = new FakeSink(1);
    w.attach(sink);
    w.write('a');
    w.write('x'.repeat(50));
    assert.deepEqual(overflows, []);
    sink.drain(5);
    assert.equal(sink.written[1], 'x'.repeat(50));
  });

  test('end() flushes what waits, then ends; destroy() drops it', () => {
    const { w } = writer();
    const sink = new FakeSink(1);
    w.attach(sink);
    w.write('a');
    w.write('b');
    w.write('c');
    w.end();
    assert.deepEqual(sink.written, ['a', 'bc']);
    assert.equal(sink.state, 'ended');
    assert.equal(w.write('late'), false);

    const other = writer().w;
    const sink2 = new FakeSink(1);
    other.attach(sink2);
    other.write('a');
    other.write('b');
    other.destroy();
    assert.deepEqual(sink2.written, ['a']);
    assert.equal(sink2.state, 'destroyed');
  });
});

describe('EventStreamWriter held events', () => {
  test('held events wait on top of the bound, which is the usual one again once they are written', () => {
    const { w, overflows } = writer(10);
    for (const chunk of ['aaaaaaaa', 'bbbbbbbb', 'cccccccc']) assert.equal(w.write(chunk, true), true);
    assert.deepEqual(overflows, [], '24 held characters over a bound of 10');
    const sink = new FakeSink(1);
    w.attach(sink);
    assert.deepEqual(sink.written, ['aaaaaaaabbbbbbbbcccccccc']);
    w.write('123456');
    w.write('789012');
    assert.deepEqual(overflows, [12], 'live events count against the plain bound');
    assert.equal(sink.state, 'destroyed');
  });
});
