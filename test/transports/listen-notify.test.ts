// server.notify to one 2026-07-28 listen stream: its id comes from `listenOpened`, the notification reaches
// only that stream (tagged with its subscription id), on this instance or over the message bus from
// another one; a stream that did not ask for the method, or that closed, is a clear error.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { type ListenStreamView, McpServer, type McpServerOptions } from '../../src/index.ts';
import { MemoryMessageBus } from '../../src/stores/memory-message-bus.ts';
import { openModern, SUBSCRIPTION_ID } from './stateless-harness.ts';
import { type LiveStream, startStreamable } from './streamable-harness.ts';

const EXT = 'dev.mcp-live/events';
const ACK = 'notifications/subscriptions/acknowledged';

function listenServer(options: McpServerOptions = {}) {
  const server = new McpServer({ name: 'listen-notify', version: '1.0.0' }, options);
  server.tool('first', {}, () => 'ok');
  server.resource('file:///a', { name: 'a' }, () => 'a');
  return server;
}

/** The next `event` of `server` (listenOpened or listenClosed). */
function nextStream(server: McpServer, event: 'listenOpened' | 'listenClosed'): Promise<ListenStreamView> {
  return new Promise((resolve) => {
    const stop = server.on(event, (view) => {
      stop();
      resolve(view);
    });
  });
}

/** Opens a listen on `server`'s HTTP endpoint and resolves with the stream and its `listenOpened` view. */
async function openListen(
  t: TestContext,
  server: McpServer,
  url: string,
  notifications: Record<string, unknown>,
  id: number,
  headers = {},
): Promise<[LiveStream, ListenStreamView]> {
  const opened = nextStream(server, 'listenOpened');
  const stream = await openModern(t, url, 'subscriptions/listen', { notifications }, { id, headers });
  const view = await opened;
  await stream.message((m) => m.method === ACK);
  return [stream, view];
}

describe('server.notify to one listen stream', { timeout: 20_000 }, () => {
  test('reaches only that stream, tagged with its subscription id; listenOpened names it', async (t) => {
    const server = listenServer();
    const h = await startStreamable(
      t,
      'node',
      { authenticate: (req) => req.headers.get('x-user') ?? undefined },
      server,
    );
    const filter = { [EXT]: { methods: ['direct'] }, resourceSubscriptions: ['file:///a'] };
    const [ada, adaView] = await openListen(t, server, h.url, filter, 7, { 'x-user': 'ada' });
    const [bob, bobView] = await openListen(t, server, h.url, filter, 8, { 'x-user': 'bob' });
    assert.equal(adaView.principal, 'ada');
    assert.deepEqual(adaView.notifications, filter);
    assert.notEqual(adaView.id, bobView.id);
    assert.match(adaView.id, /^listen:/);

    await server.notify(adaView.id, 'direct', { text: 'for ada' });
    await server.notify(bobView.id, 'direct', { text: 'for bob' });
    await server.notify(adaView.id, 'notifications/resources/updated', { uri: 'file:///a' });
    const heard = (await ada.message((m) => m.method === 'direct')).message;
    assert.deepEqual(heard.params, { text: 'for ada', _meta: { [SUBSCRIPTION_ID]: 7 } });
    const updated = (await ada.message((m) => m.method === 'notifications/resources/updated')).message;
    assert.deepEqual(updated.params, { uri: 'file:///a', _meta: { [SUBSCRIPTION_ID]: 7 } });
    assert.deepEqual((await bob.message((m) => m.method === 'direct')).message.params, {
      text: 'for bob',
      _meta: { [SUBSCRIPTION_ID]: 8 },
    });
  });

  test('a method the stream did not ask for, or a stream that closed, is refused naming it', async (t) => {
    const server = listenServer();
    const h = await startStreamable(t, 'node', {}, server);
    const [stream, view] = await openListen(t, server, h.url, { [EXT]: { methods: ['direct'] } }, 1);
    await assert.rejects(server.notify(view.id, 'other', {}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAPABILITY_MISSING');
      assert.match(error.message, new RegExp(`Listen stream "${view.id}" did not ask for other`));
      return true;
    });
    await assert.rejects(server.notify(view.id, 'notifications/tools/list_changed'), /did not ask for/);

    const closed = nextStream(server, 'listenClosed');
    stream.close();
    assert.equal((await closed).id, view.id);
    await assert.rejects(server.notify(view.id, 'direct', {}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SESSION_NOT_FOUND');
      assert.match(error.message, /No open listen stream "listen:/);
      return true;
    });
  });

  test('reaches a stream held by another instance over the message bus', async (t) => {
    const bus = new MemoryMessageBus();
    const holder = listenServer({ messageBus: bus, instanceId: 'holder' });
    const other = listenServer({ messageBus: bus, instanceId: 'other' });
    t.after(() => other.close());
    const h = await startStreamable(t, 'node', {}, holder);
    const [stream, view] = await openListen(t, holder, h.url, { [EXT]: { methods: ['direct'] } }, 3);
    await other.notify(view.id, 'direct', { text: 'from the other instance' });
    assert.deepEqual((await stream.message((m) => m.method === 'direct')).message.params, {
      text: 'from the other instance',
      _meta: { [SUBSCRIPTION_ID]: 3 },
    });
    // An instance that is not listening on the bus (gone) is a clear error, not silence.
    const gone = view.id.replace('listen:holder:', 'listen:gone:');
    await assert.rejects(other.notify(gone, 'direct', {}), { code: 'SESSION_NOT_FOUND' });
  });
});
