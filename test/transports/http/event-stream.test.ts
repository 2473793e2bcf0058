import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError, McpLiveError } from '../../../src/protocol/mcp-live-error.ts';
import type { EventStore } from '../../../src/server/event-store.ts';
import { type StreamEventStore, streamEventStore } from '../../../src/server/sync-event-store.ts';
import { MemoryEventStore } from '../../../src/stores/memory-event-store.ts';
import { EventStream, type EventStreamSettings } from '../../../src/transports/http/event-stream.ts';
import type { StreamSink } from '../../../src/transports/http/exchange.ts';

/** A client connection: what reached it, and whether it was ended; `leave()` is the client going away. */
class Sink implements StreamSink {
  readonly written: string[] = [];
  state: 'open' | 'ended' | 'destroyed' = 'open';
  readonly #capacity: number;
  #close: (() => void) | undefined;

  constructor(capacity = Number.POSITIVE_INFINITY) {
    this.#capacity = capacity;
  }
  get text(): string {
    return this.written.join('');
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    return this.written.length < this.#capacity;
  }
  onDrain(): void {}
  onClose<T>(listener: (target: T) => void, target: T): void {
    this.#close = () => listener(target);
  }
  end(): void {
    this.state = 'ended';
  }
  destroy(): void {
    this.state = 'destroyed';
  }
  leave(): void {
    this.#close?.();
  }
}

const note = (n: number) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } }) as const;

/** The `id:` and `n` of every message event in `text`, in order. */
function events(text: string): Array<{ id: string | undefined; n: unknown }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: message'))
    .map((block) => ({
      id: /^id: (.*)$/m.exec(block)?.[1],
      n: JSON.parse(/^data: (.*)$/m.exec(block)![1]!).params.n,
    }));
}

/** Waits until the stream's queue has run what was given to it (the plain store answers in promises). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function settingsWith(store: StreamEventStore | undefined, extra: Partial<EventStreamSettings> = {}) {
  const reported: unknown[] = [];
  const settings: EventStreamSettings = {
    store,
    keepAlive: { interval: 0, mode: 'comment', pingTimeout: 0 },
    maxBufferedBytes: 64 * 1024,
    report: (error) => void reported.push(error),
    unresponsive: () => {},
    ...extra,
  };
  return { settings, reported };
}

describe('EventStream without a store', () => {
  test('sends events without ids, or numbered 1, 2, … where the wire asks for it (HTTP+SSE)', () => {
    for (const numbered of [false, true]) {
      const stream = new EventStream(
        's',
        undefined,
        settingsWith(undefined, { numberWithoutStore: numbered }).settings,
      );
      const sink = new Sink();
      stream.connect(sink);
      stream.send(note(1));
      stream.send(note(2));
      const ids = events(sink.text).map((e) => e.id);
      assert.deepEqual(ids, numbered ? ['1', '2'] : [undefined, undefined]);
    }
  });
});

// The in-memory store's synchronous fast path must behave exactly as the plain, promise-based one.
const PATHS: Array<[string, (store: EventStore) => StreamEventStore]> = [
  ['fast path', streamEventStore],
  ['plain path', (store) => store],
];

for (const [path, through] of PATHS) {
  describe(`EventStream with a MemoryEventStore (${path})`, () => {
    test('an eager stream holds what is sent until its first connection, which gets the opening event first', async () => {
      const stream = new EventStream('a', undefined, settingsWith(through(new MemoryEventStore())).settings, {
        eager: true,
      });
      stream.send(note(1));
      stream.send(note(2));
      const sink = new Sink();
      stream.connect(sink, { opening: 'event: endpoint\ndata: /message\n\n' });
      await settle();
      assert.ok(sink.text.startsWith('event: endpoint\ndata: /message\n\n'));
      assert.deepEqual(
        events(sink.text).map((e) => e.n),
        [1, 2],
      );
      assert.ok(
        events(sink.text).every((e) => e.id !== undefined),
        'kept events carry ids',
      );
    });

    test('a reconnection takes the stream over: the old connection ends, the new one replays then goes live', async () => {
      const stream = new EventStream('b', undefined, settingsWith(through(new MemoryEventStore())).settings);
      const first = new Sink();
      stream.connect(first);
      for (let n = 1; n <= 3; n++) stream.send(note(n));
      await settle();
      const seen = events(first.text);
      const second = new Sink();
      stream.connect(second, { replayAfter: seen[0]!.id! });
      stream.send(note(4));
      await settle();
      assert.equal(first.state, 'ended');
      assert.deepEqual(
        events(second.text).map((e) => e.n),
        [2, 3, 4],
      );
      const third = new Sink();
      stream.connect(third, { replayAfter: 'start' });
      await settle();
      assert.deepEqual(
        events(third.text).map((e) => e.n),
        [1, 2, 3, 4],
        "'start' replays every event still held",
      );
    });

    test('a replay larger than maxBufferedBytes is delivered whole to a slow client; live events past the bound overflow', async () => {
      const { settings, reported } = settingsWith(through(new MemoryEventStore()), { maxBufferedBytes: 400 });
      const stream = new EventStream('c', undefined, settings);
      for (let n = 1; n <= 20; n++) stream.send(note(n)); // about 1,400 bytes, none of them connected
      const slow = new Sink(1); // takes one write, then reports backpressure
      const overflowed: number[] = [];
      stream.connect(slow, {
        replayAfter: 'start',
        listener: { overflowed: (bytes) => void overflowed.push(bytes) },
      });
      await settle();
      assert.equal(slow.state, 'open');
      assert.equal(events(slow.text).length, 20, 'every missed event went out with the first write');
      for (let n = 21; n <= 40 && slow.state === 'open'; n++) stream.send(note(n));
      await settle();
      assert.equal(slow.state, 'destroyed');
      assert.equal(overflowed.length, 1);
      assert.ok(overflowed[0]! > 400);
      assert.equal(reported.length, 0, 'the owner told of the overflow reports it');
    });

    test('without onOverflow, a client that stops reading is reported as OVERLOADED', async () => {
      const { settings, reported } = settingsWith(through(new MemoryEventStore()), { maxBufferedBytes: 200 });
      const stream = new EventStream('d', undefined, settings);
      const slow = new Sink(1);
      stream.connect(slow);
      for (let n = 1; n <= 10; n++) stream.send(note(n));
      await settle();
      assert.equal(slow.state, 'destroyed');
      assert.ok(isMcpLiveError(reported[0], 'OVERLOADED'));
      assert.match(String((reported[0] as Error).message), /stream d .*maxBufferedBytes \(200\)/);
    });

    test('a client that leaves is told of once, and the stream is no longer connected', async () => {
      const stream = new EventStream('e', undefined, settingsWith(through(new MemoryEventStore())).settings);
      const sink = new Sink();
      let disconnects = 0;
      stream.connect(sink, { listener: { disconnected: () => void disconnects++ } });
      await settle();
      assert.equal(stream.connected, true);
      sink.leave();
      assert.equal(stream.connected, false);
      assert.equal(disconnects, 1);
    });

    test('a client that leaves before its connection starts does not leave the stream looking connected', async () => {
      const stream = new EventStream('f', undefined, settingsWith(through(new MemoryEventStore())).settings);
      const sink = new Sink();
      stream.connect(sink, { replayAfter: 'start' });
      sink.leave();
      assert.equal(stream.connected, false);
      await settle();
      assert.equal(stream.connected, false);
    });

    test('a closed stream forgets its events and ends any later connection at once', async () => {
      const store = new MemoryEventStore();
      const before = await store.lastEventId('g');
      const stream = new EventStream('g', undefined, settingsWith(through(store)).settings);
      stream.send(note(1));
      await settle();
      const held: unknown[] = [];
      await store.replayAfter(before, (_id, message) => void held.push(message));
      assert.equal(held.length, 1);
      stream.close();
      await settle();
      const late = new Sink();
      stream.connect(late, { replayAfter: 'start' });
      assert.equal(late.state, 'ended');
      const replayed: unknown[] = [];
      await store.replayAfter(before, (_id, message) => void replayed.push(message));
      assert.deepEqual(replayed, [], 'the store forgot the stream');
    });
  });
}

describe('EventStream with a store that cannot replay (Redis away)', () => {
  /** A memory store whose replays (and, if told, lookups) fail as RedisEventStore's do while Redis is away. */
  class Unreachable extends MemoryEventStore {
    readonly #lookups: boolean;
    constructor(lookups: 'lookups too' | 'replays only') {
      super();
      this.#lookups = lookups === 'lookups too';
    }
    override async replayAfter(): Promise<string | undefined> {
      throw new McpLiveError('STORE_UNAVAILABLE', 'RedisEventStore: cannot replay: Redis is unreachable');
    }
    override async lastEventId(streamId: string): Promise<string> {
      if (this.#lookups) throw new McpLiveError('STORE_UNAVAILABLE', 'RedisEventStore: Redis is unreachable');
      return super.lastEventId(streamId);
    }
  }

  test('a resumption the store cannot replay ends at once, naming the event to resume after, and is reported', async () => {
    const { settings, reported } = settingsWith(new Unreachable('replays only'));
    const stream = new EventStream('h', undefined, settings);
    const sink = new Sink();
    stream.connect(sink, { replayAfter: 'h_1' });
    stream.send(note(2)); // live, while the replay waits: it comes with a later replay, not here
    await settle();
    assert.equal(sink.state, 'ended', 'not left open with nothing on it');
    assert.equal(sink.text, 'id: h_1\ndata: \n\n', 'the client reconnects with Last-Event-ID h_1');
    assert.equal(stream.connected, false);
    assert.ok(isMcpLiveError(reported[0], 'STORE_UNAVAILABLE'));
  });

  test('a connection whose start the store cannot look up is dropped, so that the client retries', async () => {
    const { settings, reported } = settingsWith(new Unreachable('lookups too'));
    const stream = new EventStream('i', undefined, settings);
    const sink = new Sink();
    stream.connect(sink, { priming: { retry: 0 } });
    await settle();
    assert.equal(sink.state, 'destroyed');
    assert.equal(sink.text, '');
    assert.ok(reported.length >= 1 && reported.every((e) => isMcpLiveError(e, 'STORE_UNAVAILABLE')));
  });
});
