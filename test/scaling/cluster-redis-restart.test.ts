// redis-server stops under three running instances and comes back empty (nothing is persisted): while it
// is away, clients connected straight to an instance keep working, and requests the proxy sends to an
// instance that would have to route them end promptly; once it is back, routing resumes by itself and the
// sessions opened before the outage work again through the proxy.
// Then a redis-server with persistence on (appendonly yes, appendfsync always) is killed (SIGKILL) in the
// middle of traffic and restarted: it comes back with what it acknowledged, so sessions keep their
// holders, every request gets an answer or an error, every acknowledged notification arrives (streams
// resume from the event store), and a 2026-07-28 listen stream hears what happens after.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { McpServer } from '../../src/index.ts';
import { connectRedis, type RedisStores } from '../../src/redis.ts';
import { redisForTests } from '../stores/redis-server.ts';
import {
  type Cluster,
  type ClusterPeer,
  eventually,
  jsonOf,
  readJSON,
  spreadPeers,
  startCluster,
  until,
  WIRES,
  withTimeout,
} from './cluster-harness.ts';
import { connectModern, type Modern, touchDocument } from './modern-clients.ts';
import { startTraffic, type Traffic } from './traffic.ts';

const redis = await redisForTests();
after(() => redis.server?.close());
const persisted = await redisForTests({ appendonly: true });
after(() => persisted.server?.close());

/**
 * A tool call with progress, a resource read and a chat message the caller hears itself; while Redis is
 * away, the chat message still goes out, and the sender is told at once that it is not in the history.
 */
async function localWork(peer: ClusterPeer, tag: string, redisUp = true): Promise<void> {
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
  assert.deepEqual(progress, [1, 2, 3], `progress of ${peer.wire} session ${peer.sessionId} (${tag})`);
  const metrics = await readJSON<{ cpu?: unknown }>(peer, 'metrics://current');
  assert.equal(typeof metrics.cpu, 'number');
  const started = performance.now();
  const sent = await peer.client.callTool({
    name: 'send_message',
    arguments: { message: tag, channel: tag },
  });
  const answer = jsonOf<{ saved: boolean; note?: string }>(sent);
  if (!redisUp) {
    // The message still reaches this instance's sessions; the sender is told it is not in the history.
    assert.equal(answer.saved, false, `${tag}: a chat message cannot be stored while Redis is away`);
    assert.match(
      answer.note ?? '',
      /not kept in the history .*Redis is unreachable, so EVAL on mcp-live-example:chat:\{/,
    );
    assert.ok(performance.now() - started < 2_000, `${tag}: the chat store failed at once`);
  } else assert.equal(answer.saved, true);
  await until(() => peer.of('chat_message').some((m) => m.text === tag), `${tag} back at its sender`);
}

interface Outcome {
  peer: ClusterPeer;
  outcome: string;
}

/** Every client asks tools/list again and again for `ms`; each answer, or `unanswered` after 8 s. */
async function askRepeatedly(peers: ClusterPeer[], ms: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const end = Date.now() + ms;
  await Promise.all(
    peers.map(async (peer) => {
      while (Date.now() < end) {
        const outcome = await peer.client.listTools(undefined, { timeout: 8_000 }).then(
          () => 'ok',
          (error: Error) => (/timed out/i.test(error.message) ? 'unanswered' : `error: ${error.message}`),
        );
        outcomes.push({ peer, outcome });
        await delay(50);
      }
    }),
  );
  return outcomes;
}

const unanswered = (outcomes: Outcome[]) =>
  outcomes.filter((o) => o.outcome === 'unanswered').map((o) => `${o.peer.wire} ${o.peer.sessionId}`);

describe('redis-server stops and restarts under three instances', {
  skip: redis.skip,
  timeout: 180_000,
}, () => {
  let cluster: Cluster;
  const direct: ClusterPeer[] = [];
  const proxied: ClusterPeer[] = [];

  before(async () => {
    cluster = await startCluster(redis.server!.url);
    for (const wire of WIRES) proxied.push(...(await spreadPeers(cluster, wire, 1)));
    for (const instance of cluster.instances) {
      for (const wire of WIRES) direct.push(await cluster.connect(wire, instance.origin));
    }
  });

  after(() => cluster?.close());

  test('before the outage, every client works', async () => {
    await Promise.all([...direct, ...proxied].map((p, i) => localWork(p, `before-${i}`)));
  });

  test('while Redis is away, sessions on the instance a client talks to keep working', async () => {
    await redis.server!.stop();
    // The first call of each session may wait for a Redis command that was on its way when Redis went
    // (up to commandTimeout, 5 s; see the report of issue 7), so it only has to succeed in time.
    await Promise.all(
      direct.map((p, i) =>
        withTimeout(
          p.client.callTool({ name: 'stream_data', arguments: { count: 1, source: 'sequence' } }),
          15_000,
          `first call of direct client ${i}`,
        ),
      ),
    );
    await Promise.all(
      direct.map((p, i) => withTimeout(localWork(p, `during-${i}`, false), 20_000, `direct client ${i}`)),
    );
    // New sessions open too; the instance writes their records once Redis is back.
    const late = await cluster.connect('streamable-http', cluster.instances[0]!.origin);
    await localWork(late, 'during-late', false);
  });

  test('while Redis is away, a request that needs routing fails promptly with an error', async () => {
    const outcomes = await askRepeatedly(proxied, 3_000);
    assert.deepEqual(unanswered(outcomes), [], 'every request was answered');
    assert.ok(
      outcomes.some((o) => o.outcome.startsWith('error')),
      `requests through the proxy reach instances that do not hold their session: ${outcomes.map((o) => o.outcome).join('; ')}`,
    );
  });

  test('once Redis is back (empty), no request through the proxy goes unanswered', async () => {
    await redis.server!.start();
    const outcomes = await askRepeatedly(proxied, 3_000);
    assert.deepEqual(unanswered(outcomes), [], 'every request was answered, with a result or an error');
  });

  test('once Redis is back, routing resumes by itself and every client works again', async () => {
    // Recovered once three requests in a row, one on each instance, get through.
    for (const peer of proxied) {
      await eventually(
        async () => {
          for (let i = 0; i < 3; i++) await peer.client.listTools(undefined, { timeout: 5_000 });
        },
        30_000,
        `tools/list of ${peer.wire} ${peer.sessionId} on every instance`,
      );
    }
    await Promise.all([...direct, ...proxied].map((p, i) => localWork(p, `after-${i}`)));
    for (const peer of proxied) {
      const owner = await cluster.ownerOf(peer.sessionId);
      assert.ok(owner !== undefined, `the record of ${peer.sessionId} was written back`);
    }

    const everyone = cluster.peers;
    jsonOf(await proxied[0]!.client.callTool({ name: 'send_message', arguments: { message: 'back again' } }));
    await until(
      () => everyone.every((p) => p.of('chat_message').some((m) => m.text === 'back again')),
      'the broadcast after recovery at every session on every instance',
      15_000,
    );
  });
});

describe('redis-server with appendonly yes killed (SIGKILL) mid-traffic and restarted', {
  skip: persisted.skip,
  timeout: 180_000,
}, () => {
  let cluster: Cluster;
  let stores: RedisStores;
  let worker: McpServer;
  let traffic: Traffic;
  let listener: Modern;
  let editor: Modern;
  const owners = new Map<string, string | undefined>();
  let killedAt = 0;
  let restartedAt = 0;

  before(async () => {
    const url = persisted.server!.url;
    cluster = await startCluster(url);
    stores = await connectRedis({ url, onError: () => {} });
    worker = new McpServer(
      { name: 'worker', version: '1.0.0' },
      { instanceId: 'worker', sessionStore: stores.sessionStore, messageBus: stores.messageBus },
    );
    await stores.messageBus.listening();
    const peers = [
      ...(await spreadPeers(cluster, 'streamable-http', 1)),
      ...(await spreadPeers(cluster, 'sse', 1)),
    ];
    for (const peer of peers) owners.set(peer.sessionId, await cluster.ownerOf(peer.sessionId));
    listener = await connectModern(cluster.mcpUrl, 'listener');
    editor = await connectModern(cluster.mcpUrl, 'editor');
    await listener.client.listen(
      { resourceSubscriptions: ['doc://r1', 'doc://r2', 'doc://r3'] },
      { timeout: 5_000 },
    );
    jsonOf(
      await peers[0]!.client.callTool({ name: 'send_message', arguments: { message: 'before the kill' } }),
    );

    traffic = startTraffic(worker, peers);
    await traffic.more(10, '10 numbers to every session');
    await persisted.server!.stop('SIGKILL');
    killedAt = Date.now();
    await delay(1_000);
    await persisted.server!.start();
    restartedAt = Date.now();
    await traffic.more(10, '10 more numbers to every session after the restart');
    await traffic.stop();
  });

  after(async () => {
    await Promise.all([listener?.client.close(), editor?.client.close()].map((p) => p?.catch(() => {})));
    await cluster?.close();
    await worker?.close();
    await stores?.close();
  });

  test('session records survived with their holders: no session was taken over', async (t) => {
    t.diagnostic(`redis-server was down for ${restartedAt - killedAt} ms (killed, then restarted 1 s later)`);
    for (const line of traffic.failures(restartedAt, 'the restart')) t.diagnostic(line);
    const refused = Math.max(0, ...traffic.tracked.map((x) => x.refusedAt - restartedAt));
    t.diagnostic(`the worker's last refused notify was ${refused} ms after the restart`);
    for (const [sessionId, owner] of owners) assert.equal(await cluster.ownerOf(sessionId), owner, sessionId);
  });

  test('every request got an answer or an error, never silence', () => {
    assert.deepEqual(traffic.unanswered(killedAt), []);
    assert.ok(traffic.outcomes.filter((o) => o.outcome === 'ok').length > 50, 'requests kept flowing');
  });

  test('every number the worker’s notify acknowledged arrived, in order, once (twice only if a try failed in doubt)', () => {
    assert.deepEqual(traffic.missing(killedAt), []);
  });

  test('the chat history written before the kill is still there, and a listen stream hears what happens after', async () => {
    const history = await readJSON<{ messages: Array<{ text: string }> }>(
      traffic.tracked[1]!.peer,
      'chat://general',
    );
    assert.ok(history.messages.some((m) => m.text === 'before the kill'));
    for (const id of ['r1', 'r2', 'r3']) await touchDocument(editor.client, id);
    await until(() => listener.updated.length === 3, 'three resources/updated on the listen stream', 15_000);
    assert.deepEqual(listener.updated, ['doc://r1', 'doc://r2', 'doc://r3']);
  });
});
