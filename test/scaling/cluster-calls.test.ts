// Three instances of the example server sharing a real redis-server, behind a proxy that sends each
// request to the next instance: the official SDK clients over both transports complete every call, and
// a broadcast reaches every session on every instance.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { McpServer } from '../../src/index.ts';
import { connectRedis, type RedisStores } from '../../src/redis.ts';
import { redisForTests } from '../stores/redis-server.ts';
import {
  type Cluster,
  type ClusterPeer,
  jsonOf,
  readJSON,
  spreadPeers,
  startCluster,
  until,
  WIRES,
} from './cluster-harness.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

const TOOLS = [
  'announce',
  'edit_document',
  'monitor_system',
  'send_message',
  'stream_data',
  'subscribe_updates',
  'unsubscribe_updates',
];

/** Every kind of call the example serves, as one client makes them; fails on the first that does not work. */
async function everyCall(peer: ClusterPeer, tag: string): Promise<void> {
  const { client } = peer;
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS);
  const { resources } = await client.listResources();
  assert.ok(resources.some((r) => r.uri === 'metrics://current'));
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.equal(resourceTemplates.length, 2);

  const progress: number[] = [];
  const streamed = jsonOf<{ count: number; results: Array<{ value: unknown }> }>(
    await client.callTool({ name: 'stream_data', arguments: { source: 'sequence', count: 5 } }, undefined, {
      onprogress: (p) => void progress.push(p.progress),
    }),
  );
  assert.deepEqual(
    streamed.results.map((r) => r.value),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(progress, [1, 2, 3, 4, 5], `${peer.wire} ${peer.sessionId}: one progress per item`);

  const metrics = await readJSON<{ cpu?: unknown; memory?: unknown }>(peer, 'metrics://current');
  assert.equal(typeof metrics.cpu, 'number');
  const channel = await readJSON<{ channel: string }>(peer, `chat://${tag}`);
  assert.equal(channel.channel, tag);
  assert.deepEqual(await client.subscribeResource({ uri: 'chat://general' }), {});
  const subscribed = jsonOf<{ subscriptions: Record<string, unknown> }>(
    await client.callTool({ name: 'subscribe_updates', arguments: { topic: 'documents', filters: [tag] } }),
  );
  assert.deepEqual(subscribed.subscriptions.documents, [tag]);
  assert.deepEqual(await client.ping(), {});
}

describe('three instances behind a round-robin proxy', { skip: redis.skip, timeout: 120_000 }, () => {
  let cluster: Cluster;
  let stores: RedisStores;
  let outsider: McpServer;
  const peers: Record<string, ClusterPeer[]> = {};

  before(async () => {
    cluster = await startCluster(redis.server!.url);
    // Another instance of the deployment with no HTTP at all, such as a worker: it broadcasts from outside.
    stores = await connectRedis({ url: redis.server!.url });
    outsider = new McpServer(
      { name: 'worker', version: '1.0.0' },
      { instanceId: 'worker', sessionStore: stores.sessionStore, messageBus: stores.messageBus },
    );
    await stores.messageBus.listening();
    for (const wire of WIRES) peers[wire] = await spreadPeers(cluster, wire, 2);
  });

  after(async () => {
    await cluster?.close();
    await outsider?.close();
    await stores?.close();
  });

  test('the sessions of each transport are spread over all three instances', async () => {
    for (const wire of WIRES) {
      const owners = await Promise.all(peers[wire]!.map((p) => cluster.ownerOf(p.sessionId)));
      assert.deepEqual([...new Set(owners)].sort(), ['i1', 'i2', 'i3'], `${wire}: ${owners.join(' ')}`);
    }
  });

  for (const wire of WIRES) {
    test(`official SDK clients over ${wire} complete every call, whichever instance each request hits`, async () => {
      const before = cluster.proxy.stats().map((s) => s.requests);
      await Promise.all(peers[wire]!.map((peer, i) => everyCall(peer, `${wire === 'sse' ? 's' : 'h'}${i}`)));
      const sent = cluster.proxy.stats().map((s, i) => s.requests - before[i]!);
      for (const [i, count] of sent.entries()) {
        assert.ok(count >= peers[wire]!.length * 3, `instance i${i + 1} served ${count} of these requests`);
      }
      for (const peer of peers[wire]!) assert.deepEqual(peer.errors, [], `${peer.sessionId} saw no errors`);
    });
  }

  test('a broadcast reaches every session on every instance', async () => {
    const all = WIRES.flatMap((wire) => peers[wire]!);
    for (const peer of all) await peer.client.subscribeResource({ uri: 'chat://general' });
    const [first] = all;
    const sent = jsonOf<{ message: { id: number } }>(
      await first!.client.callTool({ name: 'send_message', arguments: { message: 'hello, cluster' } }),
    );
    assert.ok(sent.message.id > 0);
    await until(
      () => all.every((p) => p.of('chat_message').some((m) => m.text === 'hello, cluster')),
      'the chat message at every session',
      10_000,
    );
    await until(
      () => all.every((p) => p.of('notifications/resources/updated').some((m) => m.uri === 'chat://general')),
      'resources/updated for chat://general at every subscriber',
      10_000,
    );

    await outsider.broadcast('cluster/announcement', { text: 'deploying' });
    await until(
      () => all.every((p) => p.of('cluster/announcement').length === 1),
      'the worker’s broadcast at every session',
      10_000,
    );
    for (const peer of all) {
      assert.equal(
        peer.of('chat_message').filter((m) => m.text === 'hello, cluster').length,
        1,
        'exactly once',
      );
    }
  });
});
