import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import * as entry from '../../src/redis.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectRedis } from '../../src/stores/redis-connect.ts';
import { openRecorded } from './redis-fan-out.ts';
import { redisForTests, startRedisServer } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

test('mcp-live/redis exports the Redis stores, the bus, connectRedis and isRedisCluster', () => {
  assert.deepEqual(Object.keys(entry).sort(), [
    'MemoryMessageBus',
    'RedisEventStore',
    'RedisMessageBus',
    'RedisSessionStore',
    'connectRedis',
    'isRedisCluster',
  ]);
});

test('connectRedis makes the three stores over one connection, and close() closes everything', {
  skip: redis.skip,
}, async () => {
  const stores = await connectRedis({ url: redis.server!.url, prefix: 'connect', onError: () => {} });
  const server = new McpServer(
    { name: 'one', version: '1' },
    { instanceId: 'I', sessionStore: stores.sessionStore, messageBus: stores.messageBus },
  );
  await stores.messageBus.listening();
  const other = new McpServer(
    { name: 'two', version: '1' },
    { instanceId: 'J', sessionStore: stores.sessionStore, messageBus: stores.messageBus },
  );
  const session = await openRecorded(server);
  await other.notify(session.session.id, 'hello');
  assert.equal(((await session.next()) as { method: string }).method, 'hello');
  const start = await stores.eventStore.lastEventId('s');
  await stores.eventStore.append('s', { jsonrpc: '2.0', method: 'e' });
  let replayed = 0;
  await stores.eventStore.replayAfter(start, () => replayed++);
  assert.equal(replayed, 1);
  await other.close();
  await server.close();
  await stores.close();
  assert.equal(stores.client.isOpen, false);
});

test('connectRedis fails with STORE_UNAVAILABLE when nothing answers, and names the address without its password', {
  skip: redis.skip,
}, async () => {
  const gone = await startRedisServer();
  await gone.close(); // a port where nothing listens now
  await assert.rejects(
    connectRedis({
      url: `redis://user:secret@127.0.0.1:${gone.port}`,
      connectTimeout: 300,
      onError: () => {},
    }),
    (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'));
      assert.match(
        error.message,
        new RegExp(`connectRedis could not reach redis://\\*\\*\\*@127.0.0.1:${gone.port}`),
      );
      assert.match(error.message, /no connection within 300 ms \(last error: .*ECONNREFUSED/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    },
  );
});
