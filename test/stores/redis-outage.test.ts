// Redis goes away and comes back (empty, as nothing is persisted) under two running McpServer instances.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { methodOf, openRecorded, redisInstance } from './redis-fan-out.ts';
import { deferred, nextEvent, redisForTests } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

test('without Redis, cross-instance notify fails clearly while local sessions keep working; then it recovers by itself', {
  skip: redis.skip,
}, async (t) => {
  const server = redis.server!;
  const recovered = {
    storeA: deferred(20_000, 'recovery of A’s session store'),
    storeB: deferred(20_000, 'recovery of B’s session store'),
    busA: deferred(20_000, 'recovery of A’s bus subscriptions'),
    busB: deferred(20_000, 'recovery of B’s bus subscriptions'),
  };
  const a = await redisInstance(t, server.url, 'A', {
    prefix: 'outage',
    onRecovered: { store: () => recovered.storeA.resolve(), bus: () => recovered.busA.resolve() },
  });
  const b = await redisInstance(t, server.url, 'B', {
    prefix: 'outage',
    onRecovered: { store: () => recovered.storeB.resolve(), bus: () => recovered.busB.resolve() },
  });
  const a1 = await openRecorded(a.server);
  const b1 = await openRecorded(b.server);
  await a.server.notify(b1.session.id, 'before');
  assert.equal(methodOf(await b1.next()), 'before');

  const down = Promise.all([nextEvent(a.client, 'reconnecting'), nextEvent(b.client, 'reconnecting')]);
  await server.stop();
  await down;

  await assert.rejects(a.server.notify(b1.session.id, 'lost'), (error: unknown) => {
    assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'));
    assert.match(
      error.message,
      new RegExp(
        `Cannot send lost to session "${b1.session.id}": this instance does not hold it, and the session store failed: .*Redis is unreachable`,
      ),
    );
    return true;
  });
  await a.server.notify(a1.session.id, 'local');
  assert.equal(methodOf(await a1.next()), 'local');
  assert.equal(await a.server.broadcast('local-broadcast'), 1);
  assert.equal(methodOf(await a1.next()), 'local-broadcast');
  assert.equal(a.errors.length, 1);
  assert.ok(isMcpLiveError(a.errors[0], 'STORE_UNAVAILABLE'));
  assert.match(
    (a.errors[0] as Error).message,
    /local-broadcast reached only this instance's sessions: .*Redis is unreachable/,
  );
  a1.session.subscriptions.add('file:///r');
  assert.equal(await a.server.resourceUpdated('file:///r'), 1);
  assert.equal(methodOf(await a1.next()), 'notifications/resources/updated');
  const a2 = await openRecorded(a.server); // new sessions open too, and are registered once Redis is back

  await server.start();
  await Promise.all(Object.values(recovered).map((r) => r.promise));

  await b.server.notify(a1.session.id, 'after');
  assert.equal(methodOf(await a1.next()), 'after');
  await b.server.notify(a2.session.id, 'after');
  assert.equal(methodOf(await a2.next()), 'after');
  await a.server.notify(b1.session.id, 'after');
  assert.equal(methodOf(await b1.next()), 'after', 'b1 got nothing while Redis was away');
  assert.equal(await a.server.broadcast('everyone'), 2);
  assert.equal(methodOf(await b1.next()), 'everyone');
});
