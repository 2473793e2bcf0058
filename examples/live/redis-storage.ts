// The example's documents and chat history in Redis, so that every instance behind a load balancer
// shows the same text and the same messages. Each write is one Lua script on one key (or two keys with
// the same hash tag), so it is atomic and works on a Redis Cluster too.
import { isRedisCluster, type RedisClientLike } from '../../src/redis.ts';
import type { ChatMessage, ChatStorage } from './chat-store.ts';
import type { DocumentStorage } from './document-store.ts';
import type { StoredDocument } from './documents.ts';

const PREFIX = 'mcp-live-example';
const DOC_IDS = `${PREFIX}:doc-ids`;
const CHANNELS = `${PREFIX}:chat-channels`;
const docKey = (id: string) => `${PREFIX}:doc:{${id}}`;

// Stores the document's state only if its version is still the one the edit was made against.
const WRITE_DOCUMENT = `
if (redis.call('HGET', KEYS[1], 'version') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
return 1`;

// Numbers the message, appends it and keeps the last ARGV[2]. ARGV[1] is the message's JSON without
// its opening brace, so the id can go first.
const APPEND_MESSAGE = `
local id = redis.call('INCR', KEYS[2])
local message = '{"id":' .. id .. ',' .. ARGV[1]
redis.call('RPUSH', KEYS[1], message)
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return message`;

/**
 * Runs one command on one Redis, or on the Redis Cluster node that serves `key`; fails at once, with a
 * message a user can read, while Redis is unreachable.
 */
async function send(client: RedisClientLike, key: string, args: string[]): Promise<unknown> {
  if (!client.isReady) {
    throw new Error(`Redis is unreachable, so ${args[0]} on ${key} could not run; try again once it is back`);
  }
  try {
    return await (isRedisCluster(client) ? client.sendCommand(key, false, args) : client.sendCommand(args));
  } catch (error) {
    // node-redis's timeout has no message: say what did not happen.
    const why = error instanceof Error ? error.message || error.constructor.name : String(error);
    throw new Error(`Redis did not run ${args[0]} on ${key} (${why}); try again shortly`, { cause: error });
  }
}

export class RedisDocumentStorage implements DocumentStorage {
  readonly #client: RedisClientLike;

  constructor(client: RedisClientLike) {
    this.#client = client;
  }

  async read(id: string): Promise<StoredDocument | undefined> {
    const state = await send(this.#client, docKey(id), ['HGET', docKey(id), 'state']);
    return typeof state === 'string' ? (JSON.parse(state) as StoredDocument) : undefined;
  }

  async write(id: string, expected: number, next: StoredDocument): Promise<boolean> {
    const args = [String(expected), String(next.version), JSON.stringify(next)];
    const key = docKey(id);
    const written = await send(this.#client, key, ['EVAL', WRITE_DOCUMENT, '1', key, ...args]);
    if (written !== 1) return false;
    await send(this.#client, DOC_IDS, ['SADD', DOC_IDS, id]);
    return true;
  }

  async ids(): Promise<string[]> {
    return ((await send(this.#client, DOC_IDS, ['SMEMBERS', DOC_IDS])) as string[]).sort();
  }
}

export class RedisChatStorage implements ChatStorage {
  readonly #client: RedisClientLike;

  constructor(client: RedisClientLike) {
    this.#client = client;
  }

  async append(channel: string, message: Omit<ChatMessage, 'id'>, limit: number): Promise<ChatMessage> {
    const keys = [`${PREFIX}:chat:{${channel}}`, `${PREFIX}:chat-seq:{${channel}}`] as const;
    const rest = JSON.stringify(message).slice(1);
    const stored = await send(this.#client, keys[0], [
      'EVAL',
      APPEND_MESSAGE,
      '2',
      ...keys,
      rest,
      String(limit),
    ]);
    await send(this.#client, CHANNELS, ['SADD', CHANNELS, channel]);
    return JSON.parse(String(stored)) as ChatMessage;
  }

  async history(channel: string): Promise<ChatMessage[]> {
    const key = `${PREFIX}:chat:{${channel}}`;
    const list = await send(this.#client, key, ['LRANGE', key, '0', '-1']);
    return (list as string[]).map((text) => JSON.parse(text) as ChatMessage);
  }

  async channels(): Promise<string[]> {
    return ((await send(this.#client, CHANNELS, ['SMEMBERS', CHANNELS])) as string[]).sort();
  }
}
