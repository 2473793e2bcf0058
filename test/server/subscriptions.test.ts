// subscriptions/listen (MCP 2026-07-28) through the in-memory test client: acknowledgment first, only
// what the filter asked for, every frame tagged with the listen request's id, cancellation and close.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONRPCNotification } from '../../src/index.ts';
import { McpServer } from '../../src/index.ts';
import { connectTestClient } from '../../src/testing/index.ts';

const SUBSCRIPTION = 'io.modelcontextprotocol/subscriptionId';

function newServer(options: ConstructorParameters<typeof McpServer>[1] = {}) {
  const server = new McpServer({ name: 'listen-test', version: '1.0.0' }, options);
  server.tool('first', {}, () => 'ok');
  server.resource('test://a', { name: 'a' }, () => 'a');
  server.resource('test://b', { name: 'b' }, () => 'b');
  return server;
}

const listenClient = (server: McpServer) =>
  connectTestClient(server, { protocolVersion: '2026-07-28', capabilities: {} });

function tagOf(n: JSONRPCNotification): unknown {
  return (n.params?._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION];
}

test('a listen is acknowledged first with what the server honours, then hears only that, tagged', async () => {
  const server = newServer();
  const client = await listenClient(server);
  const listening = client.request('subscriptions/listen', {
    notifications: { toolsListChanged: true, promptsListChanged: true, resourceSubscriptions: ['test://a'] },
  });
  const ack = await client.waitForNotification('notifications/subscriptions/acknowledged');
  // No prompts are registered, so prompt list changes are not promised.
  assert.deepEqual(ack.params?.notifications, {
    toolsListChanged: true,
    resourceSubscriptions: ['test://a'],
  });
  assert.equal(tagOf(ack), 1);
  assert.equal(client.notifications[0], ack);
  server.tool('second', {}, () => 'ok');
  const changed = await client.waitForNotification('notifications/tools/list_changed');
  assert.equal(tagOf(changed), 1);
  assert.equal(await server.resourceUpdated('test://b'), 0);
  assert.equal(await server.resourceUpdated('test://a'), 1);
  const updated = await client.waitForNotification('notifications/resources/updated');
  assert.deepEqual(updated.params, { uri: 'test://a', _meta: { [SUBSCRIPTION]: 1 } });
  assert.equal(server.subscriptionCount, 1);
  // Closing the server ends the listen gracefully: its request answers with the completion result.
  await server.close();
  const result = await listening;
  assert.equal(result.resultType, 'complete');
  assert.equal((result._meta as Record<string, unknown>)[SUBSCRIPTION], 1);
});

test('a listen of which nothing can be honoured is acknowledged and completed at once', async () => {
  const client = await listenClient(newServer());
  const result = await client.request('subscriptions/listen', {
    notifications: { promptsListChanged: true },
  });
  assert.equal(result.resultType, 'complete');
  const ack = await client.waitForNotification('notifications/subscriptions/acknowledged');
  assert.deepEqual(ack.params?.notifications, {});
});

test('notifications/cancelled ends a listen: no answer, no more frames, the server forgets it', async () => {
  const server = newServer();
  const client = await listenClient(server);
  let answered = false;
  void client
    .request('subscriptions/listen', { notifications: { toolsListChanged: true } }, { timeout: 60_000 })
    .then(
      () => {
        answered = true;
      },
      // The server closing at the end fails the request that was never answered.
      () => {},
    );
  await client.waitForNotification('notifications/subscriptions/acknowledged');
  client.notify('notifications/cancelled', { requestId: 1, reason: 'done' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(server.subscriptionCount, 0);
  server.tool('later', {}, () => 'ok');
  // A tools change reaches a second, live listen but not the cancelled one.
  const other = await listenClient(server);
  const otherListen = other.request('subscriptions/listen', { notifications: { toolsListChanged: true } });
  await other.waitForNotification('notifications/subscriptions/acknowledged');
  server.tool('latest', {}, () => 'ok');
  await other.waitForNotification('notifications/tools/list_changed');
  assert.equal(client.notifications.filter((n) => n.method === 'notifications/tools/list_changed').length, 0);
  assert.equal(answered, false);
  await server.close();
  assert.equal((await otherListen).resultType, 'complete');
});

test('maxSubscriptions refuses one listen more, and a malformed filter is invalid params', async () => {
  const server = newServer({ maxSubscriptions: 1 });
  const client = await listenClient(server);
  const first = client.request('subscriptions/listen', { notifications: { toolsListChanged: true } });
  await client.waitForNotification('notifications/subscriptions/acknowledged');
  await assert.rejects(
    client.request('subscriptions/listen', { notifications: { toolsListChanged: true } }),
    /maximum of 1 subscriptions/,
  );
  await assert.rejects(client.request('subscriptions/listen', { notifications: [] }), { code: -32602 });
  await assert.rejects(
    client.request('subscriptions/listen', { notifications: { resourceSubscriptions: 'test://a' } }),
    { code: -32602 },
  );
  assert.throws(() => newServer({ maxSubscriptions: 0 }), {
    code: 'INVALID_OPTION',
    message: /maxSubscriptions must be a positive integer \(got 0\)/,
  });
  await server.close();
  assert.equal((await first).resultType, 'complete');
});

test('server.resourceUpdated on one instance reaches a listen stream held by another', async () => {
  const { MemoryMessageBus } = await import('../../src/index.ts');
  const messageBus = new MemoryMessageBus();
  const a = newServer({ messageBus, instanceId: 'a' });
  const b = newServer({ messageBus, instanceId: 'b' });
  const client = await listenClient(b);
  const listening = client.request('subscriptions/listen', {
    notifications: { resourceSubscriptions: ['test://a'] },
  });
  await client.waitForNotification('notifications/subscriptions/acknowledged');
  await a.resourceUpdated('test://a');
  const updated = await client.waitForNotification('notifications/resources/updated');
  assert.deepEqual(updated.params, { uri: 'test://a', _meta: { [SUBSCRIPTION]: 1 } });
  await Promise.all([a.close(), b.close()]);
  assert.equal((await listening).resultType, 'complete');
});
