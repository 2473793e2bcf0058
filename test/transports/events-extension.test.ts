// mcp-live's custom-events extension of subscriptions/listen (dev.mcp-live/events, docs/events-extension.md)
// over raw HTTP: declared in capabilities; a listen that asks for custom methods hears broadcasts of them,
// tagged with its subscription id, narrowed by topics and principal, on this instance and from another
// one over the message bus; a listen without the extension hears none; a bad filter is -32602.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { McpServer, type McpServerOptions } from '../../src/index.ts';
import { MemoryMessageBus } from '../../src/stores/memory-message-bus.ts';
import type { StreamableHTTPServerOptions } from '../../src/transports/index.ts';
import { jsonOf, modernPost, openModern, SUBSCRIPTION_ID, subscriptionOf } from './stateless-harness.ts';
import { type LiveStream, mcpPost, startStreamable } from './streamable-harness.ts';

const EXT = 'dev.mcp-live/events';
const ACK = 'notifications/subscriptions/acknowledged';

function eventsServer(options: McpServerOptions = {}) {
  const server = new McpServer({ name: 'events', version: '1.0.0' }, options);
  server.tool('first', {}, () => 'ok');
  return server;
}

async function start(t: TestContext, server = eventsServer(), options: StreamableHTTPServerOptions = {}) {
  return startStreamable(t, 'node', options, server);
}

function listen(
  t: TestContext,
  url: string,
  notifications: Record<string, unknown>,
  id: number,
  headers = {},
) {
  return openModern(t, url, 'subscriptions/listen', { notifications }, { id, headers });
}

/** The next JSON-RPC message on `stream` that `match` accepts. */
async function next(stream: LiveStream, match: (m: Record<string, unknown>) => boolean) {
  return (await stream.message(match, 3_000)).message;
}

/** Every message after the acknowledgment, up to and including one that `last` accepts. */
async function until(stream: LiveStream, last: (m: Record<string, unknown>) => boolean) {
  const seen: Array<Record<string, unknown>> = [];
  for (;;) {
    const message = await next(stream, (m) => m.method !== ACK);
    seen.push(message);
    if (last(message)) return seen;
  }
}

const isMarker = (m: Record<string, unknown>) => m.method === 'marker';

describe('the custom-events extension (dev.mcp-live/events)', { timeout: 20_000 }, () => {
  test('is declared in capabilities, on server/discover and on initialize', async (t) => {
    const h = await start(t);
    const discovered = jsonOf(await modernPost(h.url, 'server/discover')).result as {
      capabilities: { extensions?: Record<string, unknown> };
    };
    assert.deepEqual(discovered.capabilities.extensions, { [EXT]: {} });
    const init = await mcpPost(h.url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    assert.match(init.body, /"extensions":\{"dev\.mcp-live\/events":\{\}\}/);
  });

  test('a listen that asks for custom methods hears their broadcasts, tagged; one that does not hears none', async (t) => {
    const server = eventsServer();
    const h = await start(t, server);
    const asking = await listen(t, h.url, { [EXT]: { methods: ['chat_message', 'marker'] } }, 7);
    const plain = await listen(
      t,
      h.url,
      { toolsListChanged: true, [`${EXT}-other`]: { methods: ['chat_message'] } },
      8,
    );
    const ack = await next(asking, (m) => m.method === ACK);
    assert.deepEqual((ack.params as Record<string, unknown>).notifications, {
      [EXT]: { methods: ['chat_message', 'marker'] },
    });
    const plainAck = await next(plain, (m) => m.method === ACK);
    assert.deepEqual((plainAck.params as Record<string, unknown>).notifications, { toolsListChanged: true });

    const reached = await server.broadcast('chat_message', { text: 'hi', _meta: { origin: 'test' } });
    assert.equal(reached, 1, 'the asking listen is counted');
    await server.broadcast('marker', {});
    const seen = await until(asking, isMarker);
    assert.deepEqual(seen[0], {
      jsonrpc: '2.0',
      method: 'chat_message',
      params: { text: 'hi', _meta: { origin: 'test', [SUBSCRIPTION_ID]: 7 } },
    });
    assert.equal(subscriptionOf(seen[1]!.params), 7);

    // The plain listen takes tool changes only: it hears the next one and nothing before it.
    server.tool('second', {}, () => 'ok');
    const change = await next(plain, (m) => m.method !== ACK);
    assert.equal(change.method, 'notifications/tools/list_changed');
  });

  test('topics narrow what a listen hears, as resources/subscribe narrows a session', async (t) => {
    const server = eventsServer();
    const h = await start(t, server);
    const general = await listen(
      t,
      h.url,
      { [EXT]: { methods: ['chat_message', 'marker'], topics: ['room:general'] } },
      1,
    );
    await next(general, (m) => m.method === ACK);
    await server.broadcast('chat_message', { room: 'random' }, { subscribedTo: 'room:random' });
    await server.broadcast('chat_message', { room: 'general' }, { subscribedTo: 'room:general' });
    await server.broadcast('chat_message', { room: 'everyone' });
    await server.broadcast('marker', {});
    const rooms = (await until(general, isMarker))
      .filter((m) => m.method === 'chat_message')
      .map((m) => (m.params as { room: string }).room);
    assert.deepEqual(rooms, ['general', 'everyone']);
  });

  test('a broadcast to one principal reaches only that principal’s listen streams', async (t) => {
    const server = eventsServer();
    const h = await start(t, server, {
      authenticate: (req) => req.headers.get('authorization')?.replace(/^Bearer /, '') || undefined,
    });
    const filter = { [EXT]: { methods: ['note', 'marker'] } };
    const alice = await listen(t, h.url, filter, 1, { Authorization: 'Bearer alice' });
    const bob = await listen(t, h.url, filter, 2, { Authorization: 'Bearer bob' });
    await next(alice, (m) => m.method === ACK);
    await next(bob, (m) => m.method === ACK);
    await server.broadcast('note', { for: 'alice' }, { principal: 'alice' });
    await server.broadcast('marker', {});
    const heardByBob = (await until(bob, isMarker)).filter((m) => m.method === 'note');
    const heardByAlice = (await until(alice, isMarker)).filter((m) => m.method === 'note');
    assert.deepEqual(heardByBob, []);
    assert.deepEqual(
      heardByAlice.map((m) => (m.params as { for: string }).for),
      ['alice'],
    );
  });

  test('a broadcast on another instance reaches the listen over the message bus', async (t) => {
    const bus = new MemoryMessageBus();
    const holder = eventsServer({ messageBus: bus, instanceId: 'holder' });
    const other = eventsServer({ messageBus: bus, instanceId: 'other' });
    t.after(() => other.close());
    const h = await start(t, holder);
    const stream = await listen(t, h.url, { [EXT]: { methods: ['chat_message', 'marker'] } }, 3);
    await next(stream, (m) => m.method === ACK);
    await other.broadcast('chat_message', { text: 'from the other instance' });
    await other.broadcast('marker', {});
    const seen = await until(stream, isMarker);
    assert.deepEqual(seen[0]?.params, { text: 'from the other instance', _meta: { [SUBSCRIPTION_ID]: 3 } });
  });

  test('a filter that is not the documented shape is refused with -32602 naming the field', async (t) => {
    const h = await start(t);
    for (const bad of [[], { methods: 'chat_message' }, { methods: [''] }, { methods: ['x'], topics: [1] }]) {
      const answer = await modernPost(h.url, 'subscriptions/listen', { notifications: { [EXT]: bad } });
      const error = jsonOf(answer).error!;
      assert.equal(error.code, -32602, JSON.stringify(bad));
      assert.match(error.message, /dev\.mcp-live\/events/);
    }
  });

  test('the revision’s own notifications are not carried by the extension; asking only for them honours nothing', async (t) => {
    const h = await start(t);
    const answer = await modernPost(h.url, 'subscriptions/listen', {
      notifications: { [EXT]: { methods: ['notifications/tools/list_changed'] } },
    });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /"notifications":\{\}/, 'acknowledged with nothing honoured');
    assert.match(answer.body, /"resultType":"complete"/, 'and completed at once');
  });
});
