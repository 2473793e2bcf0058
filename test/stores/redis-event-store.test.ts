import assert from 'node:assert/strict';
import { connect as connectTCP, createServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import type { RedisClientType } from 'redis';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { MemoryEventStore } from '../../src/stores/memory-event-store.ts';
import type { RedisClientLike } from '../../src/stores/redis-client.ts';
import { RedisEventStore, type RedisEventStoreOptions } from '../../src/stores/redis-event-store.ts';
import { eventStoreContract } from './event-store-contract.ts';
import { connectClient, nextEvent, redisForTests } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());
const skip = redis.skip;
let prefixes = 0;

function openStore(
  t: { after(fn: () => void): void },
  client: RedisClientType,
  options: Omit<RedisEventStoreOptions, 'client'> = {},
): RedisEventStore {
  const store = new RedisEventStore({
    client: client as unknown as RedisClientLike,
    prefix: `events-${++prefixes}`,
    onError: () => {},
    ...options,
  });
  t.after(() => store.close());
  return store;
}

const note = (n: number) => ({ jsonrpc: '2.0' as const, method: 'n', params: { n } });
const numbers = async (store: RedisEventStore, after: string) => {
  const seen: number[] = [];
  await store.replayAfter(after, (_, m) => seen.push((m as unknown as { params: { n: number } }).params.n));
  return seen;
};

eventStoreContract('MemoryEventStore', async (t, options) => {
  const store = new MemoryEventStore(options);
  t.after(() => store.clear());
  return store;
});

eventStoreContract(
  'RedisEventStore',
  async (t, options) => openStore(t, await connectClient(t, redis.server!.url), options),
  skip,
);

test('each stream is one Redis Stream, trimmed to about maxEventsPerStream and expiring maxAge after its last event', {
  skip,
}, async (t) => {
  const client = await connectClient(t, redis.server!.url);
  const store = openStore(t, client, { maxEventsPerStream: 10, maxAge: 60_000, prefix: 'trim' });
  const start = await store.lastEventId('s');
  for (let n = 1; n <= 500; n++) await store.append('s', note(n));
  const length = await client.xLen('trim:events:{s}');
  assert.ok(length >= 10 && length < 500, `XLEN ${length}`);
  const ttl = await client.pTTL('trim:events:{s}');
  assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
  assert.deepEqual(await numbers(store, start), [491, 492, 493, 494, 495, 496, 497, 498, 499, 500]);
});

test('an instance replays a stream that another instance wrote', { skip }, async (t) => {
  const url = redis.server!.url;
  const writer = openStore(t, await connectClient(t, url), { prefix: 'shared' });
  const reader = openStore(t, await connectClient(t, url), { prefix: 'shared' });
  const start = await writer.lastEventId('s');
  const first = await writer.append('s', note(1));
  await writer.append('s', note(2));
  assert.equal(await reader.lastEventId('s'), await writer.lastEventId('s'));
  assert.deepEqual(await numbers(reader, start), [1, 2]);
  assert.deepEqual(await numbers(reader, first), [2]);
});

test('a stream silent for maxAge is gone from Redis', { skip }, async (t) => {
  const client = await connectClient(t, redis.server!.url);
  const listener = await connectClient(t, redis.server!.url);
  const store = openStore(t, client, { maxAge: 200, prefix: 'age' });
  const expired = new Promise<void>((resolve) => {
    void listener.subscribe('__keyevent@0__:expired', (key) => {
      if (key === 'age:events:{s}') resolve();
    });
  });
  const start = await store.lastEventId('s');
  await store.append('s', note(1));
  await expired;
  assert.deepEqual(await numbers(store, start), []);
  assert.equal(await client.exists('age:events:{s}'), 0);
});

test('while Redis is away events are held here, still replayable, then written to Redis in order', {
  skip,
}, async (t) => {
  const server = redis.server!;
  const client = await connectClient(t, server.url);
  const errors: unknown[] = [];
  const store = new RedisEventStore({
    client: client as unknown as RedisClientLike,
    prefix: 'outage',
    onError: (error) => errors.push(error),
  });
  t.after(() => store.close());
  const start = await store.lastEventId('s');
  await store.append('s', note(1));
  const beforeOutage = await store.append('s', note(2));

  const down = nextEvent(client, 'reconnecting');
  await server.stop();
  await down;
  const held3 = await store.append('s', note(3));
  const held4 = await store.append('s', note(4));
  assert.match(held3, /^s_\d+$/, 'a held event has a local id');
  assert.equal(await store.lastEventId('s'), held4);
  assert.deepEqual(await numbers(store, beforeOutage), [3, 4]);
  assert.deepEqual(await numbers(store, held3), [4]);
  await assert.rejects(
    store.replayAfter(start, () => {}),
    (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'));
      assert.match(error.message, /cannot replay stream s after .*Redis.*unreachable/);
      return true;
    },
  );
  assert.equal(errors.length, 1, 'the outage is reported once');

  const up = nextEvent(client, 'ready');
  await server.start();
  await up;
  const five = await store.append('s', note(5));
  assert.match(five, /^s_\d+-\d+$/, 'an event in Redis has its entry id');
  // Redis came back empty: the held events went to it first, and their ids still resume.
  const other = openStore(t, await connectClient(t, server.url), { prefix: 'outage' });
  assert.deepEqual(await numbers(other, await other.lastEventId('none')), []);
  assert.deepEqual(await numbers(other, 's_0-0'), [3, 4, 5]);
  assert.deepEqual(await numbers(store, held3), [4, 5]);
  assert.deepEqual(await numbers(store, held4), [5]);

  // A second outage is reported again.
  const downAgain = nextEvent(client, 'reconnecting');
  await server.stop();
  await downAgain;
  assert.match(await store.append('s', note(6)), /^s_\d+$/);
  assert.equal(errors.length, 2);
  const upAgain = nextEvent(client, 'ready');
  await server.start();
  await upAgain;
});

/**
 * A TCP relay to Redis that can lose the answers to what is sent next and then break the connection:
 * Redis has done the work, the client never hears of it (an XADD in doubt).
 */
async function relayTo(port: number, t: { after(fn: () => void): void }) {
  let swallowing = false;
  const links = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connectTCP(port, '127.0.0.1');
    links.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!swallowing) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const link of links) link.destroy();
    relay.close();
  });
  return {
    url: `redis://127.0.0.1:${(relay.address() as { port: number }).port}`,
    /** From now on answers are lost; `breakLinks` then cuts every connection and lets answers through again. */
    swallow() {
      swallowing = true;
    },
    breakLinks() {
      for (const link of links) link.destroy();
      links.clear();
      swallowing = false;
    },
  };
}

test('an event whose XADD failed in doubt (Redis took it, the answer was lost) is in the stream once', {
  skip,
}, async (t) => {
  const relay = await relayTo(Number(new URL(redis.server!.url).port), t);
  const client = await connectClient(t, relay.url);
  const store = openStore(t, client, { prefix: 'doubt' });
  const start = await store.lastEventId('s');
  const one = await store.append('s', note(1));
  relay.swallow();
  const appending = store.append('s', note(2));
  // Redis has the entry; its answer never comes, and the link breaks.
  const direct = await connectClient(t, redis.server!.url);
  for (let i = 0; i < 100 && (await direct.xLen('doubt:events:{s}')) < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(await direct.xLen('doubt:events:{s}'), 2, 'Redis took the second XADD');
  const down = nextEvent(client, 'reconnecting');
  relay.breakLinks();
  await down;
  const held = await appending;
  assert.match(held, /^s_\d+$/, 'the event in doubt is held here, under a local id');
  const up = nextEvent(client, 'ready');
  await up;
  await store.append('s', note(3));
  assert.equal(await direct.xLen('doubt:events:{s}'), 3, 'the event in doubt was not added again');
  assert.deepEqual(await numbers(store, start), [1, 2, 3]);
  assert.deepEqual(await numbers(store, one), [2, 3]);
  assert.deepEqual(await numbers(store, held), [3]);
  const other = openStore(t, await connectClient(t, redis.server!.url), { prefix: 'doubt' });
  assert.deepEqual(await numbers(other, one), [2, 3], 'another instance replays it once too');
});

test('a stream that ended while Redis was away lets go of its held events endedStreamMaxAge later', {
  skip,
}, async (t) => {
  const server = redis.server!;
  const client = await connectClient(t, server.url);
  const store = openStore(t, client, { endedStreamMaxAge: 100 });
  await store.append('warm', note(0));
  const down = nextEvent(client, 'reconnecting');
  await server.stop();
  await down;
  try {
    const ended = await store.append('post-1', note(1));
    const running = await store.append('post-2', note(2));
    await store.streamEnded('post-1');
    assert.deepEqual(await numbers(store, 'post-1_0'), [1], 'held, and replayable, right after it ended');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await store.append('post-3', note(3));
    assert.deepEqual(await numbers(store, 'post-1_0'), [], 'its held event is gone');
    assert.deepEqual(await numbers(store, 'post-2_0'), [2], 'a stream that did not end keeps its own');
    assert.match(ended, /^post-1_\d+$/);
    assert.match(running, /^post-2_\d+$/);
  } finally {
    const up = nextEvent(client, 'ready');
    await server.start();
    await up;
  }
});

test('bad limits and prefixes are refused at construction', { skip }, async (t) => {
  const client = (await connectClient(t, redis.server!.url)) as unknown as RedisClientLike;
  assert.throws(() => new RedisEventStore({ client, maxEventsPerStream: 0 }), /maxEventsPerStream ≥ 1/);
  assert.throws(() => new RedisEventStore({ client, maxAge: 0 }), /maxAge > 0/);
  assert.throws(
    () => new RedisEventStore({ client, endedStreamMaxAge: -1 }),
    /RedisEventStore needs endedStreamMaxAge ≥ 0 \(got -1\)/,
  );
  assert.throws(() => new RedisEventStore({ client, prefix: 'a{b}' }), /must not contain/);
});

test('a stream that ended expires endedStreamMaxAge later; one still running keeps maxAge', {
  skip,
}, async (t) => {
  const client = await connectClient(t, redis.server!.url);
  const store = openStore(t, client, { maxAge: 60_000, endedStreamMaxAge: 1_000, prefix: 'ended' });
  const start = await store.lastEventId('post');
  await store.append('post', note(1));
  await store.append('get', note(2));
  await store.streamEnded('post');
  const ended = await client.pTTL('ended:events:{post}');
  assert.ok(ended > 0 && ended <= 1_000, `PTTL ${ended}`);
  const running = await client.pTTL('ended:events:{get}');
  assert.ok(running > 1_000 && running <= 60_000, `PTTL ${running}`);
  assert.deepEqual(await numbers(store, start), [1], 'still resumable until then');
  await store.streamEnded('never-written');
  assert.equal(await client.exists('ended:events:{never-written}'), 0);
});

test('streamEnded resolves, never rejects, when Redis is away, refuses or does not answer', async (t) => {
  const quiet = (sendCommand: () => Promise<unknown>, isReady = true) =>
    openStore(t, { isReady, isOpen: isReady, sendCommand, on() {}, off() {} } as unknown as RedisClientType, {
      commandTimeout: 50,
      endedStreamMaxAge: 1_000,
    });
  let sent = 0;
  const count = () => {
    sent++;
    return new Promise<never>(() => {});
  };
  assert.equal(await quiet(count, false).streamEnded('s'), undefined);
  assert.equal(sent, 0, 'nothing is sent while the client reconnects');
  assert.equal(await quiet(count).streamEnded('s'), undefined, 'an unanswered PEXPIRE times out');
  assert.equal(sent, 1);
  const refused = quiet(() => Promise.reject(new Error('ERR syntax error')));
  assert.equal(await refused.streamEnded('s'), undefined);
});
