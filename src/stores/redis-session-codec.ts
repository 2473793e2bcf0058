import type { SessionRecord } from '../server/session-store.ts';

/** HSET arguments for a record or a patch: every defined field, JSON-encoded. */
export function encodeFields(fields: Partial<SessionRecord>): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    if (json !== undefined) args.push(name, json);
  }
  return args;
}

/** A record from its hash, or `undefined` for an empty hash (no such session). */
export function decodeRecord(id: string, hash: Record<string, string>): SessionRecord | undefined {
  const fields: Record<string, unknown> = {};
  for (const [name, json] of Object.entries(hash)) {
    try {
      fields[name] = JSON.parse(json);
    } catch {
      fields[name] = json;
    }
  }
  if (Object.keys(fields).length === 0) return undefined;
  const record = { ...fields, id } as SessionRecord;
  if (typeof record.transport !== 'string') record.transport = 'unknown';
  if (typeof record.createdAt !== 'number') record.createdAt = 0;
  if (typeof record.lastActivity !== 'number') record.lastActivity = record.createdAt;
  return record;
}

/** Replaces a hash with the given fields, in one step. */
export const REPLACE_HASH = `redis.call('DEL', KEYS[1])
return redis.call('HSET', KEYS[1], unpack(ARGV))`;

/** Sets fields of a hash only if it exists (a patch never revives a deleted session). */
export const PATCH_HASH = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSET', KEYS[1], unpack(ARGV))`;

/** Deletes a hash only if its `owner` field is still ARGV[1] (JSON-encoded). */
export const DELETE_IF_OWNER = `if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Sets a hash's `owner` to ARGV[2] if it is still ARGV[1] ('' for none); both JSON-encoded. 1 if it did.
 */
export const CLAIM_OWNER = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], 'owner')
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return 1`;

/**
 * Writes back a record this instance owns (ARGV[1], JSON-encoded), unless another instance claimed the
 * session meanwhile; the rest of ARGV are the fields. 1 if it wrote.
 */
export const REWRITE_OWNED = `local current = redis.call('HGET', KEYS[1], 'owner')
if current and current ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return redis.call('HSET', KEYS[1], unpack(ARGV, 2))`;
