import assert from 'node:assert/strict';
import { after, describe, type TestContext, test } from 'node:test';
import type { JSONRPCMessage } from '../../src/protocol/jsonrpc.ts';
import type { McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { BusMessage } from '../../src/server/message-bus.ts';
import type { RedisClientLike } from '../../src/stores/redis-client.ts';
import { RedisMessageBus } from '../../src/stores/redis-message-bus.ts';
import { type Instance, memoryPair, methodOf, openRecorded, redisInstance } from './redis-fan-out.ts';
import { closeClient, connectClient, deferred, redisForTests } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());
const skip = redis.skip;
let prefixes = 0;

const note = (method: string): JSONRPCMessage => ({ jsonrpc: '2.0', method });

/** A bus listening as `instanceId` whose deliveries are recorded, with its own connections. */
async function listeningBus(t: TestContext, prefix: string, instanceId: string) {
  const client = await connectClient(undefined, redis.server!.url);
  const errors: McpLiveError[] = [];
  let onError: ((error: McpLiveError) => void) | undefined;
  const bus = new RedisMessageBus({
    client: client as unknown as RedisClientLike,
    prefix,
    onError: (error) => {
      errors.push(error);
      onError?.(error);
    },
  });
  const reported = () => {
    if (errors[0] !== undefined) return Promise.resolve(errors[0]);
    const first = deferred<McpLiveError>(15_000, `an error reported by bus ${instanceId}`);
    onError = first.resolve;
    return first.promise;
  };
  t.after(async () => {
    await bus.close();
    await closeClient(client);
  });
  const got: BusMessage[] = [];
  const waiting: Array<(m: BusMessage) => void> = [];
  const unsubscribe = await bus.subscribe(instanceId, (message) => {
    got.push(message);
    waiting.shift()?.(message);
  });
  const next = () => {
    const message = deferred<BusMessage>(15_000, `a message to ${instanceId}`);
    waiting.push(message.resolve);
    return message.promise;
  };
  return { bus, client, got, next, unsubscribe, errors, reported };
}

describe('RedisMessageBus', { skip }, () => {
  test('a message for a session goes to the instance that holds it, and no other', async (t) => {
    const prefix = `bus-${++prefixes}`;
    const [x, y, z] = await Promise.all([
      listeningBus(t, prefix, 'X'),
      listeningBus(t, prefix, 'Y'),
      listeningBus(t, prefix, 'Z'),
    ]);
    const atY = y.next();
    const atX = x.next();
    const atZ = z.next();
    await x.bus.publishToSession('Y', 's1', note('for-y'));
    // Fences: each channel delivers in order, so a stray copy would have arrived before them.
    await y.bus.publishToSession('X', 'sx', note('fence'));
    await y.bus.publishToSession('Z', 'sz', note('fence'));
    assert.deepEqual(await atY, { type: 'session', sessionId: 's1', message: note('for-y') });
    assert.deepEqual(await atX, { type: 'session', sessionId: 'sx', message: note('fence') });
    assert.deepEqual(await atZ, { type: 'session', sessionId: 'sz', message: note('fence') });
  });

  test('relay payloads reach the instance named, in order; one that does not listen is gone', async (t) => {
    const prefix = `bus-${++prefixes}`;
    const [x, y] = await Promise.all([listeningBus(t, prefix, 'X'), listeningBus(t, prefix, 'Y')]);
    const first = y.next();
    const rest = [y.next(), y.next()];
    for (let n = 0; n < 3; n++) await x.bus.relay('Y', { k: 'data', x: 'X/1', chunk: `c${n}` });
    const got = [await first, ...(await Promise.all(rest))];
    assert.deepEqual(
      got.map((m) => (m.type === 'relay' ? m.payload.chunk : m.type)),
      ['c0', 'c1', 'c2'],
    );
    const gone = await x.bus.relay('Z', { k: 'ping', x: '-' }).catch((error: unknown) => error);
    assert.ok(isMcpLiveError(gone, 'INSTANCE_GONE'), String(gone));
    assert.match((gone as Error).message, /Instance "Z" does not listen/);
  });

  test('a broadcast reaches every instance but its origin, with its selector', async (t) => {
    const prefix = `bus-${++prefixes}`;
    const [x, y, z] = await Promise.all([
      listeningBus(t, prefix, 'X'),
      listeningBus(t, prefix, 'Y'),
      listeningBus(t, prefix, 'Z'),
    ]);
    const atY = y.next();
    const atZ = z.next();
    const atX = x.next();
    await x.bus.broadcast('X', note('all'), { subscribedTo: 'file:///a' });
    await y.bus.broadcast('Y', note('fence'));
    const sent = {
      type: 'broadcast',
      origin: 'X',
      message: note('all'),
      selector: { subscribedTo: 'file:///a' },
    };
    assert.deepEqual(await atY, sent);
    assert.deepEqual(await atZ, sent);
    assert.deepEqual(await atX, { type: 'broadcast', origin: 'Y', message: note('fence') });
  });

  test('a session whose instance does not listen is not found, by name', async (t) => {
    const prefix = `bus-${++prefixes}`;
    const x = await listeningBus(t, prefix, 'X');
    const y = await listeningBus(t, prefix, 'Y');
    await y.unsubscribe();
    await assert.rejects(x.bus.publishToSession('Y', 's9', note('lost')), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'SESSION_NOT_FOUND'));
      assert.match(error.message, /Session "s9" is held by instance "Y", which does not listen/);
      return true;
    });
    assert.equal(y.got.length, 0);
  });

  test('a message that is not a bus message is reported and dropped', async (t) => {
    const prefix = `bus-${++prefixes}`;
    const x = await listeningBus(t, prefix, 'X');
    const raw = await connectClient(t, redis.server!.url);
    await raw.sPublish(`${prefix}:bus:{X}`, 'not json');
    const error = await x.reported();
    assert.ok(isMcpLiveError(error, 'UNEXPECTED_MESSAGE'));
    assert.match(error.message, /dropped a message on channel bus-\d+:bus:\{X\} that is not a bus message/);
    assert.equal(x.got.length, 0);
  });
});

type Pair = (t: TestContext) => Promise<[Instance, Instance]>;

const pairs: Array<[string, Pair, string | false]> = [
  ['MemoryMessageBus (one process)', memoryPair, false],
  [
    'RedisMessageBus',
    async (t) => {
      const prefix = `pair-${++prefixes}`;
      const url = redis.server!.url;
      return [await redisInstance(t, url, 'A', { prefix }), await redisInstance(t, url, 'B', { prefix })];
    },
    skip,
  ],
];

for (const [name, pair, skipPair] of pairs) {
  describe(`McpServer across instances: ${name}`, { skip: skipPair }, () => {
    test('server.notify reaches a session held by the other instance', async (t) => {
      const [a, b] = await pair(t);
      const atB = await openRecorded(b.server);
      const atA = await openRecorded(a.server);
      await a.server.notify(atB.session.id, 'notifications/message', { level: 'info', data: 'hi' });
      assert.deepEqual(await atB.next(), {
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'info', data: 'hi' },
      });
      await b.server.notify(atA.session.id, 'from-b');
      assert.equal(methodOf(await atA.next()), 'from-b');
      assert.deepEqual(a.errors, []);
    });

    test('server.broadcast reaches the initialized sessions of every instance and counts its own', async (t) => {
      const [a, b] = await pair(t);
      const a1 = await openRecorded(a.server);
      const aNew = await openRecorded(a.server, false);
      const b1 = await openRecorded(b.server);
      const bNew = await openRecorded(b.server, false);
      assert.equal(await a.server.broadcast('everyone', { n: 1 }), 1);
      assert.deepEqual(await b1.next(), { jsonrpc: '2.0', method: 'everyone', params: { n: 1 } });
      assert.equal(methodOf(await a1.next()), 'everyone');
      bNew.session.protocolVersion = '2025-11-25';
      await a.server.broadcast('fence');
      assert.equal(methodOf(await bNew.next()), 'fence', 'the uninitialized session got nothing before');
      assert.deepEqual(aNew.sent, []);
    });

    test('resourceUpdated reaches the subscribed sessions of every instance only', async (t) => {
      const [a, b] = await pair(t);
      const b1 = await openRecorded(b.server);
      const b2 = await openRecorded(b.server);
      const a1 = await openRecorded(a.server);
      b1.session.subscriptions.add('file:///x');
      a1.session.subscriptions.add('file:///x');
      assert.equal(await a.server.resourceUpdated('file:///x'), 1);
      const updated = {
        jsonrpc: '2.0',
        method: 'notifications/resources/updated',
        params: { uri: 'file:///x' },
      };
      assert.deepEqual(await b1.next(), updated);
      assert.deepEqual(await a1.next(), updated);
      await a.server.broadcast('fence');
      assert.equal(methodOf(await b2.next()), 'fence');
    });

    test('a broadcast with a function filter stays on its instance', async (t) => {
      const [a, b] = await pair(t);
      const a1 = await openRecorded(a.server);
      const b1 = await openRecorded(b.server);
      assert.equal(await a.server.broadcast('local-only', undefined, () => true), 1);
      assert.equal(methodOf(await a1.next()), 'local-only');
      await a.server.broadcast('fence');
      assert.equal(methodOf(await b1.next()), 'fence');
    });

    test('notify to a session no instance holds is SESSION_NOT_FOUND', async (t) => {
      const [a, b] = await pair(t);
      const b1 = await openRecorded(b.server);
      await assert.rejects(a.server.notify('nobody', 'x'), (error: unknown) => {
        assert.ok(isMcpLiveError(error, 'SESSION_NOT_FOUND'));
        assert.match(error.message, /No open session "nobody" to send x to/);
        return true;
      });
      await b.server.closeSession(b1.session);
      await assert.rejects(a.server.notify(b1.session.id, 'x'), (error: unknown) =>
        isMcpLiveError(error, 'SESSION_NOT_FOUND'),
      );
    });
  });
}

test('notify to a session whose instance stopped listening names that instance', { skip }, async (t) => {
  const prefix = `pair-${++prefixes}`;
  const a = await redisInstance(t, redis.server!.url, 'A', { prefix });
  const b = await redisInstance(t, redis.server!.url, 'B', { prefix });
  const b1 = await openRecorded(b.server);
  await b.bus.close();
  await assert.rejects(a.server.notify(b1.session.id, 'x'), (error: unknown) => {
    assert.ok(isMcpLiveError(error, 'SESSION_NOT_FOUND'));
    assert.match(
      error.message,
      new RegExp(`Session "${b1.session.id}" is held by instance "B", which does not listen`),
    );
    return true;
  });
});
