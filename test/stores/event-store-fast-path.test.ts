// The transports' streams call a MemoryEventStore synchronously (its internal SyncEventStore) and any
// other store through the async EventStore interface. The same scenario runs both ways, over real
// sockets, and must put the same events on the wire: same order, same ids, same data.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { s } from '../../src/schema/index.ts';
import type { EventStore } from '../../src/server/event-store.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { streamEventStore } from '../../src/server/sync-event-store.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';
import {
  EventStream,
  MODES,
  type Mode,
  openSession as openSSESession,
  startSSE,
} from '../transports/harness.ts';
import type { ParsedEvent } from '../transports/sse-parser.ts';
import {
  eventsOf,
  LiveStream,
  mcpPost,
  openSession as openStreamableSession,
  startStreamable,
} from '../transports/streamable-harness.ts';

/** A store with only the public async interface: what a user's own store looks like to the transports. */
function plainStore(inner: EventStore): EventStore & { calls: number } {
  const store = {
    calls: 0,
    append: (streamId: string, message: JSONRPCMessage, json?: string) => {
      store.calls++;
      return inner.append(streamId, message, json);
    },
    lastEventId: (streamId: string) => inner.lastEventId(streamId),
    streamOf: (eventId: string) => inner.streamOf(eventId),
    replayAfter: (...args: Parameters<EventStore['replayAfter']>) => inner.replayAfter(...args),
    deleteStream: (streamId: string) => inner.deleteStream(streamId),
    streamEnded: (streamId: string) => inner.streamEnded!(streamId),
  };
  return store;
}

/** Wire events with the random parts named by order of appearance: stream ids `S1`, `S2`…, the session `<session>`. */
function normalize(events: readonly ParsedEvent[], sessionId: string, names: Map<string, string>) {
  return events.map(({ event, id, data }) => {
    let named = id;
    if (id !== undefined) {
      const at = id.lastIndexOf('_');
      const stream = id.slice(0, at);
      if (!names.has(stream)) names.set(stream, `S${names.size + 1}`);
      named = `${names.get(stream)}_${id.slice(at + 1)}`;
    }
    return { event, id: named, data: data.replaceAll(sessionId, '<session>') };
  });
}

const numberOf = (event: ParsedEvent) => (JSON.parse(event.data) as { params?: { n?: number } }).params?.n;

function countingServer(name: string): McpServer {
  const server = new McpServer({ name, version: '1.0.0' });
  server.tool('count', { input: { n: s.number().default(1) } }, ({ n }, ctx) => {
    for (let i = 1; i <= n; i++) ctx.progress(i, n);
    return `counted ${n}`;
  });
  return server;
}

/**
 * HTTP+SSE: 10 notifications read, the stream dropped, 5 more sent while away, a resumption after the
 * 5th, 5 more and a tool call with progress on the resumed stream.
 */
async function sseScenario(t: TestContext, mode: Mode, store: EventStore) {
  const h = await startSSE(
    t,
    mode,
    { reconnectGracePeriod: 30_000, eventStore: store },
    countingServer('sse'),
  );
  const { stream, endpoint, sessionId } = await openSSESession(t, h);
  for (let n = 0; n < 10; n++) await h.server.notify(sessionId, 'custom/n', { n });
  await stream.message((m) => (m.params as { n?: number } | undefined)?.n === 9);
  const seen = stream.parser.events.find((e) => e.event === 'message' && numberOf(e) === 4)!.id!;
  stream.close();
  for (let n = 10; n < 15; n++) await h.server.notify(sessionId, 'custom/n', { n });
  const resumed = await EventStream.open(t, `${h.origin}/sse?sessionId=${sessionId}`, {
    'Last-Event-ID': seen,
  });
  for (let n = 15; n < 20; n++) void h.server.notify(sessionId, 'custom/n', { n });
  await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'count', arguments: { n: 3 }, _meta: { progressToken: 'p' } },
    }),
  });
  await resumed.message((m) => m.id === 1);
  const names = new Map<string, string>();
  return {
    first: normalize(stream.parser.events, sessionId, names),
    resumed: normalize(resumed.parser.events, sessionId, names),
  };
}

/**
 * Streamable HTTP: a GET stream with 5 notifications read, dropped, 3 more sent while away, resumed
 * after the 3rd, one more live; a POST's stream written in full, resumed after its first event.
 */
async function streamableScenario(t: TestContext, mode: Mode, store: EventStore) {
  const h = await startStreamable(t, mode, { eventStore: store }, countingServer('streamable'));
  const { sessionId, headers, answer } = await openStreamableSession(h);
  const get = await LiveStream.open(t, h.url, { headers });
  for (let n = 1; n <= 5; n++) await h.server.notify(sessionId, 'custom/n', { n });
  const third = (await get.message((m) => (m.params as { n: number }).n === 3)).id!;
  await get.message((m) => (m.params as { n: number }).n === 5);
  get.close();
  for (let n = 6; n <= 8; n++) await h.server.notify(sessionId, 'custom/n', { n });
  const resumed = await LiveStream.open(t, h.url, { headers: { ...headers, 'Last-Event-ID': third } });
  await resumed.message((m) => (m.params as { n: number }).n === 8);
  await h.server.notify(sessionId, 'custom/n', { n: 9 });
  await resumed.message((m) => (m.params as { n: number }).n === 9);
  const call = {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'count', arguments: { n: 3 } },
  };
  const posted = await mcpPost(
    h.url,
    { ...call, params: { ...call.params, _meta: { progressToken: 'p' } } },
    headers,
  );
  const postEvents = eventsOf(posted.body);
  const firstOfPost = postEvents.find((e) => e.data !== '')!.id!;
  const again = await LiveStream.open(t, h.url, { headers: { ...headers, 'Last-Event-ID': firstOfPost } });
  await again.closed();
  const names = new Map<string, string>();
  return {
    initialize: normalize(eventsOf(answer.body), sessionId, names),
    get: normalize(get.parser.events, sessionId, names),
    resumed: normalize(resumed.parser.events, sessionId, names),
    post: normalize(postEvents, sessionId, names),
    postResumed: normalize(again.parser.events, sessionId, names),
  };
}

describe('event store fast path', () => {
  test('a MemoryEventStore offers its synchronous twin; a store with only the async interface is called as it is', (t) => {
    const memory = new MemoryEventStore();
    t.after(() => memory.clear());
    const plain = plainStore(memory);
    assert.notEqual(streamEventStore(memory), memory);
    assert.equal(streamEventStore(plain), plain);
  });

  test('a MemoryEventStore whose method was replaced is called through it, never around it', async (t) => {
    class Counting extends MemoryEventStore {
      appended = 0;
      override append(streamId: string, message: JSONRPCMessage, json?: string): Promise<string> {
        this.appended++;
        return super.append(streamId, message, json);
      }
    }
    const counting = new Counting();
    const patched = new MemoryEventStore();
    patched.streamOf = async () => undefined;
    t.after(() => {
      counting.clear();
      patched.clear();
    });
    assert.equal(streamEventStore(counting), counting);
    assert.equal(streamEventStore(patched), patched);
    const h = await startSSE(t, 'node', { reconnectGracePeriod: 30_000, eventStore: counting });
    const { stream, sessionId } = await openSSESession(t, h);
    for (let n = 0; n < 3; n++) await h.server.notify(sessionId, 'custom/n', { n });
    await stream.message((m) => (m.params as { n?: number } | undefined)?.n === 2);
    assert.equal(counting.appended, 4, 'the initialize answer and 3 notifications');
  });

  for (const mode of MODES) {
    test(`HTTP+SSE (${mode}): a resumption after Last-Event-ID puts the same events on the wire either way`, async (t) => {
      const memory = new MemoryEventStore();
      const plain = plainStore(new MemoryEventStore());
      const fast = await sseScenario(t, mode, memory);
      const slow = await sseScenario(t, mode, plain);
      assert.ok(plain.calls > 0, 'the plain run went through the async interface');
      assert.deepEqual(slow, fast);
      // Not two empty runs: the resumed stream holds the endpoint, 5…19 and the call's progress and answer.
      const data = fast.resumed.map((e) => (e.event === 'message' ? JSON.parse(e.data) : e.event));
      assert.equal(data[0], 'endpoint');
      const numbers = data.flatMap((m) => (m.method === 'custom/n' ? [m.params.n] : []));
      assert.deepEqual(
        numbers,
        Array.from({ length: 15 }, (_, i) => i + 5),
      );
      assert.equal(data.filter((m) => m.method === 'notifications/progress').length, 3);
      assert.equal(data.at(-1).id, 1);
      assert.equal(fast.first[fast.first.length - 1]?.id, 'S1_11');
      assert.equal(fast.resumed[1]?.id, 'S1_7');
    });

    test(`Streamable HTTP (${mode}): resumptions of a GET and of a POST stream put the same events on the wire either way`, async (t) => {
      const memory = new MemoryEventStore();
      const plain = plainStore(new MemoryEventStore());
      const fast = await streamableScenario(t, mode, memory);
      const slow = await streamableScenario(t, mode, plain);
      assert.ok(plain.calls > 0, 'the plain run went through the async interface');
      assert.deepEqual(slow, fast);
      const numbers = fast.resumed.flatMap((e) => (e.data === '' ? [] : [numberOf(e)]));
      assert.deepEqual(numbers, [4, 5, 6, 7, 8, 9]);
      assert.ok(fast.resumed.every((e) => e.id !== undefined));
      // Each resumed stream opens with the id it resumes after, as a priming event (2025-11-25).
      assert.equal(fast.resumed[0]?.data, '');
      assert.equal(fast.postResumed[0]?.data, '');
      const post = fast.postResumed
        .slice(1)
        .map((e) => JSON.parse(e.data) as { id?: number; method?: string });
      assert.deepEqual(
        post.map((m) => m.id ?? m.method),
        ['notifications/progress', 'notifications/progress', 2],
      );
    });
  }
});
