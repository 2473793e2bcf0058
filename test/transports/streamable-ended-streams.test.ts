// Which POST streams the event store is told about: one whose answer was written in full may be
// forgotten soon (streamEnded); one whose client left before its answer keeps its events for a resume.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { MemoryEventStore } from '../../src/stores/index.ts';
import {
  delay,
  eventsOf,
  LiveStream,
  MODES,
  mcpPost,
  messagesOf,
  openSession,
  startStreamable,
  until,
} from './streamable-harness.ts';

/** A MemoryEventStore that records the streams it is told have ended (an override: the plain path). */
class RecordingStore extends MemoryEventStore {
  readonly ended: string[] = [];

  override streamEnded(streamId: string): Promise<void> {
    this.ended.push(streamId);
    return super.streamEnded(streamId);
  }
}

function server(): { server: McpServer; release: () => void } {
  const mcp = new McpServer({ name: 'ended-streams', version: '1.0.0' });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  mcp.tool('count', { input: { n: s.number().default(1) } }, ({ n }, ctx) => {
    for (let i = 1; i <= n; i++) ctx.progress(i, n);
    return `counted ${n}`;
  });
  mcp.tool('wait', {}, async () => {
    await released;
    return 'done';
  });
  return { server: mcp, release };
}

const call = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, _meta: { progressToken: `p${id}` } },
});

for (const mode of MODES) {
  describe(`Streamable HTTP: ended POST streams (${mode})`, () => {
    test('a POST stream whose events were all written is reported ended, once, by its id', async (t) => {
      const store = new RecordingStore();
      const { server: mcp } = server();
      const h = await startStreamable(t, mode, { eventStore: store }, mcp);
      // initialize is answered at once, with one JSON body: there is no stream to report.
      const { headers } = await openSession(h);
      const answer = await mcpPost(h.url, call(1, 'count', { n: 2 }), headers);
      assert.deepEqual(
        messagesOf(answer.body).map((m) => m.id ?? 'progress'),
        ['progress', 'progress', 1],
      );
      const streamId = await store.streamOf(eventsOf(answer.body).at(-1)!.id!);
      await until(() => store.ended.length === 1);
      assert.equal(store.ended[0], streamId);
      await mcpPost(h.url, call(2, 'count', { n: 1 }), headers);
      await until(() => store.ended.length === 2);
      assert.equal(new Set(store.ended).size, 2, 'each stream reported once');
    });

    test('a POST stream whose client left before its answer is not reported, and can still be resumed', async (t) => {
      const store = new RecordingStore();
      const { server: mcp, release } = server();
      const h = await startStreamable(t, mode, { eventStore: store }, mcp);
      const { headers } = await openSession(h);
      const before = store.size;
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(2, 'wait') });
      const priming = await post.next();
      post.close();
      // Loopback delivers the close at once; give the server a moment to read it before the answer exists.
      await delay(200);
      release();
      // The answer lands in the store with nobody to write it to.
      const streamId = (await store.streamOf(priming.id!))!;
      await until(() => store.size > before);
      assert.equal(store.ended.includes(streamId), false);
      const resumed = await LiveStream.open(t, h.url, {
        headers: { ...headers, 'Last-Event-ID': priming.id! },
      });
      await resumed.closed();
      assert.deepEqual(
        messagesOf(resumed.body).map((m) => m.id),
        [2],
      );
      assert.equal(store.ended.includes(streamId), false);
    });
  });
}
