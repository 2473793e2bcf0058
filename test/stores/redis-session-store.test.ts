import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { RedisClientType } from 'redis';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { SessionRecord } from '../../src/server/session-store.ts';
import type { RedisClientLike } from '../../src/stores/redis-client.ts';
import { RedisSessionStore, type RedisSessionStoreOptions } from '../../src/stores/redis-session-store.ts';
import { connectClient, deferred, nextEvent, redisForTests } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());
const skip = redis.skip;
let prefixes = 0;

function openStore(
  t: { after(fn: () => Promise<void>): void },
  client: RedisClientType,
  options: Omit<RedisSessionStoreOptions, 'client'> = {},
): RedisSessionStore {
  const store = new RedisSessionStore({
    client: client as unknown as RedisClientLike,
    onError: () => {},
    ...options,
  });
  t.after(() => store.close());
  return store;
}

const record = (id: string, extra: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  transport: 'streamable-http',
  createdAt: 1_700_000_000_000,
  lastActivity: 1_700_000_000_500,
  ...extra,
});

/** Resolves when Redis expires `key` (keyspace notifications are on in the test server). */
async function expiryOf(t: { after(fn: () => Promise<void>): void }, key: string) {
  const listener = await connectClient(t, redis.server!.url);
  const expired = deferred(15_000, `expiry of ${key}`);
  await listener.subscribe('__keyevent@0__:expired', (k) => {
    if (k === key) expired.resolve();
  });
  return { expired: expired.promise };
}

test('records are created, read by any instance, patched and deleted', { skip }, async (t) => {
  const prefix = `crud-${++prefixes}`;
  const a = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  const principal = { sub: 'user-1', scopes: ['read', 'write'], nested: { n: 1 } };
  await a.create(record('s1', { owner: 'A', principal, protocolVersion: '2025-11-25' }));
  await b.create(record('s2'));

  assert.deepEqual(await b.get('s1'), record('s1', { owner: 'A', principal, protocolVersion: '2025-11-25' }));
  assert.deepEqual(await a.get('s2'), record('s2'));
  assert.equal(await a.get('missing'), undefined);

  await a.update('s2', { lastActivity: 1_800_000_000_000, principal: 'someone' });
  assert.deepEqual(
    await b.get('s2'),
    record('s2', { lastActivity: 1_800_000_000_000, principal: 'someone' }),
  );
  await b.update('missing', { lastActivity: 1 });
  assert.equal(await a.get('missing'), undefined, 'a patch never creates a record');

  await b.delete('s1');
  await a.delete('s2');
  assert.equal(await a.get('s1'), undefined);
  assert.equal(await b.get('s2'), undefined);
});

test("a record's owner counts only while its heartbeat lives", { skip }, async (t) => {
  const prefix = `beat-${++prefixes}`;
  const clientA = await connectClient(t, redis.server!.url);
  const a = openStore(t, clientA, { prefix, heartbeatTtl: 300 });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix, heartbeatTtl: 300 });
  await a.create(record('s1', { owner: 'A' }));
  await a.heartbeat();
  assert.equal((await b.get('s1'))?.owner, 'A');
  assert.equal(await b.isAlive('A'), true);

  const { expired } = await expiryOf(t, `${prefix}:instance:{A}:alive`);
  clientA.destroy(); // A crashes: no more heartbeats, nothing cleaned up.
  await expired;
  const orphan = await b.get('s1');
  assert.ok(orphan !== undefined, 'the record outlives its owner');
  assert.equal(orphan.owner, undefined);
  assert.equal(await b.isAlive('A'), false);
});

test('closing a store ends its ownership without waiting for the heartbeat to expire', {
  skip,
}, async (t) => {
  const prefix = `close-${++prefixes}`;
  const a = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  await a.create(record('s1', { owner: 'A' }));
  await a.heartbeat();
  assert.equal((await a.get('s1'))?.owner, 'A');
  await a.close();
  // b had not looked before (a store trusts a live heartbeat it saw for one heartbeatInterval).
  assert.equal((await b.get('s1'))?.owner, undefined);
});

test('a sweep deletes the records of instances silent for longer than the grace period', {
  skip,
}, async (t) => {
  const prefix = `sweep-${++prefixes}`;
  const client = await connectClient(t, redis.server!.url);
  const a = openStore(t, client, { prefix });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix, orphanGracePeriod: 0 });
  const c = openStore(t, await connectClient(t, redis.server!.url), { prefix, orphanGracePeriod: 60_000 });
  for (const id of ['s1', 's2', 's3']) await a.create(record(id, { owner: 'A' }));
  await b.create(record('b1', { owner: 'B' }));
  await a.heartbeat();
  assert.equal(await b.sweepOrphans(), 0, 'nothing to sweep while A beats');
  await a.close();
  assert.equal(await c.sweepOrphans(), 0, 'within the grace period nothing goes');
  assert.equal(await b.sweepOrphans(), 3);
  for (const id of ['s1', 's2', 's3']) assert.equal(await b.get(id), undefined);
  assert.equal((await b.get('b1'))?.owner, 'B', "the sweeper's own records stay");
  assert.deepEqual(await client.sMembers(`${prefix}:instances`), ['B']);
});

test('while Redis is away own records keep working; once it is back they are written again', {
  skip,
}, async (t) => {
  const server = redis.server!;
  const prefix = `outage-${++prefixes}`;
  const clientA = await connectClient(t, server.url);
  const errors: unknown[] = [];
  const recovered = deferred(15_000, 'recovery of store A');
  const a = openStore(t, clientA, {
    prefix,
    onError: (error) => errors.push(error),
    onRecovered: () => recovered.resolve(),
  });
  await a.create(record('kept', { owner: 'A' }));
  await a.create(record('dropped', { owner: 'A' }));
  await a.heartbeat();

  const down = nextEvent(clientA, 'reconnecting');
  await server.stop();
  await down;
  await a.create(record('new', { owner: 'A', principal: 'p' }));
  await a.update('kept', { lastActivity: 42 });
  await a.delete('dropped');
  assert.equal((await a.get('kept'))?.lastActivity, 42);
  await assert.rejects(a.get('someone-else'), (error: unknown) => {
    assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'));
    assert.match(error.message, /RedisSessionStore: Redis is unreachable.*HGETALL/);
    return true;
  });
  assert.equal(errors.length, 1, 'the outage is reported once');

  await server.start(); // empty: nothing was persisted
  await recovered.promise;
  const b = openStore(t, await connectClient(t, server.url), { prefix });
  assert.deepEqual(await b.get('kept'), record('kept', { owner: 'A', lastActivity: 42 }));
  assert.deepEqual(await b.get('new'), record('new', { owner: 'A', principal: 'p' }));
  assert.equal(await b.get('dropped'), undefined);
});

test('bad heartbeat settings are refused at construction', { skip }, async (t) => {
  const client = (await connectClient(t, redis.server!.url)) as unknown as RedisClientLike;
  assert.throws(() => new RedisSessionStore({ client, heartbeatTtl: 0 }), /heartbeatInterval < heartbeatTtl/);
  assert.throws(
    () => new RedisSessionStore({ client, heartbeatTtl: 1_000, heartbeatInterval: 1_000 }),
    /0 < heartbeatInterval < heartbeatTtl/,
  );
});

test('a session is claimed only from a gone holder, and once', { skip }, async (t) => {
  const prefix = `claim-${++prefixes}`;
  const a = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  const c = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  await a.create(record('s1', { owner: 'A', logLevel: 'debug', streamKey: 'k1' }));
  await a.heartbeat();
  assert.equal(await b.claim('s1', 'B'), false, 'A is alive: nobody may claim without naming it gone');
  assert.equal(await b.claim('s1', 'B', 'X'), false, 'the holder is A, not X');
  assert.equal(await b.claim('nope', 'B', 'A'), false, 'no such session');

  const [first, second] = await Promise.all([b.claim('s1', 'B', 'A'), c.claim('s1', 'C', 'A')]);
  assert.equal([first, second].filter(Boolean).length, 1, 'exactly one instance takes it over');
  const winner = first ? 'B' : 'C';
  const taken = await a.get('s1');
  assert.equal(taken?.owner, winner);
  assert.equal(taken?.logLevel, 'debug');
  assert.equal(taken?.streamKey, 'k1');
});

test('an instance cut off from Redis does not write back a session another instance took over', {
  skip,
}, async (t) => {
  const prefix = `takeover-${++prefixes}`;
  const a = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  await a.create(record('s1', { owner: 'A' }));
  await a.create(record('s2', { owner: 'A' }));
  const lost: string[] = [];
  a.onOwnershipLost((id) => lost.push(id));
  assert.equal(await b.claim('s1', 'B', 'A'), true);
  // A's heartbeat lapsed meanwhile (as after a network cut): its next beat writes its records back.
  const admin = await connectClient(t, redis.server!.url);
  await admin.del(`${prefix}:instance:{A}:alive`);
  await a.heartbeat(); // first beat after the lapse: finds the key gone…
  await a.heartbeat();
  assert.equal((await b.get('s1'))?.owner, 'B', 's1 stays with B');
  assert.equal((await b.get('s2'))?.owner, 'A', 's2 is still A’s');
  assert.equal(a.ownedCount, 1, 'A no longer keeps s1 as its own');
  assert.deepEqual(lost, ['s1'], 'A was told, so that its server lets go of its copy');
});

test('after any reconnection an instance checks its records, and lets go of the ones claimed meanwhile', {
  skip,
}, async (t) => {
  const prefix = `reconnect-${++prefixes}`;
  const clientA = await connectClient(t, redis.server!.url);
  const a = openStore(t, clientA, { prefix });
  const b = openStore(t, await connectClient(t, redis.server!.url), { prefix });
  await a.create(record('s1', { owner: 'A' }));
  await a.heartbeat();
  const lost = deferred<string>(15_000, 'A to hear that s1 was claimed');
  a.onOwnershipLost(lost.resolve);
  // A short cut (well within the heartbeat TTL): B found A unreachable and claimed s1.
  assert.equal(await b.claim('s1', 'B', 'A'), true);
  const id = await clientA.sendCommand(['CLIENT', 'ID']);
  const admin = await connectClient(t, redis.server!.url);
  await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
  assert.equal(await lost.promise, 's1');
  assert.equal((await b.get('s1'))?.owner, 'B');
});
