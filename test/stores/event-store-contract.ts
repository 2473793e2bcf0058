// What every EventStore must do, as the Streamable HTTP transport relies on it. Run it against each
// implementation: eventStoreContract('memory', (o) => …), eventStoreContract('redis', (o) => …).
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import type { EventStore } from '../../src/server/event-store.ts';

/** Makes a fresh, empty store; `t.after` cleans it up. */
export type OpenEventStore = (
  t: TestContext,
  options: { maxEventsPerStream?: number },
) => Promise<EventStore>;

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'n', params: { n } });

async function replay(store: EventStore, after: string) {
  const seen: Array<[string, number]> = [];
  const stream = await store.replayAfter(after, (id, message) => {
    seen.push([id, (message as unknown as { params: { n: number } }).params.n]);
  });
  return { stream, seen, numbers: seen.map(([, n]) => n) };
}

export function eventStoreContract(name: string, open: OpenEventStore, skip: string | false = false): void {
  describe(`EventStore contract: ${name}`, { skip }, () => {
    test('event ids name their stream and are unique; replay covers that stream only, after the given event', async (t) => {
      const store = await open(t, {});
      const a1 = await store.append('a', note(1));
      await store.append('b', note(10));
      const a2 = await store.append('a', note(2));
      const a3 = await store.append('a', note(3));
      assert.equal(await store.streamOf(a1), 'a');
      assert.equal(await store.streamOf(a3), 'a');
      assert.equal(new Set([a1, a2, a3]).size, 3);
      const { stream, seen } = await replay(store, a1);
      assert.equal(stream, 'a');
      assert.deepEqual(seen, [
        [a2, 2],
        [a3, 3],
      ]);
      assert.deepEqual((await replay(store, a3)).seen, []);
    });

    test('lastEventId is the newest event of a stream', async (t) => {
      const store = await open(t, {});
      await store.append('s', note(1));
      const newest = await store.append('s', note(2));
      await store.append('other', note(3));
      assert.equal(await store.lastEventId('s'), newest);
    });

    test('lastEventId of a new stream names it and replays exactly what is appended later', async (t) => {
      const store = await open(t, {});
      await store.append('other', note(0));
      const start = await store.lastEventId('fresh');
      assert.equal(await store.streamOf(start), 'fresh');
      assert.deepEqual((await replay(store, start)).numbers, []);
      await store.append('fresh', note(1));
      await store.append('fresh', note(2));
      assert.deepEqual((await replay(store, start)).numbers, [1, 2]);
    });

    test('stream ids may contain the separator and other punctuation', async (t) => {
      const store = await open(t, {});
      for (const streamId of ['key_with_underscores-1', 'a-1_2', 'x:{y}', 'ü 1']) {
        const before = await store.lastEventId(streamId);
        const id = await store.append(streamId, note(1));
        assert.equal(await store.streamOf(id), streamId);
        assert.deepEqual(await replay(store, before), { stream: streamId, seen: [[id, 1]], numbers: [1] });
      }
    });

    test('ids this store cannot have made are refused', async (t) => {
      const store = await open(t, {});
      for (const id of ['', 'plain', '_5', 'a_', 'a_x', 'a_1e3', 'a_1-', 'a_-1']) {
        assert.equal(await store.streamOf(id), undefined, id);
        assert.equal((await replay(store, id)).stream, undefined, id);
      }
    });

    test('a stream keeps at most maxEventsPerStream events, the newest', async (t) => {
      const store = await open(t, { maxEventsPerStream: 3 });
      const start = await store.lastEventId('s');
      for (let n = 1; n <= 5; n++) await store.append('s', note(n));
      await store.append('t', note(100));
      assert.deepEqual((await replay(store, start)).numbers, [3, 4, 5]);
    });

    test('messages come back as they went in, in order', async (t) => {
      const store = await open(t, {});
      const start = await store.lastEventId('s');
      const sent: JSONRPCMessage[] = [
        { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'ünï “quoted” \n line' }] } },
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 0.5 } },
        {
          jsonrpc: '2.0',
          id: 's1',
          method: 'sampling/createMessage',
          params: { nested: { deep: [1, null, true] } },
        },
      ];
      for (const message of sent) await store.append('s', message);
      const got: JSONRPCMessage[] = [];
      await store.replayAfter(start, (_, message) => got.push(message));
      assert.deepEqual(got, sent);
    });

    test('deleteStream forgets a stream; the stream can start again', async (t) => {
      const store = await open(t, {});
      const first = await store.append('s', note(1));
      await store.append('s', note(2));
      await store.append('t', note(3));
      await store.deleteStream('s');
      assert.deepEqual(await replay(store, first), { stream: 's', seen: [], numbers: [] });
      const start = await store.lastEventId('s');
      await store.append('s', note(4));
      assert.deepEqual((await replay(store, start)).numbers, [4]);
      assert.deepEqual((await replay(store, first)).numbers, [4]);
    });

    test('send may append to the stream being replayed', async (t) => {
      const store = await open(t, {});
      const start = await store.lastEventId('s');
      await store.append('s', note(1));
      await store.append('s', note(2));
      const appended: Array<Promise<string> | string> = [];
      await store.replayAfter(start, () => appended.push(store.append('s', note(9))));
      await Promise.all(appended);
      assert.deepEqual((await replay(store, start)).numbers, [1, 2, 9, 9]);
    });
  });
}
