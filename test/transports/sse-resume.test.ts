// SSE resumption, our extension of the 2024-11-05 transport: a session outlives its dropped stream for
// reconnectGracePeriod, and a client that comes back with its session id and Last-Event-ID gets what
// it missed. Raw HTTP, through both the Node and the fetch paths.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { EventStore } from '../../src/server/event-store.ts';
import type { RequestContext } from '../../src/server/request-context.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';
import {
  EventStream,
  type Harness,
  MODES,
  openSession,
  post,
  send,
  splitEventId,
  startSSE,
  until,
} from './harness.ts';

/** Resumption is opt-in: these tests turn it on. */
const RESUME = { reconnectGracePeriod: 30_000 } as const;

const call = (id: number, name: string) =>
  ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: {}, _meta: { progressToken: `p${id}` } },
  }) as const;

const progressOf = (message: Record<string, unknown>) => (message.params as { progress: number }).progress;

/** A tool that reports progress 1, waits for `release()`, reports progress 2 and answers 'done'. */
function gatedTool(h: Harness) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const state = { signal: undefined as AbortSignal | undefined, release, finished: false };
  h.server.tool('gated', {}, async (_args, ctx: RequestContext) => {
    state.signal = ctx.signal;
    ctx.progress(1, 2);
    await gate;
    ctx.progress(2, 2);
    state.finished = true;
    return 'done';
  });
  return state;
}

/** Reconnects to `/sse` with `query` and `headers`. */
function reconnect(t: TestContext, h: Harness, query: string, headers: Record<string, string> = {}) {
  return EventStream.open(t, `${h.origin}/sse${query}`, headers);
}

for (const mode of MODES) {
  describe(`SSE resumption (${mode})`, () => {
    test('a stream dropped mid-call: the handler runs on, and the reconnection gets the endpoint again, the missed events, then live ones', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const tool = gatedTool(h);
      const { stream, endpoint, sessionId } = await openSession(t, h);
      await post(endpoint, call(1, 'gated'));
      await stream.message((m) => m.method === 'notifications/progress');
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      tool.release();
      await until(() => tool.finished, 2_000, 'the handler finishing while its client is away');
      assert.equal(tool.signal?.aborted, false);

      const resumed = await reconnect(t, h, `?sessionId=${sessionId}`, { 'Last-Event-ID': seen });
      assert.equal(resumed.status, 200);
      assert.equal(resumed.headers['content-type'], 'text/event-stream');
      const again = await resumed.next();
      assert.equal(again.event, 'endpoint');
      assert.equal(again.id, undefined);
      assert.equal(new URL(again.data, h.origin).href, endpoint);
      const missed = await resumed.next();
      assert.equal(progressOf(JSON.parse(missed.data)), 2);
      const answer = await resumed.next();
      assert.equal((JSON.parse(answer.data) as { id: number }).id, 1);
      assert.ok(splitEventId(missed.id!)[1] > splitEventId(seen)[1]);
      assert.ok(splitEventId(answer.id!)[1] > splitEventId(missed.id!)[1]);

      await h.server.notify(sessionId, 'custom_event', { live: true });
      const live = await resumed.next();
      assert.deepEqual(JSON.parse(live.data).params, { live: true });
      assert.ok(splitEventId(live.id!)[1] > splitEventId(answer.id!)[1], 'ids stay unique across reconnects');
      assert.equal(h.sse.sessionCount, 1);
    });

    test('a reconnection that missed nothing gets the endpoint event, then only live events', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const { stream, endpoint, sessionId } = await openSession(t, h);
      await post(endpoint, { jsonrpc: '2.0', id: 'p', method: 'ping' });
      await stream.message((m) => m.id === 'p');
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      const resumed = await reconnect(t, h, `?sessionId=${sessionId}`, { 'Last-Event-ID': seen });
      assert.equal((await resumed.next()).event, 'endpoint');
      await h.server.notify(sessionId, 'custom_event', { n: 1 });
      assert.deepEqual(JSON.parse((await resumed.next()).data).params, { n: 1 });
    });

    test('POSTs are taken while the stream is away; their answers wait for the reconnection', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const { stream, endpoint, sessionId } = await openSession(t, h);
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      await until(() => h.gets[0]!.res.destroyed, 2_000, 'the server seeing the stream close');
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 'away', method: 'ping' })).status, 202);
      const resumed = await reconnect(t, h, `?sessionId=${sessionId}`, { 'Last-Event-ID': seen });
      assert.equal((await resumed.next()).event, 'endpoint');
      assert.deepEqual(await resumed.message(), { jsonrpc: '2.0', id: 'away', result: {} });
    });

    test('Last-Event-ID alone, as EventSource and the mcp-live client send it, resumes the session it names', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const { stream, endpoint, sessionId } = await openSession(t, h);
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      await post(endpoint, { jsonrpc: '2.0', id: 'away', method: 'ping' });
      const resumed = await reconnect(t, h, '', { 'Last-Event-ID': seen });
      assert.equal(resumed.status, 200);
      assert.equal(new URL(await resumed.endpoint(), h.origin).searchParams.get('sessionId'), sessionId);
      assert.deepEqual(await resumed.message(), { jsonrpc: '2.0', id: 'away', result: {} });
      assert.equal(h.sse.sessionCount, 1);
    });

    test('a reconnection without Last-Event-ID gets every event the store still holds', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const { stream, sessionId } = await openSession(t, h);
      stream.close();
      const resumed = await reconnect(t, h, `?sessionId=${sessionId}`);
      assert.equal((await resumed.next()).event, 'endpoint');
      assert.equal((await resumed.message()).id, 0, 'the initialize answer, again');
    });

    test('a second connection takes the stream over and the first one is ended', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const { stream, sessionId } = await openSession(t, h);
      const seen = stream.parser.events.at(-1)!.id!;
      const second = await reconnect(t, h, `?sessionId=${sessionId}`, { 'Last-Event-ID': seen });
      assert.equal((await second.next()).event, 'endpoint');
      await stream.closed();
      await h.server.notify(sessionId, 'custom_event', { to: 'second' });
      assert.deepEqual((await second.message()).params, { to: 'second' });
    });

    test('a fresh GET without sessionId or Last-Event-ID gets a new session while the old one waits', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const old = await openSession(t, h);
      old.stream.close();
      const fresh = await openSession(t, h);
      assert.notEqual(fresh.sessionId, old.sessionId);
      assert.equal(h.sse.sessionCount, 2);
      assert.ok(h.server.getSession(old.sessionId), 'the dropped session is kept for its grace period');
    });

    test('past reconnectGracePeriod the session closes, its handler aborts, and a reconnection gets 404', async (t) => {
      const h = await startSSE(t, mode, { ...RESUME, reconnectGracePeriod: 50 });
      const tool = gatedTool(h);
      const closed: string[] = [];
      h.server.on('sessionClosed', (session, reason) => void closed.push(`${session.id}: ${reason}`));
      const { stream, endpoint, sessionId } = await openSession(t, h);
      await post(endpoint, call(1, 'gated'));
      await stream.message((m) => m.method === 'notifications/progress');
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      await until(() => tool.signal?.aborted === true, 2_000, 'the handler aborting');
      assert.deepEqual(closed, [
        `${sessionId}: the client did not reconnect within 50 ms (reconnectGracePeriod)`,
      ]);
      assert.equal(h.sse.sessionCount, 0);
      const byId = await send(`${h.origin}/sse?sessionId=${sessionId}`, {
        headers: { 'Last-Event-ID': seen },
      });
      assert.equal(byId.status, 404);
      assert.match(byId.body, new RegExp(`session "${sessionId}".*reconnectGracePeriod`));
      const byEvent = await send(`${h.origin}/sse`, { headers: { 'Last-Event-ID': seen } });
      assert.equal(byEvent.status, 404);
      assert.match(byEvent.body, /Last-Event-ID/);
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 2, method: 'ping' })).status, 404);
    });

    test('an unknown session, or one under another dynamicBasePath mount, gets 404', async (t) => {
      const h = await startSSE(t, mode, {
        ...RESUME,
        dynamicBasePath: (req) => /^\/t\/[a-z]+/.exec(req.path)?.[0],
      });
      assert.equal((await send(`${h.origin}/t/acme/sse?sessionId=nope`)).status, 404);
      const stream = await EventStream.open(t, `${h.origin}/t/acme/sse`);
      const sessionId = new URL(await stream.endpoint(), h.origin).searchParams.get('sessionId');
      stream.close();
      assert.equal((await send(`${h.origin}/t/evil/sse?sessionId=${sessionId}`)).status, 404);
      const home = await EventStream.open(t, `${h.origin}/t/acme/sse?sessionId=${sessionId}`);
      assert.equal(home.status, 200);
    });

    test('another principal gets 403, no credentials 401; the owner resumes', async (t) => {
      const h = await startSSE(t, mode, {
        ...RESUME,
        authenticate: (req) => req.headers.get('authorization')?.slice('Bearer '.length),
      });
      const alice = { Authorization: 'Bearer alice' };
      const { stream, sessionId } = await openSession(t, h, { headers: alice });
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      const mallory = { Authorization: 'Bearer mallory', 'Last-Event-ID': seen };
      const refused = await send(`${h.origin}/sse?sessionId=${sessionId}`, { headers: mallory });
      assert.equal(refused.status, 403);
      assert.match(refused.body, /another principal/);
      assert.equal((await send(`${h.origin}/sse`, { headers: mallory })).status, 403);
      const anonymous = await send(`${h.origin}/sse?sessionId=${sessionId}`);
      assert.equal(anonymous.status, 401);
      const owner = await reconnect(t, h, `?sessionId=${sessionId}`, { ...alice, 'Last-Event-ID': seen });
      assert.equal(owner.status, 200);
    });

    test('a Last-Event-ID of another session gets 400', async (t) => {
      const h = await startSSE(t, mode, RESUME);
      const a = await openSession(t, h);
      const b = await openSession(t, h);
      const foreign = b.stream.parser.events.at(-1)!.id!;
      const res = await send(`${h.origin}/sse?sessionId=${a.sessionId}`, {
        headers: { 'Last-Event-ID': foreign },
      });
      assert.equal(res.status, 400);
      assert.match(res.body, new RegExp(`not an event of session "${a.sessionId}"`));
    });

    test('without resumption, sessionId and Last-Event-ID on the stream are ignored: a new session, as before', async (t) => {
      const h = await startSSE(t, mode, { ...RESUME, eventStore: false });
      const old = await openSession(t, h);
      const stream = await EventStream.open(t, `${h.origin}/sse?sessionId=${old.sessionId}`, {
        'Last-Event-ID': '1',
      });
      assert.equal(stream.status, 200);
      const id = new URL(await stream.endpoint(), h.origin).searchParams.get('sessionId');
      assert.notEqual(id, old.sessionId);
    });

    test('an asynchronous event store keeps the order of events, before and after a reconnection', async (t) => {
      const memory = new MemoryEventStore();
      const later = <T>(value: () => Promise<T>) =>
        new Promise<T>((resolve) => setImmediate(() => resolve(value())));
      const store: EventStore = {
        append: (streamId, message) => later(() => memory.append(streamId, message)),
        lastEventId: (streamId) => later(() => memory.lastEventId(streamId)),
        streamOf: (eventId) => later(() => memory.streamOf(eventId)),
        replayAfter: (eventId, replay) =>
          later(async () => eventId).then((id) => memory.replayAfter(id, replay)),
        deleteStream: (streamId) => later(() => memory.deleteStream(streamId)),
      };
      const h = await startSSE(t, mode, { ...RESUME, eventStore: store });
      const { stream, sessionId } = await openSession(t, h);
      for (let i = 0; i < 20; i++) void h.server.notify(sessionId, 'custom_event', { i });
      const first: number[] = [];
      while (first.length < 10) first.push(((await stream.message()).params as { i: number }).i);
      const seen = stream.parser.events.at(-1)!.id!;
      stream.close();
      for (let i = 20; i < 30; i++) void h.server.notify(sessionId, 'custom_event', { i });
      const resumed = await reconnect(t, h, `?sessionId=${sessionId}`, { 'Last-Event-ID': seen });
      assert.equal((await resumed.next()).event, 'endpoint');
      for (let i = 30; i < 40; i++) void h.server.notify(sessionId, 'custom_event', { i });
      const rest: number[] = [];
      while (rest.length < 30) rest.push(((await resumed.message()).params as { i: number }).i);
      assert.deepEqual(
        [...first, ...rest],
        Array.from({ length: 40 }, (_, i) => i),
      );
    });

    test('a client that stopped reading loses its connection but not its session, and resumes every event in order', async (t) => {
      const store = new MemoryEventStore({ maxEventsPerStream: 100_000 });
      const h = await startSSE(t, mode, { ...RESUME, maxBufferedBytes: 64 * 1024, eventStore: store });
      const errors: unknown[] = [];
      h.server.on('error', (error) => void errors.push(error));
      let sent = 0;
      let flooded = false;
      h.server.tool('flood', {}, async (_args, ctx) => {
        // Until the overflow is reported, and some more while the client is away.
        for (let extra = 10; extra > 0 && sent < 20_000; sent++) {
          ctx.notify('custom_event', { i: sent, pad: 'z'.repeat(8 * 1024) });
          if (errors.length > 0) extra--;
          await new Promise((resolve) => setImmediate(resolve));
        }
        flooded = true;
        return 'flooded';
      });
      const { stream, endpoint, sessionId } = await openSession(t, h);
      stream.pause();
      await post(endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'flood' } });
      await until(() => errors.length > 0, 20_000, 'an overflow report');
      assert.match((errors[0] as Error).message, /maxBufferedBytes.*reconnectGracePeriod/);
      // Every event is sent before the client comes back: the replay alone may wait on top of the bound.
      await until(() => flooded, 20_000, 'the end of the flood');
      stream.close();
      const before = stream.parser.events.filter((e) => e.event === 'message');
      const last = before.at(-1)!.id!;
      const resumed = await reconnect(t, h, `?sessionId=${sessionId}`, { 'Last-Event-ID': last });
      assert.equal((await resumed.next()).event, 'endpoint');
      const order = before.map((e) => JSON.parse(e.data).params?.i).filter((i) => i !== undefined);
      for (;;) {
        const message = await resumed.message(() => true, 10_000);
        if (message.id === 1) break;
        order.push((message.params as { i: number }).i);
      }
      assert.deepEqual(
        order,
        Array.from({ length: sent }, (_, i) => i),
      );
      assert.equal(h.server.getSession(sessionId)?.closed, false);
    });
  });
}
