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
  spreadPeers,
  startCluster,
  until,
  WIRES,
} from './cluster-harness.ts';
import { everyCall } from './cluster-work.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

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
