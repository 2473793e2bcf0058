// The example's documents and chat history in a real Redis, as several instances share them: racing
// edits from two instances are both kept (rebased), and chat ids and history are the same everywhere.
import assert from 'node:assert/strict';
import { after, type TestContext, test } from 'node:test';
import { ChatStore } from '../../examples/live/chat-store.ts';
import { DocumentStore } from '../../examples/live/document-store.ts';
import { DocumentEditError } from '../../examples/live/documents.ts';
import { RedisChatStorage, RedisDocumentStorage } from '../../examples/live/redis-storage.ts';
import type { RedisClientLike } from '../../src/redis.ts';
import { connectClient, redisForTests } from '../stores/redis-server.ts';

const redis = await redisForTests();
after(() => redis.server?.close());
const skip = redis.skip;

/** Two clients, as two instances would have. */
async function twoClients(t: TestContext): Promise<RedisClientLike[]> {
  const clients = [await connectClient(t, redis.server!.url), await connectClient(t, redis.server!.url)];
  return clients as unknown as RedisClientLike[];
}

test('edits racing from two instances are both kept, each at its own version', { skip }, async (t) => {
  const [one, two] = await twoClients(t);
  const a = new DocumentStore({ storage: new RedisDocumentStorage(one!) });
  const b = new DocumentStore({ storage: new RedisDocumentStorage(two!) });
  await a.seed('race', '0123456789');
  await b.seed('race', 'a second seed changes nothing');
  const edits = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? a : b).apply('race', 'insert', { base_version: 1, position: i, text: 'x' }, `u${i}`),
    ),
  );
  assert.deepEqual(
    edits.map((e) => e.version).sort((x, y) => x - y),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
  const doc = await b.get('race');
  assert.equal(doc.version, 11);
  assert.equal(doc.content.replaceAll('x', ''), '0123456789', 'no character of the seed was lost');
  assert.equal(doc.content.length, 20, 'every insert landed');
  assert.deepEqual(await a.ids(), ['race']);

  // A refused edit is refused the same way as in memory, and writes nothing.
  await assert.rejects(
    () => a.apply('race', 'set', { base_version: 1, text: 'stale' }, 'late'),
    (error: unknown) => error instanceof DocumentEditError && error.code === 'STALE_EDIT',
  );
  assert.equal((await a.get('race')).version, 11);
});

test('chat messages get one numbering and one history on every instance', { skip }, async (t) => {
  const [one, two] = await twoClients(t);
  const a = new ChatStore({ limit: 3, storage: new RedisChatStorage(one!) });
  const b = new ChatStore({ limit: 3, storage: new RedisChatStorage(two!) });
  const sent = [];
  for (let i = 1; i <= 4; i++) sent.push(await (i % 2 === 0 ? a : b).add('room', `u${i}`, `"quoted" ${i}`));
  assert.deepEqual(
    sent.map((m) => m.id),
    [1, 2, 3, 4],
  );
  const history = await a.history('room');
  assert.deepEqual(history, await b.history('room'));
  assert.deepEqual(
    history.map((m) => [m.id, m.from, m.text, m.channel]),
    [
      [2, 'u2', '"quoted" 2', 'room'],
      [3, 'u3', '"quoted" 3', 'room'],
      [4, 'u4', '"quoted" 4', 'room'],
    ],
    'the last `limit` messages, oldest first',
  );
  assert.deepEqual(await b.channels(), ['room']);
});
