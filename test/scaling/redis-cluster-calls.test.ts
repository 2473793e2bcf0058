// Three instances of the example server on a real Redis Cluster (three primaries, a replica each),
// behind the round-robin proxy: with session records and event streams on every primary, official SDK
// clients over both 2025 wires complete every call, broadcasts reach every session, 2026-07-28 listen
// streams hear what every instance does, and the example's documents and chat are shared.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { McpServer } from '../../src/index.ts';
import { connectRedis, type RedisStores } from '../../src/redis.ts';
import { redisClusterForTests } from '../stores/redis-cluster.ts';
import {
  type Cluster,
  type ClusterPeer,
  jsonOf,
  readJSON,
  spreadPeers,
  startCluster,
  textOf,
  until,
  WIRES,
  withTimeout,
} from './cluster-harness.ts';
import { everyCall } from './cluster-work.ts';
import { connectModern, touchDocument } from './modern-clients.ts';

const redis = await redisClusterForTests();
after(() => redis.cluster?.close());

describe('three instances on a Redis Cluster', { skip: redis.skip, timeout: 180_000 }, () => {
  let cluster: Cluster;
  let stores: RedisStores;
  let worker: McpServer;
  let primaries: number[] = [];
  const peers: Record<string, ClusterPeer[]> = {};

  /** The primaries serving the session records of `list`. */
  const primariesOf = async (list: ClusterPeer[]) => {
    const ports = new Set<number>();
    for (const peer of list) {
      const slot = await redis.cluster!.keySlot(`mcp-live:session:{${peer.sessionId}}`);
      ports.add(await redis.cluster!.primaryFor(slot));
    }
    return ports;
  };

  before(async () => {
    const urls = redis.cluster!.urls;
    primaries = (await redis.cluster!.topology()).filter((n) => n.role === 'primary').map((n) => n.port);
    cluster = await startCluster(urls);
    stores = await connectRedis({ cluster: urls });
    worker = new McpServer(
      { name: 'worker', version: '1.0.0' },
      { instanceId: 'worker', sessionStore: stores.sessionStore, messageBus: stores.messageBus },
    );
    await stores.messageBus.listening();
    for (const wire of WIRES) {
      peers[wire] = await spreadPeers(cluster, wire, 2);
      // Session ids are random: add sessions until their records are on every primary.
      while ((await primariesOf(peers[wire]!)).size < primaries.length) {
        assert.ok(peers[wire]!.length < 30, `30 ${wire} sessions did not reach every primary`);
        const peer = await cluster.connect(wire);
        await peer.client.ping();
        peers[wire]!.push(peer);
      }
    }
  });

  after(async () => {
    await cluster?.close();
    await worker?.close();
    await stores?.close();
  });

  test('each instance’s banner names the cluster it shares; REDIS_CLUSTER does what --redis-cluster does', async (t) => {
    const nodes = redis.cluster!.urls.map((u) => u.replaceAll('.', '\\.')).join(', ');
    assert.match(cluster.instances[0]!.output, new RegExp(`\\n {2}redis {12}Redis Cluster via ${nodes}\\n`));
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/live/main.ts', '--port', '0'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, REDIS_URL: '', REDIS_CLUSTER: redis.cluster!.urls.join(',') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await until(() => /\n {2}redis .*\n/.test(out), 'the banner', 30_000);
    assert.match(out, new RegExp(`redis {12}Redis Cluster via ${nodes}`));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await withTimeout(exited, 10_000, 'a clean stop')) as [number | null];
    assert.equal(code, 0);
  });

  test('session records are on all three primaries, sessions on all three instances', async () => {
    assert.equal(primaries.length, 3);
    for (const wire of WIRES) {
      assert.equal((await primariesOf(peers[wire]!)).size, 3, `${wire} session records, by CLUSTER KEYSLOT`);
      const owners = await Promise.all(peers[wire]!.map((p) => cluster.ownerOf(p.sessionId)));
      assert.deepEqual([...new Set(owners)].sort(), ['i1', 'i2', 'i3'], `${wire}: ${owners.join(' ')}`);
    }
    for (const port of primaries) {
      const sessions = await redis.cluster!.keysOn(port, 'mcp-live:session:*');
      assert.ok(sessions.length > 0, `primary ${port} holds session records`);
    }
  });

  for (const wire of WIRES) {
    test(`official SDK clients over ${wire} complete every call, whichever instance each request hits`, async () => {
      await Promise.all(peers[wire]!.map((peer, i) => everyCall(peer, `${wire === 'sse' ? 's' : 'h'}${i}`)));
      for (const peer of peers[wire]!) assert.deepEqual(peer.errors, [], `${peer.sessionId} saw no errors`);
    });
  }

  // After those calls: answers ready at once are JSON bodies with no stream, but calls with progress
  // stream their answers, and each stream's events are kept for a resumption.
  test('the event streams of those calls are on all three primaries', async () => {
    for (const port of primaries) {
      const events = await redis.cluster!.keysOn(port, 'mcp-live:events:*');
      assert.ok(events.length > 0, `primary ${port} holds event streams`);
    }
  });

  test('a chat message, resources/updated and a worker’s broadcast reach every session on every instance', async () => {
    const all = WIRES.flatMap((wire) => peers[wire]!);
    for (const peer of all) await peer.client.subscribeResource({ uri: 'chat://general' });
    jsonOf(await all[0]!.client.callTool({ name: 'send_message', arguments: { message: 'hello, shards' } }));
    await until(
      () => all.every((p) => p.of('chat_message').some((m) => m.text === 'hello, shards')),
      'the chat message at every session',
      15_000,
    );
    await until(
      () => all.every((p) => p.of('notifications/resources/updated').some((m) => m.uri === 'chat://general')),
      'resources/updated for chat://general at every subscriber',
      15_000,
    );
    await worker.broadcast('cluster/announcement', { text: 'deploying' });
    await until(
      () => all.every((p) => p.of('cluster/announcement').length === 1),
      'the worker’s broadcast at every session',
      15_000,
    );
    // A targeted notify from the worker to each session, wherever its record and holder are.
    for (const peer of all) await worker.notify(peer.sessionId, 'cluster/direct', { to: peer.sessionId });
    await until(
      () => all.every((p) => p.of('cluster/direct').some((m) => m.to === p.sessionId)),
      'a direct notification at every session',
      15_000,
    );
  });

  test('the documents and the chat history, kept by the example in the cluster, are the same everywhere', async () => {
    const [alice, bob] = peers['streamable-http']!;
    const history = await readJSON<{ messages: Array<{ text: string }> }>(bob!, 'chat://general');
    assert.ok(history.messages.some((m) => m.text === 'hello, shards'));
    // Three edits through the proxy land on three instances; each rebases on the last.
    for (const [i, text] of ['one', 'two', 'three'].entries()) {
      const edited = await alice!.client.callTool({
        name: 'edit_document',
        arguments: { doc_id: 'sharded', operation: 'set', data: { base_version: i, text } },
      });
      assert.notEqual(edited.isError, true, textOf(edited));
    }
    const doc = await readJSON<{ version: number; content: string }>(bob!, 'doc://sharded');
    assert.deepEqual([doc.version, doc.content], [3, 'three']);
  });

  test('2026-07-28 listen streams hear the changes and events every instance makes', async (t) => {
    const listener = await connectModern(cluster.mcpUrl, 'listener');
    const editor = await connectModern(cluster.mcpUrl, 'editor');
    t.after(() => Promise.all([listener.client.close(), editor.client.close()]));
    const uris = ['doc://l1', 'doc://l2', 'doc://l3'];
    const chat: Array<Record<string, unknown>> = [];
    listener.client.fallbackNotificationHandler = async (n) => {
      if (n.method === 'chat_message') chat.push(n.params as Record<string, unknown>);
    };
    const filter = {
      resourceSubscriptions: uris,
      'dev.mcp-live/events': { methods: ['chat_message'], topics: ['live-topic://chat/general'] },
    };
    const subscription = await listener.client.listen(filter as never, { timeout: 5_000 });
    for (const id of ['l1', 'l2', 'l3']) await touchDocument(editor.client, id);
    for (const text of ['x', 'y', 'z']) {
      const sent = await editor.client.callTool({ name: 'send_message', arguments: { message: text } });
      assert.notEqual(sent.isError, true, textOf(sent));
    }
    await until(
      () => listener.updated.length === 3 && chat.length === 3,
      'three updates and three chat messages',
    );
    assert.deepEqual(listener.updated, uris);
    assert.deepEqual(
      chat.map((m) => m.text),
      ['x', 'y', 'z'],
    );
    await subscription.close();
  });
});
