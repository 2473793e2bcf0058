// A Redis Cluster primary killed (SIGKILL) under the stores: commands on its slots fail at once with an
// error naming the node while the other primaries keep serving (cluster-require-full-coverage no);
// once its replica is promoted, the bus, the session store and the event store resume by themselves,
// and nothing they acknowledged is lost.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import { isMcpLiveError, type McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { BusMessage } from '../../src/server/message-bus.ts';
import type { SessionRecord } from '../../src/server/session-store.ts';
import { connectRedis, type RedisStores } from '../../src/stores/redis-connect.ts';
import { keySlot } from '../../src/stores/redis-key-slot.ts';
import { type ClusterNodeInfo, redisClusterForTests } from './redis-cluster.ts';

const redis = await redisClusterForTests({ requireFullCoverage: false });
after(() => redis.cluster?.close());
const PREFIX = 'fo';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'n', params: { n } });
const record = (id: string, owner: string): SessionRecord => ({
  id,
  transport: 'streamable-http',
  createdAt: 1,
  lastActivity: 1,
  owner,
});

/** The first `make(i)` whose key lives on the primary `on` (or, with `not`, on any other). */
function nameOn(primaries: ClusterNodeInfo[], port: number, key: (name: string) => string, not = false) {
  const servedBy = (slot: number) =>
    primaries.find((p) => p.slots.some(([a, b]) => slot >= a && slot <= b))?.port;
  for (let i = 0; i < 10_000; i++) {
    const name = `n${i}`;
    if ((servedBy(keySlot(key(name))) === port) !== not) return name;
  }
  throw new Error(`no name found for primary ${port}`);
}

describe('a Redis Cluster primary killed under the stores', { skip: redis.skip, timeout: 60_000 }, () => {
  let a: RedisStores;
  let b: RedisStores;
  const errors: McpLiveError[] = [];
  let recoveries = 0;
  let victim = 0;
  const names = { stream: '', other: '', session: '', otherSession: '', late: '', instance: '' };
  const heard: BusMessage[] = [];
  const ids: string[] = [];
  let killedAt = 0;

  before(async () => {
    const primaries = (await redis.cluster!.topology()).filter((n) => n.role === 'primary');
    victim = primaries[0]!.port;
    names.stream = nameOn(primaries, victim, (n) => `${PREFIX}:events:{${n}}`);
    names.other = nameOn(primaries, victim, (n) => `${PREFIX}:events:{${n}}`, true);
    names.session = nameOn(primaries, victim, (n) => `${PREFIX}:session:{${n}}`);
    names.otherSession = nameOn(primaries, victim, (n) => `${PREFIX}:session:{${n}}`, true);
    names.late = nameOn(primaries, victim, (n) => `${PREFIX}:session:{late-${n}}`);
    names.late = `late-${names.late}`;
    names.instance = nameOn(primaries, victim, (n) => `${PREFIX}:bus:{${n}}`);
    a = await connectRedis({
      cluster: redis.cluster!.urls,
      prefix: PREFIX,
      onError: (error) => errors.push(error),
      onRecovered: () => recoveries++,
    });
    b = await connectRedis({ cluster: redis.cluster!.urls, prefix: PREFIX, onError: () => {} });
    await a.messageBus.subscribe(names.instance, (m) => void heard.push(m));
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  test('before the kill, every store works on every primary', async () => {
    for (let n = 1; n <= 3; n++) ids.push(await a.eventStore.append(names.stream, note(n)));
    await a.sessionStore.create(record(names.session, 'A'));
    await a.sessionStore.create(record(names.otherSession, 'A'));
    await b.messageBus.publishToSession(names.instance, 's', note(0));
    assert.equal((await b.sessionStore.get(names.session))?.owner, 'A');
  });

  test('after the kill, commands on its slots fail at once naming the node; the other slots work', async () => {
    await redis.cluster!.node(victim).stop('SIGKILL');
    killedAt = Date.now();
    const started = performance.now();
    await assert.rejects(b.sessionStore.get(names.session), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'), String(error));
      assert.match(
        error.message,
        new RegExp(
          `the Redis Cluster node that serves slot \\d+ \\(127\\.0\\.0\\.1:${victim}\\) is unreachable`,
        ),
      );
      return true;
    });
    await assert.rejects(b.messageBus.publishToSession(names.instance, 's', note(-1)), (error: unknown) =>
      isMcpLiveError(error, 'STORE_UNAVAILABLE'),
    );
    // The owner answers from its own copy, and opens new sessions; events are held here meanwhile.
    assert.equal((await a.sessionStore.get(names.session))?.owner, 'A');
    await a.sessionStore.create(record(names.late, 'A'));
    ids.push(await a.eventStore.append(names.stream, note(4)));
    assert.ok(performance.now() - started < 1_000, 'none of them waited');
    // Other primaries' slots are served throughout.
    assert.equal((await b.sessionStore.get(names.otherSession))?.owner, 'A');
    await b.eventStore.append(names.other, note(100));
    assert.equal(
      errors.filter((e) => e.code === 'STORE_UNAVAILABLE').length >= 1,
      true,
      'the outage was reported',
    );
  });

  test('once its replica is promoted, the bus, the records and the events resume with nothing lost', async (t) => {
    let delivered = 0;
    while (delivered === 0) {
      assert.ok(Date.now() - killedAt < 30_000, 'the bus works again within 30 s');
      try {
        await b.messageBus.publishToSession(names.instance, 's', note(5));
        delivered = Date.now() - killedAt;
      } catch {
        await delay(50);
      }
    }
    t.diagnostic(
      `a message to a channel on the killed primary's slots was delivered again ${delivered} ms after the kill`,
    );
    // The event held during the outage reaches Redis once A's client finds the new primary: any
    // instance replays it.
    const replay = async () => {
      const seen: number[] = [];
      await b.eventStore.replayAfter(ids[0]!, (_, m) =>
        seen.push((m as unknown as { params: { n: number } }).params.n),
      );
      return seen;
    };
    for (let attempt = 0; (await replay().catch(() => [])).length < 3; attempt++) {
      assert.ok(attempt < 200, 'the held event is written to Redis within 20 s');
      await delay(100);
    }
    ids.push(await a.eventStore.append(names.stream, note(5)));
    assert.deepEqual(
      await replay(),
      [2, 3, 4, 5],
      'every event, the one held during the outage included, in order',
    );
    for (let attempt = 0; ; attempt++) {
      const late = await b.sessionStore.get(names.late).catch(() => undefined);
      if (late?.owner === 'A') break;
      assert.ok(attempt < 100, 'the record opened during the outage is written back');
      await delay(100);
    }
    assert.equal((await b.sessionStore.get(names.session))?.owner, 'A');
    assert.ok(recoveries >= 1, 'onRecovered was told');
    await delay(100);
    assert.deepEqual(
      heard.map((m) =>
        m.type === 'session' ? (m.message as unknown as { params: { n: number } }).params.n : m.type,
      ),
      [0, 5],
      'the instance heard what was sent before the kill and after the takeover',
    );
  });
});
