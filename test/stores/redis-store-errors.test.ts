// A store outage reaches server.on('error') of every server using the store, once per store, and the
// console only when no server is attached.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { RedisClientLike } from '../../src/stores/redis-client.ts';
import { RedisEventStore } from '../../src/stores/redis-event-store.ts';
import { RedisMessageBus } from '../../src/stores/redis-message-bus.ts';
import { RedisSessionStore } from '../../src/stores/redis-session-store.ts';
import { McpHttpServer } from '../../src/transports/mcp-http-server.ts';
import { closeClient, connectClient, deferred, nextEvent, redisForTests } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

const OWNERS = ['RedisSessionStore', 'RedisMessageBus', 'RedisMessageBus (subscriber)', 'RedisEventStore'];

test('an outage of each Redis store reaches server.on("error") once as STORE_UNAVAILABLE; detached, it goes to the console', {
  skip: redis.skip,
}, async (t) => {
  const server = redis.server!;
  const client = await connectClient(undefined, server.url);
  const like = client as unknown as RedisClientLike;
  const recovered = deferred(20_000, 'recovery of the session store');
  const sessionStore = new RedisSessionStore({
    client: like,
    prefix: 'errors',
    onRecovered: () => recovered.resolve(),
  });
  const messageBus = new RedisMessageBus({ client: like, prefix: 'errors' });
  const eventStore = new RedisEventStore({ client: like, prefix: 'errors' });
  const mcp = new McpServer({ name: 'errors', version: '1' }, { sessionStore, messageBus });
  // One event store for both wires: it is attached once.
  const http = new McpHttpServer(mcp, { streamableHTTP: { eventStore }, sse: { eventStore } });
  const errors: unknown[] = [];
  const all = deferred(15_000, 'an error from every store');
  mcp.on('error', (error) => {
    errors.push(error);
    if (errors.length >= OWNERS.length) all.resolve();
  });
  const printed: unknown[][] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => void printed.push(args));
  t.after(async () => {
    await server.start();
    await http.close();
    await mcp.close();
    await messageBus.close();
    await sessionStore.close();
    eventStore.close();
    await closeClient(client);
  });
  await messageBus.listening();

  let down = nextEvent(client, 'reconnecting');
  await server.stop();
  await down;
  await all.promise;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const owners = errors.map((error) => {
    assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'), String(error));
    assert.match(error.message, /: Redis is unreachable/);
    return error.message.slice(0, error.message.indexOf(': Redis'));
  });
  assert.deepEqual(owners.sort(), [...OWNERS].sort(), 'each store tells once');
  assert.deepEqual(printed, [], 'nothing goes to the console while a server listens');

  await server.start();
  await recovered.promise;
  await http.close();
  await mcp.close();
  const told = errors.length;
  down = nextEvent(client, 'reconnecting');
  await server.stop();
  await down;
  assert.ok(await printedOutage(printed), 'the detached store prints its outage');
  assert.equal(errors.length, told, 'a closed server hears nothing more');
});

async function printedOutage(printed: unknown[][]): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (
      printed.some((args) => String(args[0]).startsWith('mcp-live: RedisSessionStore: Redis is unreachable'))
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
