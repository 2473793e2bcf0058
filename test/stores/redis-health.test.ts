// Readiness over the Redis stores and bus, against a real redis-server that is stopped and started
// again under a listening McpHttpServer.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { RedisClientLike } from '../../src/stores/redis-client.ts';
import { RedisEventStore } from '../../src/stores/redis-event-store.ts';
import { RedisMessageBus } from '../../src/stores/redis-message-bus.ts';
import { RedisSessionStore } from '../../src/stores/redis-session-store.ts';
import { McpHttpServer } from '../../src/transports/index.ts';
import { closeClient, connectClient, nextEvent, redisForTests } from './redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; error?: string }>;
}

async function readiness(origin: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${origin}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

/** Asks the probe until it answers `status` (a balancer polls the same way), for at most `ms`. */
async function until(origin: string, status: number, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last = await readiness(origin);
  while (last.status !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await readiness(origin);
  }
  assert.equal(
    last.status,
    status,
    `readiness was not ${status} within ${ms} ms: ${JSON.stringify(last.body)}`,
  );
  return last.body;
}

test('readiness follows Redis: ready, 503 naming each Redis store while it is down, ready again once it is back', {
  skip: redis.skip,
  timeout: 60_000,
}, async (t) => {
  const server = redis.server!;
  const client = (await connectClient(undefined, server.url)) as unknown as RedisClientLike;
  const options = { client, prefix: 'health', onError: () => {} };
  const sessionStore = new RedisSessionStore(options);
  const eventStore = new RedisEventStore(options);
  const messageBus = new RedisMessageBus(options);
  const mcp = new McpServer({ name: 'health', version: '1' }, { sessionStore, messageBus });
  const http = new McpHttpServer(mcp, { health: true, streamableHTTP: { eventStore } });
  const { port } = await http.listen('127.0.0.1:0');
  const origin = `http://127.0.0.1:${port}`;
  t.after(async () => {
    await http.close({ timeout: 0 });
    await mcp.close();
    await sessionStore.close();
    eventStore.close();
    await messageBus.close();
    await closeClient(client as never);
  });

  await messageBus.listening();
  assert.deepEqual(await readiness(origin), {
    status: 200,
    body: {
      status: 'ready',
      checks: {
        shutdown: { ok: true },
        sessionStore: { ok: true },
        messageBus: { ok: true },
        eventStore: { ok: true },
      },
    },
  });

  const down = nextEvent(client as never, 'reconnecting');
  await server.stop();
  await down;
  const { status, body } = await readiness(origin);
  assert.equal(status, 503);
  assert.equal(body.status, 'not ready');
  assert.deepEqual(body.checks.shutdown, { ok: true });
  for (const [name, owner] of [
    ['sessionStore', 'RedisSessionStore'],
    ['messageBus', 'RedisMessageBus'],
    ['eventStore', 'RedisEventStore'],
  ] as const) {
    assert.equal(body.checks[name]?.ok, false, `${name} is reported as failing`);
    assert.equal(
      body.checks[name]?.error,
      `${owner}: Redis is unreachable, so PING could not run; the client reconnects by itself`,
    );
  }
  assert.equal((await fetch(`${origin}/livez`)).status, 200, 'liveness does not depend on Redis');

  await server.start();
  const back = await until(origin, 200);
  assert.equal(back.status, 'ready');
});

test('the bus is not ready while Redis does not count it as listening on its channel', {
  skip: redis.skip,
}, async (t) => {
  const client = await connectClient(undefined, redis.server!.url);
  const subscriber = await connectClient(undefined, redis.server!.url);
  const bus = new RedisMessageBus({
    client: client as unknown as RedisClientLike,
    subscriber: subscriber as unknown as RedisClientLike,
    prefix: 'health-bus',
  });
  t.after(async () => {
    await bus.close();
    await closeClient(subscriber);
    await closeClient(client);
  });
  await bus.ready(); // nobody subscribed: Redis answering is enough
  await bus.subscribe('i1', () => {});
  await bus.ready();
  // Behind the bus's back, its subscription goes away.
  await subscriber.sUnsubscribe('health-bus:bus:{i1}');
  await assert.rejects(bus.ready(), (error: unknown) => {
    assert.ok(isMcpLiveError(error, 'STORE_UNAVAILABLE'));
    assert.equal(
      error.message,
      'RedisMessageBus: instance "i1" does not listen on health-bus:bus:{i1} yet (subscriptions are made again once Redis is back)',
    );
    return true;
  });
  await bus.close();
  await assert.rejects(bus.ready(), (error: unknown) => isMcpLiveError(error, 'CLOSED'));
});
