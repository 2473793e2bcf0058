// The Redis stores and bus on a real Redis Cluster (three primaries, a replica each) as on one Redis:
// keys and sharded channels spread over every primary, and nothing fails with CROSSSLOT.
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { BusMessage } from '../../src/server/message-bus.ts';
import { connectRedis, type RedisStores } from '../../src/stores/redis-connect.ts';
import { isRedisCluster } from '../../src/stores/redis-connection.ts';
import { keySlot } from '../../src/stores/redis-key-slot.ts';
import { eventStoreContract } from './event-store-contract.ts';
import { type RedisClusterServer, redisClusterForTests } from './redis-cluster.ts';
import { openRecorded } from './redis-fan-out.ts';
import { deferred } from './redis-server.ts';

const redis = await redisClusterForTests();
after(() => redis.cluster?.close());
const skip = redis.skip;
let prefixes = 0;

async function openStores(
  t: TestContext,
  prefix = `c${++prefixes}`,
  options: Parameters<typeof connectRedis>[0] = {},
): Promise<RedisStores> {
  const stores = await connectRedis({ cluster: redis.cluster!.urls, prefix, onError: () => {}, ...options });
  t.after(() => stores.close());
  return stores;
}

/** The primaries (by port) that serve `keys`, from the cluster's own map. */
async function primariesOf(cluster: RedisClusterServer, keys: string[]): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const key of keys) ports.add(await cluster.primaryFor(await cluster.keySlot(key)));
  return ports;
}

const note = (method: string): JSONRPCMessage => ({ jsonrpc: '2.0', method });

describe('the Redis stores on a Redis Cluster', { skip }, () => {
  let primaries: number[] = [];
  before(async () => {
    const nodes = await redis.cluster!.topology();
    primaries = nodes.filter((n) => n.role === 'primary').map((n) => n.port);
  });

  test('the cluster has three primaries, each with a replica', async () => {
    const nodes = await redis.cluster!.topology();
    assert.equal(primaries.length, 3);
    for (const node of nodes.filter((n) => n.role === 'primary')) {
      assert.equal(nodes.filter((n) => n.primaryOf === node.id).length, 1, `a replica of ${node.port}`);
    }
  });

  test('key slots computed here match CLUSTER KEYSLOT, hash tags included', async () => {
    const keys = [
      'mcp-live:session:{3fa1c2d4-0000-4000-8000-000000000001}',
      'mcp-live:events:{stream-1_7}',
      'mcp-live:bus:{broadcast}',
      'plain-key',
      'empty-tag:{}:{x}',
      '{}',
      'no-close:{abc',
      'unicode:{ünï-cødé}',
      '',
    ];
    for (const key of keys) assert.equal(keySlot(key), await redis.cluster!.keySlot(key), key);
  });

  test('connectRedis({ cluster }) makes the stores over a cluster client', async (t) => {
    const stores = await openStores(t);
    assert.ok(isRedisCluster(stores.client));
    await stores.messageBus.listening();
  });

  test('session records spread over every primary and work as on one Redis', async (t) => {
    const a = await openStores(t);
    const b = await openStores(t, `c${prefixes}`);
    const ids = Array.from({ length: 30 }, (_, i) => `session-${i}`);
    const keys = ids.map((id) => `c${prefixes}:session:{${id}}`);
    assert.deepEqual(
      [...(await primariesOf(redis.cluster!, keys))].sort(),
      [...primaries].sort(),
      'the records are on all three primaries',
    );
    const record = (id: string) => ({ id, transport: 'streamable-http', createdAt: 1, lastActivity: 2 });
    await Promise.all(ids.map((id) => a.sessionStore.create({ ...record(id), owner: 'A' })));
    for (const id of ids) assert.deepEqual(await b.sessionStore.get(id), { ...record(id), owner: 'A' });
    await Promise.all(ids.map((id) => b.sessionStore.update(id, { lastActivity: 3, logLevel: 'debug' })));
    assert.equal((await a.sessionStore.get(ids[7]!))?.logLevel, 'debug');
    // A takeover: B claims a session whose owner it found gone.
    assert.equal(await b.sessionStore.claim(ids[3]!, 'B', 'A'), true);
    assert.equal((await a.sessionStore.get(ids[3]!))?.owner, 'B');
    await Promise.all(ids.map((id) => a.sessionStore.delete(id)));
    for (const id of ids) assert.equal(await b.sessionStore.get(id), undefined);
  });

  test('orphaned records are swept across slots', async (t) => {
    const prefix = `c${++prefixes}`;
    const stores = await connectRedis({
      cluster: redis.cluster!.urls,
      prefix,
      sweepInterval: 0,
      onError: () => {},
    });
    const sweeper = await openStores(t, prefix, { orphanGracePeriod: 0, sweepInterval: 0 });
    const ids = Array.from({ length: 12 }, (_, i) => `orphan-${i}`);
    for (const id of ids) {
      await stores.sessionStore.create({
        id,
        transport: 'sse',
        createdAt: 1,
        lastActivity: 1,
        owner: 'gone',
      });
    }
    await stores.close(); // deletes its heartbeat: the records are orphans now
    assert.equal(await sweeper.sessionStore.sweepOrphans(), ids.length);
    for (const id of ids) assert.equal(await sweeper.sessionStore.get(id), undefined);
  });

  test('a message reaches the instance holding a session whatever shard its channel is on', async (t) => {
    const stores = await openStores(t);
    const instances = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const inboxes = instances.map((i) => `c${prefixes}:bus:{${i}}`);
    assert.equal((await primariesOf(redis.cluster!, inboxes)).size, 3, 'inboxes on all three primaries');
    const got = new Map<string, BusMessage[]>();
    const arrivals = instances.map((instance) => {
      const list: BusMessage[] = [];
      got.set(instance, list);
      const all = deferred(10_000, `two messages at ${instance}`);
      return {
        instance,
        all,
        handler: (m: BusMessage) => {
          list.push(m);
          if (list.length === 2) all.resolve();
        },
      };
    });
    for (const a of arrivals) await stores.messageBus.subscribe(a.instance, a.handler);
    for (const instance of instances) {
      await stores.messageBus.publishToSession(instance, `s-${instance}`, note(`to-${instance}`));
      await stores.messageBus.relay(instance, { k: 'ping', x: instance });
    }
    await Promise.all(arrivals.map((a) => a.all.promise));
    for (const instance of instances) {
      const [first, second] = got.get(instance)!;
      assert.deepEqual(first, {
        type: 'session',
        sessionId: `s-${instance}`,
        message: note(`to-${instance}`),
      });
      assert.deepEqual(second, { type: 'relay', payload: { k: 'ping', x: instance } });
    }
    await assert.rejects(stores.messageBus.publishToSession('nobody', 's', note('x')), (error: unknown) =>
      isMcpLiveError(error, 'SESSION_NOT_FOUND'),
    );
  });

  test('a broadcast from one server reaches the sessions of the others', async (t) => {
    const prefix = `c${++prefixes}`;
    const [one, two, three] = await Promise.all([1, 2, 3].map(() => openStores(t, prefix)));
    const servers = [one!, two!, three!].map(
      (stores, i) =>
        new McpServer(
          { name: `s${i}`, version: '1' },
          { instanceId: `server-${i}`, sessionStore: stores.sessionStore, messageBus: stores.messageBus },
        ),
    );
    t.after(() => Promise.all(servers.map((s) => s.close())));
    await Promise.all([one!, two!, three!].map((s) => s.messageBus.listening()));
    const sessions = await Promise.all(servers.map((s) => openRecorded(s)));
    await servers[0]!.broadcast('cluster/hello', { n: 1 });
    for (const session of sessions)
      assert.equal(((await session.next()) as { method: string }).method, 'cluster/hello');
    // A targeted notify from the third server to a session of the second.
    await servers[2]!.notify(sessions[1]!.session.id, 'cluster/direct', {});
    assert.equal(((await sessions[1]!.next()) as { method: string }).method, 'cluster/direct');
  });

  test('connectRedis refuses url with cluster, an empty cluster, and a URL that is not redis://', async () => {
    const refused = (options: Parameters<typeof connectRedis>[0], pattern: RegExp) =>
      assert.rejects(connectRedis(options), (error: unknown) => {
        assert.ok(isMcpLiveError(error, 'INVALID_OPTION'), String(error));
        assert.match(error.message, pattern);
        return true;
      });
    await refused({ url: 'redis://127.0.0.1:1', cluster: redis.cluster!.urls }, /either url .* or cluster/);
    await refused({ cluster: [] }, /at least one node URL/);
    await refused(
      { cluster: ['http://user:secret@127.0.0.1:1'] },
      /"http:\/\/\*\*\*@127.0.0.1:1"; give redis:\/\//,
    );
  });
});

eventStoreContract(
  'RedisEventStore on a Redis Cluster',
  async (t, options) => {
    const stores = await connectRedis({
      cluster: redis.cluster!.urls,
      prefix: `e${++prefixes}`,
      onError: () => {},
      ...options,
    });
    t.after(() => stores.close());
    return stores.eventStore;
  },
  skip,
);
