// Streamable HTTP streams over raw HTTP: which stream carries what, resumption with Last-Event-ID,
// disconnects, keep-alive, batches, and the JSON-response and stateless modes, through both paths.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import {
  errorOf,
  eventsOf,
  initializeMessage,
  LiveStream,
  MODES,
  mcpPost,
  messagesOf,
  openSession,
  type StreamableHarness,
  send,
  startStreamable,
  until,
} from './streamable-harness.ts';

/** A gate a test opens to let a handler go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

function demoServer(): McpServer {
  const server = new McpServer({ name: 'streams', version: '1.0.0' });
  server.tool('count', { input: { n: s.number().default(2) } }, ({ n }, ctx) => {
    for (let i = 1; i <= n; i++) ctx.progress(i, n);
    return `counted ${n}`;
  });
  return server;
}

const call = (id: number | string, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, _meta: { progressToken: `p${id}` } },
});

/** Registers `slow`: progress 1, wait for the gate (or an abort), progress 2, answer; records its signal. */
function slowTool(h: StreamableHarness) {
  const g = gate();
  const seen: { signal?: AbortSignal } = {};
  h.server.tool('slow', {}, async (_args, ctx) => {
    seen.signal = ctx.signal;
    ctx.progress(1, 2);
    // A well-behaved handler stops waiting when its request is cancelled.
    await Promise.race([g.opened, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))]);
    ctx.progress(2, 2);
    return ctx.signal.aborted ? 'aborted' : 'finished';
  });
  return { ...g, seen };
}

for (const mode of MODES) {
  const start = (t: TestContext, options: StreamableHTTPServerOptions = {}) =>
    startStreamable(t, mode, options, demoServer());

  describe(`Streamable HTTP streams (${mode})`, () => {
    test('a request’s progress rides its POST stream; server notifications ride the GET stream only', async (t) => {
      const h = await start(t);
      const { headers, sessionId } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      const answer = await mcpPost(h.url, call(1, 'count', { n: 3 }), headers);
      const messages = messagesOf(answer.body);
      assert.deepEqual(
        messages.map((m) => (m.params as { progress?: number } | undefined)?.progress ?? m.id),
        [1, 2, 3, 1],
      );
      await h.server.notify(sessionId, 'custom/ping', { n: 1 });
      const { message, id } = await get.message();
      assert.deepEqual(message, { jsonrpc: '2.0', method: 'custom/ping', params: { n: 1 } });
      assert.ok(id);
      assert.ok(!get.body.includes('progress'), 'no request traffic on the GET stream');
    });

    test('what is sent while no GET stream is open waits for the next one, once', async (t) => {
      const h = await start(t);
      const { headers, sessionId } = await openSession(h);
      await h.server.notify(sessionId, 'custom/early', { n: 1 });
      await h.server.notify(sessionId, 'custom/early', { n: 2 });
      const get = await LiveStream.open(t, h.url, { headers });
      const priming = await get.next();
      assert.equal(priming.data, '');
      assert.deepEqual((await get.message()).message.params, { n: 1 });
      assert.deepEqual((await get.message()).message.params, { n: 2 });
      get.close();
      let again: LiveStream | undefined;
      for (let i = 0; i < 200; i++) {
        again = await LiveStream.open(t, h.url, { headers });
        if (again.status === 200) break;
        again.close();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await h.server.notify(sessionId, 'custom/late', { n: 3 });
      assert.deepEqual((await again!.message()).message, {
        jsonrpc: '2.0',
        method: 'custom/late',
        params: { n: 3 },
      });
    });

    test('a dropped POST stream is resumed with GET + Last-Event-ID: the rest, then the response', async (t) => {
      const h = await start(t);
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(5, 'slow') });
      const priming = await post.next();
      assert.equal(priming.data, '');
      const first = await post.message();
      assert.equal((first.message.params as { progress: number }).progress, 1);
      post.close();
      slow.open();
      const resumed = await LiveStream.open(t, h.url, {
        headers: { ...headers, 'Last-Event-ID': first.id! },
      });
      assert.equal(resumed.status, 200);
      const progress = await resumed.message();
      assert.equal((progress.message.params as { progress: number }).progress, 2);
      const response = await resumed.message();
      assert.deepEqual(response.message, {
        jsonrpc: '2.0',
        id: 5,
        result: { content: [{ type: 'text', text: 'finished' }] },
      });
      await resumed.closed();
      assert.equal(slow.seen.signal?.aborted, false, 'a disconnect is not a cancellation');
    });

    test('resuming from the priming event replays the whole stream', async (t) => {
      const h = await start(t);
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(6, 'slow') });
      const priming = await post.next();
      post.close();
      slow.open();
      await until(() => slow.seen.signal !== undefined);
      const resumed = await LiveStream.open(t, h.url, {
        headers: { ...headers, 'Last-Event-ID': priming.id! },
      });
      await resumed.closed();
      const messages = messagesOf(resumed.body);
      assert.deepEqual(
        messages.map((m) => (m.params as { progress?: number } | undefined)?.progress ?? m.id),
        [1, 2, 6],
      );
    });

    test('a quiet GET stream reports itself open at once, before any event or keep-alive', {
      timeout: 10_000,
    }, async (t) => {
      // 2025-06-18 has no priming event and keep-alive is off: only the status line can arrive.
      const h = await start(t, { keepAliveInterval: 0 });
      const { headers } = await openSession(h, { version: '2025-06-18' });
      const get = await LiveStream.open(t, h.url, { headers });
      assert.equal(get.status, 200);
      assert.equal(get.headers['content-type'], 'text/event-stream');
      assert.equal(get.body, '');
    });

    test('a dropped GET stream is resumed without loss or duplicates, then stays live', async (t) => {
      const h = await start(t);
      const { headers, sessionId } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      await h.server.notify(sessionId, 'custom/n', { n: 1 });
      const one = await get.message();
      get.close();
      await h.server.notify(sessionId, 'custom/n', { n: 2 });
      await h.server.notify(sessionId, 'custom/n', { n: 3 });
      const resumed = await LiveStream.open(t, h.url, { headers: { ...headers, 'Last-Event-ID': one.id! } });
      assert.deepEqual((await resumed.message()).message.params, { n: 2 });
      assert.deepEqual((await resumed.message()).message.params, { n: 3 });
      await h.server.notify(sessionId, 'custom/n', { n: 4 });
      assert.deepEqual((await resumed.message()).message.params, { n: 4 });
      const ids = eventsOf(resumed.body).map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length);
    });

    test('a resumed stream opens with its Last-Event-ID again, so a client that loses it at once still knows where it was', async (t) => {
      const h = await start(t);
      const { headers, sessionId } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      await h.server.notify(sessionId, 'custom/n', { n: 1 });
      const one = await get.message();
      get.close();
      await h.server.notify(sessionId, 'custom/n', { n: 2 });
      const resumed = await LiveStream.open(t, h.url, { headers: { ...headers, 'Last-Event-ID': one.id! } });
      const priming = await resumed.next();
      assert.deepEqual([priming.id, priming.data], [one.id, '']);
      assert.deepEqual((await resumed.message()).message.params, { n: 2 });

      // Clients before 2025-11-25 fail on empty data: theirs resume with the replay alone.
      const old = await openSession(h, { version: '2025-06-18' });
      const oldGet = await LiveStream.open(t, h.url, { headers: old.headers });
      await h.server.notify(old.sessionId, 'custom/n', { n: 1 });
      const oldOne = await oldGet.message();
      oldGet.close();
      await h.server.notify(old.sessionId, 'custom/n', { n: 2 });
      const oldResumed = await LiveStream.open(t, h.url, {
        headers: { ...old.headers, 'Last-Event-ID': oldOne.id! },
      });
      const next = await oldResumed.next();
      assert.deepEqual(JSON.parse(next.data).params, { n: 2 });
    });

    test('resuming the GET stream while it is open takes it over', async (t) => {
      const h = await start(t);
      const { headers, sessionId } = await openSession(h);
      const old = await LiveStream.open(t, h.url, { headers });
      await h.server.notify(sessionId, 'custom/n', { n: 1 });
      const one = await old.message();
      const taken = await LiveStream.open(t, h.url, { headers: { ...headers, 'Last-Event-ID': one.id! } });
      assert.equal(taken.status, 200);
      await old.closed();
      await h.server.notify(sessionId, 'custom/n', { n: 2 });
      assert.deepEqual((await taken.message()).message.params, { n: 2 });
    });

    test('400 for a Last-Event-ID of another session or one this server never made', async (t) => {
      const h = await start(t);
      const a = await openSession(h);
      const b = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers: a.headers });
      await h.server.notify(a.sessionId, 'custom/n', {});
      const { id } = await get.message();
      for (const lastEventId of [id!, 'garbage']) {
        const answer = await send(h.url, {
          headers: { ...b.headers, Accept: 'text/event-stream', 'Last-Event-ID': lastEventId },
        });
        assert.equal(answer.status, 400, lastEventId);
        assert.match(errorOf(answer).message, /is not an event of session/);
      }
    });

    test('with cancelOnDisconnect, closing a POST stream aborts its handler', async (t) => {
      const h = await start(t, { cancelOnDisconnect: true });
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(7, 'slow') });
      await post.message();
      post.close();
      await until(() => slow.seen.signal?.aborted === true, 3_000, 'the handler aborting');
      assert.match(String(slow.seen.signal?.reason), /closed the stream/);
      slow.open();
    });

    test('notifications/cancelled ends the POST stream without a response', async (t) => {
      const h = await start(t);
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(8, 'slow') });
      await post.message();
      const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 8 } };
      assert.equal((await mcpPost(h.url, cancel, headers)).status, 202);
      await post.closed();
      assert.ok(!messagesOf(post.body).some((m) => m.id === 8));
      assert.equal(slow.seen.signal?.aborted, true);
      slow.open();
    });

    test('DELETE ends the session’s open streams', async (t) => {
      const h = await start(t);
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(9, 'slow') });
      await post.message();
      assert.equal((await send(h.url, { method: 'DELETE', headers })).status, 204);
      await get.closed();
      await post.closed();
      assert.equal(slow.seen.signal?.aborted, true);
      slow.open();
    });

    test('streams carry keep-alive comments', async (t) => {
      const h = await start(t, { keepAliveInterval: 10 });
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(10, 'slow') });
      await until(
        () => get.parser.comments.includes('keep-alive') && post.parser.comments.includes('keep-alive'),
      );
      slow.open();
    });

    test('batches: a 2025-03-26 session gets one stream with every response; later revisions get 400', async (t) => {
      const h = await start(t);
      const old = await openSession(h, { version: '2025-03-26' });
      const batch = [call(1, 'count'), { jsonrpc: '2.0', id: 2, method: 'ping' }];
      const answer = await mcpPost(h.url, batch, old.headers);
      assert.equal(answer.status, 200);
      const ids = messagesOf(answer.body)
        .filter((m) => 'id' in m)
        .map((m) => m.id);
      assert.deepEqual(ids.sort(), [1, 2]);
      const notes = [{ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }];
      assert.equal((await mcpPost(h.url, notes, old.headers)).status, 202);

      const modern = await openSession(h, { version: '2025-06-18' });
      const refused = await mcpPost(h.url, batch, modern.headers);
      assert.equal(refused.status, 400);
      assert.equal(errorOf(refused).code, -32600);
      assert.match(errorOf(refused).message, /only 2025-03-26 has them/);
      assert.equal((await mcpPost(h.url, notes, modern.headers)).status, 400);
    });

    test('jsonResponse: requests get one JSON body; their notifications go to the GET stream', async (t) => {
      const h = await start(t, { jsonResponse: true });
      const { headers } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      const answer = await mcpPost(h.url, call(3, 'count'), headers);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(answer.body), {
        jsonrpc: '2.0',
        id: 3,
        result: { content: [{ type: 'text', text: 'counted 2' }] },
      });
      const progress = await get.message();
      assert.equal(progress.message.method, 'notifications/progress');
      const old = await openSession(h, { version: '2025-03-26' });
      const batch = await mcpPost(
        h.url,
        [call(1, 'count'), { jsonrpc: '2.0', id: 2, method: 'ping' }],
        old.headers,
      );
      assert.deepEqual((JSON.parse(batch.body) as Array<{ id: number }>).map((m) => m.id).sort(), [1, 2]);
    });

    test('stateless: no session ids, no handshake needed, one ephemeral session per POST', async (t) => {
      const h = await start(t, { stateless: true });
      const init = await mcpPost(h.url, initializeMessage());
      assert.equal(init.status, 200);
      assert.equal(init.headers['mcp-session-id'], undefined);
      const direct = await mcpPost(h.url, call(1, 'count'), { 'MCP-Protocol-Version': '2025-06-18' });
      assert.equal(direct.status, 200);
      assert.equal(direct.headers['mcp-session-id'], undefined);
      const events = eventsOf(direct.body);
      assert.ok(
        events.every((e) => e.id === undefined && e.data !== ''),
        'no ids: nothing to resume',
      );
      assert.deepEqual(
        messagesOf(direct.body).map((m) => m.id ?? m.method),
        ['notifications/progress', 'notifications/progress', 1],
      );
      // Without the header the spec's 2025-03-26 applies, which has batches.
      const batch = await mcpPost(h.url, [call(2, 'count'), { jsonrpc: '2.0', id: 3, method: 'ping' }]);
      assert.equal(messagesOf(batch.body).filter((m) => 'id' in m).length, 2);
      assert.equal(h.server.sessionCount, 0);
      assert.equal(h.transport.sessionCount, 0);
      const note = await mcpPost(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' });
      assert.equal(note.status, 202);
    });

    test('stateless: a refused POST does not hold its ephemeral session (maxSessions counts POSTs)', async (t) => {
      const h = await start(t, { stateless: true, maxSessions: 1 });
      const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
      for (let i = 0; i < 3; i++) {
        assert.equal((await mcpPost(h.url, [ping, ping])).status, 400);
        assert.equal((await mcpPost(h.url, [ping], { 'MCP-Protocol-Version': '2025-06-18' })).status, 400);
        assert.equal((await mcpPost(h.url, ping)).status, 200);
      }
    });

    test('stateless: a closed POST aborts its handler (nobody could get its answer)', async (t) => {
      const h = await start(t, { stateless: true });
      const slow = slowTool(h);
      const post = await LiveStream.open(t, h.url, { method: 'POST', body: call(4, 'slow') });
      await post.message();
      post.close();
      await until(() => slow.seen.signal?.aborted === true, 3_000, 'the handler aborting');
      slow.open();
    });

    test('eventStore: false sends events without ids and ignores Last-Event-ID', async (t) => {
      const h = await start(t, { eventStore: false });
      const { headers, sessionId } = await openSession(h);
      const answer = await mcpPost(h.url, call(1, 'count'), headers);
      assert.ok(eventsOf(answer.body).every((e) => e.id === undefined));
      const get = await LiveStream.open(t, h.url, { headers: { ...headers, 'Last-Event-ID': 'whatever_1' } });
      assert.equal(get.status, 200);
      await h.server.notify(sessionId, 'custom/n', {});
      assert.equal((await get.next()).id, undefined);
    });

    test('close() ends every stream and session of the transport', async (t) => {
      const h = await start(t);
      const slow = slowTool(h);
      const { headers } = await openSession(h);
      const get = await LiveStream.open(t, h.url, { headers });
      const post = await LiveStream.open(t, h.url, { method: 'POST', headers, body: call(11, 'slow') });
      await post.message();
      await h.transport.close({ timeout: 0 });
      await get.closed();
      await post.closed();
      assert.equal(h.server.sessionCount, 0);
      slow.open();
    });
  });
}
