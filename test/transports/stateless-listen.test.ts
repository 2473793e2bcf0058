// subscriptions/listen (MCP 2026-07-28) over raw HTTP, through both paths: the acknowledgment first,
// only what the filter asked for, tagged with the listen's id; completion, keep-alive, limits, close.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { McpServer, type McpServerOptions } from '../../src/index.ts';
import type { StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import {
  eventually,
  jsonOf,
  modernPost,
  openModern,
  SERVER_INFO,
  SUBSCRIPTION_ID,
  subscriptionOf,
} from './stateless-harness.ts';
import {
  errorOf,
  type LiveStream,
  MODES,
  messagesOf,
  send,
  startStreamable,
  until,
} from './streamable-harness.ts';

const ACK = 'notifications/subscriptions/acknowledged';

function listenServer(options: McpServerOptions = {}) {
  const server = new McpServer({ name: 'listen-wire', version: '1.0.0' }, options);
  server.tool('first', {}, () => 'ok');
  server.resource('test://a', { name: 'a' }, () => 'a');
  server.resource('test://b', { name: 'b' }, () => 'b');
  return server;
}

/** The next JSON-RPC message on a listen stream, and the event it came in. */
async function nextMessage(stream: LiveStream, timeout = 3_000) {
  const event = await stream.next(timeout);
  assert.notEqual(event.data, '', 'no priming events on a listen stream');
  assert.equal(event.id, undefined, 'listen events carry no ids');
  return JSON.parse(event.data) as {
    method?: string;
    id?: unknown;
    params?: Record<string, unknown>;
    result?: Record<string, unknown>;
  };
}

for (const mode of MODES) {
  const start = (t: TestContext, server = listenServer(), options: StreamableHTTPServerOptions = {}) =>
    startStreamable(t, mode, options, server);
  const listen = (
    t: TestContext,
    url: string,
    notifications: Record<string, unknown>,
    id: string | number = 'sub-1',
  ) => openModern(t, url, 'subscriptions/listen', { notifications }, { id });

  describe(`subscriptions/listen over HTTP (${mode})`, { timeout: 15_000 }, () => {
    test('the acknowledgment comes first with what is honoured; tool changes follow, tagged with the id', async (t) => {
      const h = await start(t);
      const stream = await listen(t, h.url, {
        toolsListChanged: true,
        promptsListChanged: true,
        resourceSubscriptions: ['test://a'],
      });
      assert.equal(stream.status, 200);
      assert.equal(stream.headers['content-type'], 'text/event-stream');
      assert.equal(stream.headers['mcp-session-id'], undefined);
      const ack = await nextMessage(stream);
      assert.equal(ack.method, ACK);
      assert.equal(ack.id, undefined);
      // No prompts are registered, so their list changes are not promised.
      assert.deepEqual(ack.params, {
        _meta: { [SUBSCRIPTION_ID]: 'sub-1' },
        notifications: { toolsListChanged: true, resourceSubscriptions: ['test://a'] },
      });
      assert.equal(h.server.subscriptionCount, 1);
      const added = h.server.tool('second', {}, () => 'ok');
      const changed = await nextMessage(stream);
      assert.equal(changed.method, 'notifications/tools/list_changed');
      assert.deepEqual(changed.params, { _meta: { [SUBSCRIPTION_ID]: 'sub-1' } });
      added.remove();
      const removed = await nextMessage(stream);
      assert.equal(removed.method, 'notifications/tools/list_changed');
      assert.equal(subscriptionOf(removed.params), 'sub-1');
      assert.doesNotMatch(stream.body, /^id:/m);
      assert.equal(stream.ended, false, 'the listen stays open');
    });

    test('server.resourceUpdated(uri) reaches the stream that listed the uri, not the others', async (t) => {
      const h = await start(t);
      const onA = await listen(t, h.url, { resourceSubscriptions: ['test://a'] }, 7);
      const onB = await listen(t, h.url, { resourceSubscriptions: ['test://b'] }, 8);
      assert.equal((await nextMessage(onA)).method, ACK);
      assert.equal((await nextMessage(onB)).method, ACK);
      assert.equal(await h.server.resourceUpdated('test://a'), 1);
      const updated = await nextMessage(onA);
      assert.deepEqual(updated, {
        jsonrpc: '2.0',
        method: 'notifications/resources/updated',
        params: { uri: 'test://a', _meta: { [SUBSCRIPTION_ID]: 7 } },
      });
      assert.equal(await h.server.resourceUpdated('test://b'), 1);
      // What B hears next is its own uri: test://a never reached it.
      assert.deepEqual((await nextMessage(onB)).params, { uri: 'test://b', _meta: { [SUBSCRIPTION_ID]: 8 } });
      assert.equal(onA.parser.events.length, 2, 'A heard nothing of test://b');
    });

    test('a listen asking only for prompt changes hears no tool change', async (t) => {
      const server = listenServer();
      server.prompt('greet', {}, () => 'Hello');
      const h = await start(t, server);
      const stream = await listen(t, h.url, { promptsListChanged: true });
      const ack = await nextMessage(stream);
      assert.deepEqual(ack.params?.notifications, { promptsListChanged: true });
      h.server.tool('second', {}, () => 'ok');
      h.server.prompt('bye', {}, () => 'Bye');
      // The prompt change is the next thing on the stream: the tool change before it was not sent.
      const next = await nextMessage(stream);
      assert.equal(next.method, 'notifications/prompts/list_changed');
      assert.doesNotMatch(stream.body, /tools\/list_changed/);
    });

    test('a listen with nothing to honour is acknowledged and completed at once', async (t) => {
      const h = await start(t);
      const answer = await modernPost(
        h.url,
        'subscriptions/listen',
        { notifications: { promptsListChanged: true } },
        {
          id: 'empty',
        },
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'text/event-stream');
      const [ack, done, ...rest] = messagesOf(answer.body);
      assert.equal(rest.length, 0);
      assert.equal(ack?.method, ACK);
      assert.deepEqual((ack!.params as Record<string, unknown>).notifications, {});
      assert.equal(done?.id, 'empty');
      const result = done?.result as Record<string, unknown>;
      assert.equal(result.resultType, 'complete');
      assert.equal(subscriptionOf(result), 'empty');
      assert.deepEqual((result._meta as Record<string, unknown>)[SERVER_INFO], h.server.info);
      assert.equal(h.server.subscriptionCount, 0);
    });

    test('transport.close() ends open listens with the completion result, well before its timeout', async (t) => {
      const h = await start(t);
      const streams = [
        await listen(t, h.url, { toolsListChanged: true }, 'one'),
        await listen(t, h.url, { resourceSubscriptions: ['test://a'] }, 'two'),
      ];
      for (const stream of streams) assert.equal((await nextMessage(stream)).method, ACK);
      const started = Date.now();
      await h.transport.close({ timeout: 10_000 });
      assert.ok(Date.now() - started < 2_000, `close took ${Date.now() - started} ms`);
      for (const [i, stream] of streams.entries()) {
        const done = await nextMessage(stream);
        const id = ['one', 'two'][i];
        assert.equal(done.id, id);
        assert.equal(done.result?.resultType, 'complete');
        assert.equal(subscriptionOf(done.result), id);
        await stream.closed();
      }
      assert.equal(h.server.subscriptionCount, 0);
    });

    test('keep-alive comments arrive on a quiet listen stream', async (t) => {
      const h = await start(t, listenServer(), { keepAliveInterval: 40 });
      const stream = await listen(t, h.url, { toolsListChanged: true });
      assert.equal((await nextMessage(stream)).method, ACK);
      await until(() => stream.parser.comments.length >= 2, 3_000, 'two keep-alive comments');
      assert.ok(stream.parser.comments.every((c) => c === 'keep-alive'));
      assert.equal(stream.parser.events.length, 1, 'comments are not events');
      assert.equal(h.server.subscriptionCount, 1);
      // Still live after the comments.
      h.server.tool('second', {}, () => 'ok');
      assert.equal((await nextMessage(stream)).method, 'notifications/tools/list_changed');
    });

    test('maxSubscriptions refuses one listen more, with its id; a malformed filter is -32602', async (t) => {
      const h = await start(t, listenServer({ maxSubscriptions: 1 }));
      const first = await listen(t, h.url, { toolsListChanged: true }, 'kept');
      assert.equal((await nextMessage(first)).method, ACK);
      const refused = await modernPost(
        h.url,
        'subscriptions/listen',
        { notifications: { toolsListChanged: true } },
        {
          id: 'one-too-many',
        },
      );
      assert.equal(refused.headers['content-type'], 'application/json');
      const body = jsonOf(refused);
      assert.equal(body.id, 'one-too-many');
      assert.equal(body.error?.code, -32603);
      assert.match(body.error!.message, /maximum of 1 subscriptions \(maxSubscriptions\)/);
      assert.equal(h.server.subscriptionCount, 1);
      const malformed = await modernPost(
        h.url,
        'subscriptions/listen',
        { notifications: ['tools'] },
        { id: 'bad' },
      );
      assert.equal(malformed.status, 400);
      assert.deepEqual([jsonOf(malformed).id, errorOf(malformed).code], ['bad', -32602]);
      // Once the first one goes, there is room again.
      first.close();
      await until(() => h.server.subscriptionCount === 0, 3_000, 'the closed listen to be forgotten');
      const again = await listen(t, h.url, { toolsListChanged: true }, 'next');
      assert.equal(subscriptionOf((await nextMessage(again)).params), 'next');
    });

    test('the client closing a listen stream removes it and frees its slot; the others still hear', async (t) => {
      const h = await start(t, listenServer(), { maxSessions: 2 });
      const leaving = await listen(t, h.url, { toolsListChanged: true }, 'leaving');
      const staying = await listen(t, h.url, { toolsListChanged: true }, 'staying');
      assert.equal((await nextMessage(leaving)).method, ACK);
      assert.equal((await nextMessage(staying)).method, ACK);
      assert.equal(h.server.subscriptionCount, 2);
      // Open listens count against maxSessions like any request in flight.
      assert.equal((await modernPost(h.url, 'tools/list')).status, 503);
      leaving.close();
      await until(() => h.server.subscriptionCount === 1, 3_000, 'the closed listen to be removed');
      await eventually(
        async () => (await modernPost(h.url, 'tools/list')).status === 200,
        'the closed listen to free its slot',
      );
      h.server.tool('second', {}, () => 'ok');
      assert.equal(subscriptionOf((await nextMessage(staying)).params), 'staying');
    });

    test('GET on the endpoint is no way to listen: 405 points to subscriptions/listen', async (t) => {
      const h = await start(t);
      const get = await send(h.url, {
        headers: { Accept: 'text/event-stream', 'MCP-Protocol-Version': '2026-07-28' },
      });
      assert.equal(get.status, 405);
      assert.match(errorOf(get).message, /subscriptions\/listen/);
      assert.equal(h.server.subscriptionCount, 0);
    });
  });
}
