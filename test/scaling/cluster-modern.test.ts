// MCP 2026-07-28 across three instances of the example sharing a real redis-server, behind the
// round-robin proxy (every request goes to the next instance): the official SDK v2 client pinned to
// 2026-07-28 hears, on a listen stream one instance holds, the changes the others make; re-listens
// after that instance is killed (SIGKILL) and hears the changes made after; and completes announce's
// elicitation round whose legs land on different instances, which share their requestState keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client as ClientV2 } from '@modelcontextprotocol/client';
import { redisForTests } from '../stores/redis-server.ts';
import { type Cluster, startCluster, textOf, until } from './cluster-harness.ts';
import { connectModern, touchDocument } from './modern-clients.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

describe('MCP 2026-07-28 across three instances', { skip: redis.skip, timeout: 120_000 }, () => {
  let cluster: Cluster;
  const clients: ClientV2[] = [];

  before(async () => {
    cluster = await startCluster(redis.server!.url);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await cluster?.close();
  });

  test('an input round whose legs land on different instances completes', async () => {
    const asker = await connectModern(cluster.mcpUrl, 'asker');
    clients.push(asker.client);
    const questions: string[] = [];
    asker.client.setRequestHandler('elicitation/create', async (request) => {
      questions.push(String(request.params.message));
      return { action: 'accept', content: { confirm: true } };
    });
    const served = () => cluster.proxy.stats().map((s) => s.requests);
    // Three rounds in a row: with the proxy moving on per request, each round's retry goes to
    // another instance than its first leg.
    for (let i = 1; i <= 3; i++) {
      const before = served();
      const result = await asker.client.callTool({ name: 'announce', arguments: { text: `notice ${i}` } });
      assert.match(textOf(result), /^Sent to every session/, `round ${i}`);
      const reached = served().filter((n, at) => n > before[at]!).length;
      assert.ok(reached >= 2, `round ${i}'s legs reached ${reached} instance(s)`);
    }
    assert.equal(questions.length, 3);
    assert.match(questions[0]!, /notice 1/);
  });

  test('a listen stream held by one instance hears the changes every instance makes; after a kill -9, a new listen hears the rest', async () => {
    const listener = await connectModern(cluster.mcpUrl, 'listener');
    const editor = await connectModern(cluster.mcpUrl, 'editor');
    clients.push(listener.client, editor.client);
    // The listen goes straight to i1, so that killing i1 is killing its holder.
    const direct = await connectModern(new URL('/mcp', cluster.instance('i1').origin), 'listener-on-i1');
    clients.push(direct.client);
    const uris = ['doc://x1', 'doc://x2', 'doc://x3', 'doc://x4', 'doc://x5', 'doc://x6'];
    const subscription = await direct.client.listen({ resourceSubscriptions: uris }, { timeout: 5_000 });
    assert.deepEqual(subscription.honoredFilter.resourceSubscriptions, uris);

    // Through the proxy, three edits land on three instances in turn.
    for (const id of ['x1', 'x2', 'x3']) await touchDocument(editor.client, id);
    await until(() => direct.updated.length === 3, 'three resources/updated on the i1 listen');
    assert.deepEqual(direct.updated, ['doc://x1', 'doc://x2', 'doc://x3']);

    cluster.instance('i1').kill('SIGKILL');
    await cluster.instance('i1').exited;
    const closed = await Promise.race([
      subscription.closed.then((how) => `closed: ${how}`),
      new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000)),
    ]);
    assert.notEqual(closed, 'still open', 'the client learns that its listen ended');

    // Re-listen through the proxy (which skips the dead instance), then edit through it again.
    const again = await listener.client.listen({ resourceSubscriptions: uris }, { timeout: 5_000 });
    for (const id of ['x4', 'x5', 'x6']) await touchDocument(editor.client, id);
    await until(() => listener.updated.length === 3, 'three resources/updated on the new listen');
    assert.deepEqual(listener.updated, ['doc://x4', 'doc://x5', 'doc://x6']);
    await again.close();
  });

  test('custom events (dev.mcp-live/events) sent on every instance reach a listen held by one', async () => {
    const listener = await connectModern(cluster.mcpUrl, 'chat-listener');
    const sender = await connectModern(cluster.mcpUrl, 'chat-sender');
    clients.push(listener.client, sender.client);
    const chat: Array<Record<string, unknown>> = [];
    listener.client.fallbackNotificationHandler = async (n) => {
      if (n.method === 'chat_message') chat.push(n.params as Record<string, unknown>);
    };
    const filter = {
      'dev.mcp-live/events': { methods: ['chat_message'], topics: ['live-topic://chat/general'] },
    };
    // The SDK sends the filter as given; it parses the acknowledgment with the revision's own fields only.
    const subscription = await listener.client.listen(filter as never, { timeout: 5_000 });
    for (const text of ['one', 'two', 'three']) {
      const sent = await sender.client.callTool({ name: 'send_message', arguments: { message: text } });
      assert.notEqual(sent.isError, true, textOf(sent));
    }
    await until(() => chat.length === 3, 'three chat_message notifications on the listen');
    assert.deepEqual(
      chat.map((m) => m.text),
      ['one', 'two', 'three'],
    );
    await subscription.close();
  });
});
