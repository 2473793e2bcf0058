import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'n', params: { n } });

async function replay(store: MemoryEventStore, after: string) {
  const seen: Array<[string, number]> = [];
  const stream = await store.replayAfter(after, (id, message) => {
    seen.push([id, (message as unknown as { params: { n: number } }).params.n]);
  });
  return { stream, seen };
}

test('event ids name their stream, and replay covers that stream only, after the given event', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  const a1 = await store.append('a', note(1));
  await store.append('b', note(10));
  const a2 = await store.append('a', note(2));
  const a3 = await store.append('a', note(3));
  assert.equal(await store.streamOf(a1), 'a');
  assert.equal(await store.streamOf(a2), 'a');
  assert.equal(new Set([a1, a2, a3]).size, 3);
  assert.deepEqual(await replay(store, a1), {
    stream: 'a',
    seen: [
      [a2, 2],
      [a3, 3],
    ],
  });
  assert.deepEqual((await replay(store, a3)).seen, []);
});

test('stream ids may contain the separator', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  const id = await store.append('key_with_underscores-1', note(1));
  assert.equal(await store.streamOf(id), 'key_with_underscores-1');
  const before = await store.lastEventId('key_with_underscores-1');
  await store.append('key_with_underscores-1', note(2));
  assert.deepEqual(
    (await replay(store, before)).seen.map(([, n]) => n),
    [2],
  );
});

test('lastEventId of a new stream replays everything appended later', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  await store.append('other', note(0));
  const start = await store.lastEventId('fresh');
  assert.equal(await store.streamOf(start), 'fresh');
  await store.append('fresh', note(1));
  await store.append('fresh', note(2));
  assert.deepEqual(
    (await replay(store, start)).seen.map(([, n]) => n),
    [1, 2],
  );
});

test('ids this store cannot have made are refused', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  for (const id of ['', 'plain', '_5', 'a_', 'a_x', 'a_1e3']) {
    assert.equal(await store.streamOf(id), undefined, id);
    assert.equal((await replay(store, id)).stream, undefined, id);
  }
});

test('each stream keeps at most maxEventsPerStream events, the newest', async (t) => {
  const store = new MemoryEventStore({ maxEventsPerStream: 3 });
  t.after(() => store.clear());
  const start = await store.lastEventId('s');
  for (let n = 1; n <= 5; n++) await store.append('s', note(n));
  await store.append('t', note(100));
  assert.equal(store.size, 4);
  assert.deepEqual(
    (await replay(store, start)).seen.map(([, n]) => n),
    [3, 4, 5],
  );
});

test('events older than maxAge are dropped, and ids stay meaningful after a stream empties', async (t) => {
  let now = 1_000;
  const store = new MemoryEventStore({ maxAge: 100, now: () => now });
  t.after(() => store.clear());
  const old = await store.append('s', note(1));
  now += 50;
  await store.append('s', note(2));
  now += 60;
  assert.deepEqual(
    (await replay(store, old)).seen.map(([, n]) => n),
    [2],
  );
  now += 100;
  assert.deepEqual((await replay(store, old)).seen, []);
  assert.equal(store.size, 0);
  assert.equal(store.streamCount, 0);
  // A client still holding an old cursor gets only what came after it, never a renumbered past.
  const cursor = await store.lastEventId('s');
  await store.append('s', note(3));
  assert.deepEqual(
    (await replay(store, old)).seen.map(([, n]) => n),
    [3],
  );
  assert.deepEqual(
    (await replay(store, cursor)).seen.map(([, n]) => n),
    [3],
  );
});

test('deleteStream forgets a stream', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  const first = await store.append('s', note(1));
  await store.append('s', note(2));
  await store.append('t', note(3));
  await store.deleteStream('s');
  assert.equal(store.size, 1);
  assert.deepEqual((await replay(store, first)).seen, []);
});

test('bad limits are refused at construction', () => {
  assert.throws(() => new MemoryEventStore({ maxEventsPerStream: 0 }), /maxEventsPerStream ≥ 1/);
  assert.throws(() => new MemoryEventStore({ maxAge: 0 }), /maxAge > 0/);
});

test('the options named in a refusal are the ones at fault, with their values', () => {
  const refusals: Array<[ConstructorParameters<typeof MemoryEventStore>[0], RegExp]> = [
    [{ endedStreamMaxAge: -1 }, /endedStreamMaxAge ≥ 0 \(got -1\)/],
    [{ endedStreamMaxAge: Number.NaN }, /endedStreamMaxAge ≥ 0 \(got NaN\)/],
    [{ maxBytes: 0 }, /maxBytes > 0 \(got 0\)/],
    [{ maxAge: -5 }, /maxAge > 0 \(got -5\)/],
  ];
  for (const [options, message] of refusals) {
    assert.throws(
      () => new MemoryEventStore(options),
      (error: unknown) => isMcpLiveError(error, 'INVALID_OPTION') && message.test(error.message),
    );
  }
});

test('an ended stream is forgotten endedStreamMaxAge after it ended, not before; other streams stay', async (t) => {
  let now = 1_000;
  const store = new MemoryEventStore({ maxAge: 60_000, endedStreamMaxAge: 100, now: () => now });
  t.after(() => store.clear());
  const start = await store.lastEventId('post-1');
  await store.append('post-1', note(1));
  await store.append('post-1', note(2));
  await store.append('get', note(3));
  now += 10;
  await store.streamEnded('post-1');
  now += 99;
  assert.deepEqual(
    (await replay(store, start)).seen.map(([, n]) => n),
    [1, 2],
    'resumable just before',
  );
  now += 1;
  assert.deepEqual((await replay(store, start)).seen, []);
  assert.equal(store.size, 1);
  assert.equal(store.streamCount, 1);
  // A running stream keeps maxAge.
  now += 59_000;
  await store.append('post-2', note(4));
  assert.equal(store.size, 2);
});

test('an append is enough to forget ended streams that are due', async (t) => {
  let now = 0;
  const store = new MemoryEventStore({ endedStreamMaxAge: 50, now: () => now });
  t.after(() => store.clear());
  for (let i = 0; i < 100; i++) {
    await store.append(`post-${i}`, note(i));
    await store.streamEnded(`post-${i}`);
    now += 1;
  }
  assert.equal(store.size, 50, 'the first 50 were due at their own 50 ms');
  now += 50;
  await store.append('other', note(0));
  assert.equal(store.size, 1);
  assert.equal(store.streamCount, 1);
});

test('an ended stream is not kept past maxAge, and one written again after it ended keeps its new event', async (t) => {
  let now = 0;
  const store = new MemoryEventStore({ maxAge: 100, endedStreamMaxAge: 1_000, now: () => now });
  t.after(() => store.clear());
  await store.append('s', note(1));
  await store.streamEnded('s');
  now += 100;
  assert.equal((await replay(store, 's_0')).seen.length, 0);

  const short = new MemoryEventStore({ maxAge: 1_000, endedStreamMaxAge: 100, now: () => now });
  t.after(() => short.clear());
  await short.append('s', note(1));
  await short.streamEnded('s');
  now += 50;
  await short.append('s', note(2));
  now += 50;
  assert.deepEqual(
    (await replay(short, 's_0')).seen.map(([, n]) => n),
    [1, 2],
    'it runs again',
  );
  await short.streamEnded('s');
  now += 100;
  assert.deepEqual((await replay(short, 's_0')).seen, []);
});

test('past maxBytes the oldest events of the whole store go first, and size shows it', async (t) => {
  const text = (n: number) => JSON.stringify(note(n));
  const each = text(1).length + 64;
  const store = new MemoryEventStore({ maxBytes: each * 3 });
  t.after(() => store.clear());
  const startA = await store.lastEventId('a');
  const startB = await store.lastEventId('b');
  await store.append('a', note(1), text(1));
  await store.append('b', note(2), text(2));
  await store.append('a', note(3), text(3));
  assert.equal(store.size, 3);
  await store.append('b', note(4), text(4));
  assert.equal(store.size, 3);
  assert.deepEqual(
    (await replay(store, startA)).seen.map(([, n]) => n),
    [3],
    'a lost its oldest',
  );
  assert.deepEqual(
    (await replay(store, startB)).seen.map(([, n]) => n),
    [2, 4],
  );
  await store.append('c', note(5), text(5));
  await store.append('c', note(6), text(6));
  assert.equal(store.size, 3);
  assert.equal(store.streamCount, 2, 'a lost its last event, then its stream');
  assert.deepEqual((await replay(store, startA)).seen, []);
  assert.deepEqual(
    (await replay(store, startB)).seen.map(([, n]) => n),
    [4],
  );
});

test('a resume from an evicted event gets what remains of its stream, in order', async (t) => {
  const store = new MemoryEventStore({ maxBytes: (JSON.stringify(note(1)).length + 64) * 4 });
  t.after(() => store.clear());
  const ids = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store.append('s', note(n))));
  assert.equal(store.size, 4);
  assert.deepEqual(await replay(store, ids[0]!), {
    stream: 's',
    seen: [3, 4, 5, 6].map((n) => [ids[n - 1]!, n]),
  });
});

test('messages given without their JSON text are kept and replayed as copies', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  const message = { jsonrpc: '2.0' as const, method: 'n', params: { n: 1 } };
  const start = await store.lastEventId('s');
  await store.append('s', message);
  message.params.n = 99;
  assert.deepEqual(
    (await replay(store, start)).seen.map(([, n]) => n),
    [1],
  );
});

test('at scale, expiry keeps up and the store empties', async (t) => {
  let now = 0;
  const store = new MemoryEventStore({ maxAge: 1_000, endedStreamMaxAge: 10, now: () => now });
  t.after(() => store.clear());
  for (let i = 0; i < 50_000; i++) {
    await store.append(`k-${i}`, note(i));
    if (i % 2 === 0) await store.streamEnded(`k-${i}`);
    if (i % 10 === 0) await store.deleteStream(`k-${i - 5}`);
    if (i % 100 === 0) now += 1;
  }
  assert.ok(store.size < 50_000 && store.size > 0, `size ${store.size}`);
  now += 1_000;
  await store.append('last', note(0));
  assert.equal(store.size, 1);
  assert.equal(store.streamCount, 1);
});

/** The rules of the store, written plainly (every stream scanned on every call), to compare against. */
class ModelStore {
  readonly streams = new Map<
    string,
    { events: Array<{ seq: number; at: number; bytes: number }>; end: number }
  >();
  seq = 0;
  constructor(readonly o: { maxEvents: number; maxAge: number; ended: number; maxBytes: number }) {}
  expire(now: number) {
    for (const [id, s] of this.streams) {
      s.events = s.events.filter((e) => e.at > now - this.o.maxAge);
      if (s.events.length === 0 || s.end <= now) this.streams.delete(id);
    }
  }
  append(id: string, text: string, now: number) {
    this.expire(now);
    const s = this.streams.get(id) ?? { events: [], end: Number.POSITIVE_INFINITY };
    this.streams.set(id, s);
    s.end = Number.POSITIVE_INFINITY;
    s.events.push({ seq: ++this.seq, at: now, bytes: text.length + 64 });
    if (s.events.length > this.o.maxEvents) s.events.shift();
    const all = () => [...this.streams.values()].flatMap((x) => x.events);
    while (all().reduce((sum, e) => sum + e.bytes, 0) > this.o.maxBytes) {
      const oldest = Math.min(...all().map((e) => e.seq));
      for (const [key, x] of this.streams) {
        x.events = x.events.filter((e) => e.seq !== oldest);
        if (x.events.length === 0) this.streams.delete(key);
      }
    }
  }
  ended(id: string, now: number) {
    const s = this.streams.get(id);
    if (this.o.ended < this.o.maxAge && s !== undefined && s.end === Number.POSITIVE_INFINITY)
      s.end = now + this.o.ended;
    this.expire(now);
  }
}

test('any mix of appends, ends, deletes and replays matches the plain rules', async () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  for (let round = 0; round < 20; round++) {
    let now = 0;
    const o = {
      maxEvents: 1 + random(4),
      maxAge: 50 + random(100),
      ended: random(60),
      maxBytes: 300 + random(600),
    };
    const store = new MemoryEventStore({
      ...o,
      maxEventsPerStream: o.maxEvents,
      endedStreamMaxAge: o.ended,
      now: () => now,
    });
    const model = new ModelStore(o);
    for (let step = 0; step < 2_000; step++) {
      now += random(3);
      const id = `s${random(6)}`;
      const action = random(10);
      if (action < 6) {
        const text = JSON.stringify({ ...note(step), pad: 'x'.repeat(random(80)) });
        await store.append(id, JSON.parse(text), text);
        model.append(id, text, now);
      } else if (action < 8) {
        await store.streamEnded(id);
        model.ended(id, now);
      } else if (action < 9) {
        await store.deleteStream(id);
        model.streams.delete(id);
      } else {
        const { seen } = await replay(store, `${id}_0`);
        model.expire(now);
        const held = model.streams.get(id)?.events.map((e) => `${id}_${e.seq}`) ?? [];
        assert.deepEqual(
          seen.map(([eventId]) => eventId),
          held,
          `round ${round}, step ${step}`,
        );
      }
      // Both forget what is due (the store does it lazily, on its next call), then hold the same.
      await replay(store, 'none_0');
      model.expire(now);
      const modelSize = [...model.streams.values()].reduce((sum, s) => sum + s.events.length, 0);
      assert.equal(store.size, modelSize, `size, round ${round}, step ${step}`);
      assert.equal(store.streamCount, model.streams.size, `streams, round ${round}, step ${step}`);
    }
    store.clear();
  }
});
