import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
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
  const a1 = store.append('a', note(1));
  store.append('b', note(10));
  const a2 = store.append('a', note(2));
  const a3 = store.append('a', note(3));
  assert.equal(store.streamOf(a1), 'a');
  assert.equal(store.streamOf(a2), 'a');
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
  const id = store.append('key_with_underscores-1', note(1));
  assert.equal(store.streamOf(id), 'key_with_underscores-1');
  const before = store.lastEventId('key_with_underscores-1');
  store.append('key_with_underscores-1', note(2));
  assert.deepEqual(
    (await replay(store, before)).seen.map(([, n]) => n),
    [2],
  );
});

test('lastEventId of a new stream replays everything appended later', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  store.append('other', note(0));
  const start = store.lastEventId('fresh');
  assert.equal(store.streamOf(start), 'fresh');
  store.append('fresh', note(1));
  store.append('fresh', note(2));
  assert.deepEqual(
    (await replay(store, start)).seen.map(([, n]) => n),
    [1, 2],
  );
});

test('ids this store cannot have made are refused', async (t) => {
  const store = new MemoryEventStore();
  t.after(() => store.clear());
  for (const id of ['', 'plain', '_5', 'a_', 'a_x', 'a_1e3']) {
    assert.equal(store.streamOf(id), undefined, id);
    assert.equal((await replay(store, id)).stream, undefined, id);
  }
});

test('each stream keeps at most maxEventsPerStream events, the newest', async (t) => {
  const store = new MemoryEventStore({ maxEventsPerStream: 3 });
  t.after(() => store.clear());
  const start = store.lastEventId('s');
  for (let n = 1; n <= 5; n++) store.append('s', note(n));
  store.append('t', note(100));
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
  const old = store.append('s', note(1));
  now += 50;
  store.append('s', note(2));
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
  const cursor = store.lastEventId('s');
  store.append('s', note(3));
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
  const first = store.append('s', note(1));
  store.append('s', note(2));
  store.append('t', note(3));
  store.deleteStream('s');
  assert.equal(store.size, 1);
  assert.deepEqual((await replay(store, first)).seen, []);
});

test('bad limits are refused at construction', () => {
  assert.throws(() => new MemoryEventStore({ maxEventsPerStream: 0 }), /maxEventsPerStream ≥ 1/);
  assert.throws(() => new MemoryEventStore({ maxAge: 0 }), /maxAge > 0/);
});
