// A Redis Cluster primary killed (SIGKILL) in the middle of traffic under three instances: the one that
// serves the broadcast channel, and session records and event streams too. Clients keep making requests
// through the round-robin proxy (most are relayed to the instance holding their session), a worker keeps
// sending numbered notifications to every session, and a 2026-07-28 listen stream waits for document
// changes. Every request gets an answer or an error, never silence; once the replica is promoted,
// everything works again by itself, and every number the worker's notify acknowledged arrives.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { McpServer } from '../../src/index.ts';
import { connectRedis, type RedisStores } from '../../src/redis.ts';
import { redisClusterForTests } from '../stores/redis-cluster.ts';
import {
  type Cluster,
  type ClusterPeer,
  jsonOf,
  spreadPeers,
  startCluster,
  until,
  WIRES,
} from './cluster-harness.ts';
import { connectModern, type Modern, touchDocument } from './modern-clients.ts';
import { startTraffic, type Traffic } from './traffic.ts';

const redis = await redisClusterForTests();
after(() => redis.cluster?.close());

const KILL_AFTER = 15;
const RUN_AFTER_RECOVERY = 15;

describe('a Redis Cluster primary killed under three instances', {
  skip: redis.skip,
  timeout: 240_000,
}, () => {
  let cluster: Cluster;
  let stores: RedisStores;
  let worker: McpServer;
  let listener: Modern;
  let editor: Modern;
  let traffic: Traffic;
  let victim = 0;
  let killedAt = 0;
  let promoted = 0;
  const edits: string[] = [];

  before(async () => {
    const urls = redis.cluster!.urls;
    victim = await redis.cluster!.primaryFor(await redis.cluster!.keySlot('mcp-live:bus:{broadcast}'));
    cluster = await startCluster(urls);
    stores = await connectRedis({ cluster: urls, onError: () => {} });
    worker = new McpServer(
      { name: 'worker', version: '1.0.0' },
      { instanceId: 'worker', sessionStore: stores.sessionStore, messageBus: stores.messageBus },
    );
    await stores.messageBus.listening();
    const peers = [
      ...(await spreadPeers(cluster, 'streamable-http', 2)),
      ...(await spreadPeers(cluster, 'sse', 1)),
    ];
    // Session ids are random: add sessions until their records are on every primary, the victim's too.
    const primaryOf = async (peer: ClusterPeer) =>
      redis.cluster!.primaryFor(await redis.cluster!.keySlot(`mcp-live:session:{${peer.sessionId}}`));
    const covered = new Set(await Promise.all(peers.map(primaryOf)));
    while (covered.size < 3) {
      assert.ok(peers.length < 40, `40 sessions did not reach every primary`);
      const peer = await cluster.connect('streamable-http');
      await peer.client.ping();
      peers.push(peer);
      covered.add(await primaryOf(peer));
    }
    listener = await connectModern(cluster.mcpUrl, 'listener');
    editor = await connectModern(cluster.mcpUrl, 'editor');
    const docs = Array.from({ length: 60 }, (_, i) => `doc://f${i}`);
    await listener.client.listen(
      { resourceSubscriptions: [...docs, 'doc://later-0', 'doc://later-1', 'doc://later-2'] },
      { timeout: 5_000 },
    );

    traffic = startTraffic(worker, peers);
    await traffic.more(KILL_AFTER, `${KILL_AFTER} numbers to every session`);
    await redis.cluster!.node(victim).stop('SIGKILL');
    killedAt = Date.now();
    // Documents are edited through the proxy throughout; an edit that fails says so.
    const editing = (async () => {
      for (let i = 0; Date.now() - killedAt < 8_000; i++) {
        await touchDocument(editor.client, `f${i}`).then(
          () => edits.push(`doc://f${i}`),
          () => {},
        );
        await delay(200);
      }
    })();
    await redis.cluster!.healthy(30_000);
    promoted = Date.now() - killedAt;
    await traffic.more(
      RUN_AFTER_RECOVERY,
      `${RUN_AFTER_RECOVERY} more numbers to every session after the failover`,
    );
    await editing;
    await traffic.stop();
  });

  after(async () => {
    await Promise.all([listener?.client.close(), editor?.client.close()].map((p) => p?.catch(() => {})));
    await cluster?.close();
    await worker?.close();
    await stores?.close();
  });

  test('the killed primary served the broadcast channel and session records; recovery times', async (t) => {
    const refused = Math.max(0, ...traffic.tracked.map((x) => x.refusedAt - killedAt));
    const heard = edits.filter((uri) => listener.updated.includes(uri)).length;
    t.diagnostic(
      `the cluster was healthy again (replica promoted, every node ok) ${promoted} ms after the kill`,
    );
    for (const line of traffic.failures(killedAt, 'the kill')) t.diagnostic(line);
    t.diagnostic(`the worker's last refused notify was ${refused} ms after the kill`);
    t.diagnostic(
      `the listen stream heard ${heard} of the ${edits.length} edits that succeeded in the 8 s after the kill`,
    );
    const nodes = await redis.cluster!.topology();
    assert.ok(
      !nodes.some((n) => n.port === victim && n.role === 'primary' && !n.failed),
      'the victim is no primary now',
    );
    const primaries = new Set<number>();
    for (const x of traffic.tracked) {
      primaries.add(
        await redis.cluster!.primaryFor(
          await redis.cluster!.keySlot(`mcp-live:session:{${x.peer.sessionId}}`),
        ),
      );
    }
    assert.equal(primaries.size, 3, 'session records are on all three primaries');
  });

  test('every request got an answer or an error, never silence', () => {
    assert.deepEqual(traffic.unanswered(killedAt), []);
    assert.ok(traffic.outcomes.filter((o) => o.outcome === 'ok').length > 100, 'requests kept flowing');
  });

  test('every number the worker’s notify acknowledged arrived, in order, once (twice only if a try failed in doubt)', () => {
    assert.deepEqual(traffic.missing(killedAt), []);
  });

  test('after the failover, every session works and a broadcast reaches every one of them', async () => {
    const all = traffic.tracked.map((x) => x.peer);
    for (const peer of all) {
      const progress: number[] = [];
      const body = jsonOf<{ count: number }>(
        await peer.client.callTool(
          { name: 'stream_data', arguments: { source: 'sequence', count: 3 } },
          undefined,
          {
            onprogress: (p) => void progress.push(p.progress),
          },
        ),
      );
      assert.equal(body.count, 3);
      assert.deepEqual(progress, [1, 2, 3]);
    }
    await worker.broadcast('cluster/after', {});
    await until(
      () => all.every((p) => p.of('cluster/after').length === 1),
      'the broadcast at every session',
      15_000,
    );
    for (const wire of WIRES) assert.ok(all.some((p) => p.wire === wire));
  });

  test('the listen stream heard the changes made after the failover', async () => {
    const later = ['doc://later-0', 'doc://later-1', 'doc://later-2'];
    for (const uri of later) await touchDocument(editor.client, uri.slice('doc://'.length));
    await until(
      () => later.every((uri) => listener.updated.includes(uri)),
      'the three later changes',
      15_000,
    );
  });
});
