import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { isProtocolError } from '../../src/protocol/protocol-error.ts';
import {
  digestArguments,
  principalFingerprint,
  type RequestStateBinding,
  type RequestStateKey,
  type RequestStateRejection,
  RequestStateSealer,
  requestStateKeysFromEnv,
} from '../../src/server/request-state.ts';

const secretA = new Uint8Array(32).fill(1);
const secretB = new Uint8Array(32).fill(2);
const keyA: RequestStateKey = { id: 'k1', secret: secretA };
const keyB: RequestStateKey = { id: 'k2', secret: secretB };
const START_OVER = 'retry the request without requestState and inputResponses to start over';

const binding: RequestStateBinding = {
  method: 'tools/call',
  target: 'book_flight',
  argsDigest: 'digest-of-args',
  principal: principalFingerprint({ sub: 'alice' }),
};

async function rejects(
  opening: Promise<unknown>,
  reason: RequestStateRejection,
  message: RegExp,
): Promise<void> {
  await assert.rejects(opening, (error: unknown) => {
    assert.ok(isProtocolError(error), String(error));
    assert.equal(error.code, -32602);
    assert.deepEqual(error.data, { reason });
    assert.ok(error.message.startsWith('Invalid requestState: '), error.message);
    assert.match(error.message, message);
    assert.ok(error.message.endsWith(START_OVER), error.message);
    return true;
  });
}

function rejectsMismatch(opening: Promise<unknown>): Promise<void> {
  return rejects(opening, 'mismatch', /not issued for this request and caller, or was altered/);
}

// Flips one bit of the decoded bytes (iv | ciphertext | tag) at `index`.
function flipByte(token: string, index: number): string {
  const [version, kid, body] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(body, 'base64url');
  bytes[index < 0 ? bytes.length + index : index]! ^= 0x01;
  return `${version}.${kid}.${bytes.toString('base64url')}`;
}

function throwsOption(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isMcpLiveError(error, 'INVALID_OPTION'), String(error));
    assert.match(error.message, message);
    return true;
  });
}

describe('RequestStateSealer seal / open', () => {
  test('round-trips a JSON payload for the same binding', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const payload = { step: 2, answers: { city: 'Zürich' }, list: [1, null, 'x'] };
    assert.deepEqual(await sealer.open(await sealer.seal(payload, binding), binding), payload);
    assert.equal(await sealer.open(await sealer.seal(null, binding), binding), null);
  });

  test('issues a compact URL-safe token that hides the payload and differs on every seal', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const first = await sealer.seal({ password: 'hunter2-hunter2' }, binding);
    const second = await sealer.seal({ password: 'hunter2-hunter2' }, binding);
    assert.match(first, /^v1\.k1\.[A-Za-z0-9_-]+$/);
    assert.notEqual(first, second);
    const body = Buffer.from(first.split('.')[2]!, 'base64url');
    assert.ok(!body.toString('latin1').includes('hunter2'));
    assert.ok(first.length < 120, `token is ${first.length} characters`);
  });

  test('a string secret is its UTF-8 bytes', async () => {
    const secret = 'correct horse battery staple, über 32 bytes';
    const fromString = new RequestStateSealer({ keys: [{ id: 'k', secret }] });
    const fromBytes = new RequestStateSealer({
      keys: [{ id: 'k', secret: new TextEncoder().encode(secret) }],
    });
    assert.deepEqual(await fromBytes.open(await fromString.seal({ a: 1 }, binding), binding), { a: 1 });
  });

  test('fails when the key id, iv, ciphertext or tag is altered', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA, keyB] });
    const token = await sealer.seal({ step: 1 }, binding);
    await rejectsMismatch(sealer.open(token.replace('.k1.', '.k2.'), binding));
    await rejectsMismatch(sealer.open(flipByte(token, 0), binding)); // iv
    await rejectsMismatch(sealer.open(flipByte(token, 11), binding)); // iv, last byte
    await rejectsMismatch(sealer.open(flipByte(token, 12), binding)); // ciphertext
    await rejectsMismatch(sealer.open(flipByte(token, -17), binding)); // ciphertext, last byte
    await rejectsMismatch(sealer.open(flipByte(token, -1), binding)); // tag
    assert.deepEqual(await sealer.open(token, binding), { step: 1 });
  });

  test('fails for a token with a suffix, a cut, another version or other garbage', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const token = await sealer.seal({ step: 1 }, binding);
    // The conformance suite's tampering: the only acceptable answer is a -32602 error.
    await assert.rejects(sealer.open(`${token}-TAMPERED`, binding), (error: unknown) => {
      return isProtocolError(error) && error.code === -32602;
    });
    const issued = /it is not a requestState this server issued/;
    await rejects(sealer.open(token.slice(0, 20), binding), 'malformed', issued);
    await rejects(sealer.open(token.replace(/^v1/, 'v2'), binding), 'malformed', issued);
    await rejects(sealer.open(`${token}.extra`, binding), 'malformed', issued);
    await rejects(sealer.open(`${token}=`, binding), 'malformed', issued);
    await rejects(sealer.open('', binding), 'malformed', issued);
    await rejects(sealer.open('v1..abc', binding), 'malformed', issued);
    await rejects(sealer.open(42, binding), 'malformed', /expected a string, got number/);
    await rejects(sealer.open(null, binding), 'malformed', /expected a string, got null/);
  });

  test('a base64url body with altered unused trailing bits is refused', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    let token = await sealer.seal({ step: 1 }, binding);
    while (token.length % 4 === 0) token = await sealer.seal({ step: 1, pad: token.length }, binding);
    // The last character carries bits beyond the final byte; setting them spells the same bytes.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1]!;
    assert.notEqual(twin, token);
    await rejects(sealer.open(twin, binding), 'malformed', /not a requestState this server issued/);
  });

  test('refuses a token longer than 128 KiB before decoding it', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const long = `v1.k1.${'A'.repeat(128 * 1024)}`;
    await rejects(sealer.open(long, binding), 'malformed', /is 131078 characters long, more than the 131072/);
  });

  test('fails for another method, target, argsDigest or principal', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const token = await sealer.seal({ step: 1 }, binding);
    await rejectsMismatch(sealer.open(token, { ...binding, method: 'prompts/get' }));
    await rejectsMismatch(sealer.open(token, { ...binding, target: 'cancel_flight' }));
    await rejectsMismatch(sealer.open(token, { ...binding, argsDigest: 'other' }));
    const { argsDigest: _, ...withoutDigest } = binding;
    await rejectsMismatch(sealer.open(token, withoutDigest));
    await rejectsMismatch(
      sealer.open(token, { ...binding, principal: principalFingerprint({ sub: 'bob' }) }),
    );
    await rejectsMismatch(sealer.open(token, { ...binding, principal: '' }));
  });

  test('fields cannot be shifted between method and target', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const token = await sealer.seal(1, { method: 'a', target: 'b.c', principal: '' });
    await rejectsMismatch(sealer.open(token, { method: 'a.b', target: 'c', principal: '' }));
  });

  test('expires after ttl and says how long ago', async () => {
    let now = 1_000_000;
    const sealer = new RequestStateSealer({ keys: [keyA], ttl: 60_000, now: () => now });
    const token = await sealer.seal({ step: 1 }, binding);
    now += 59_999;
    assert.deepEqual(await sealer.open(token, binding), { step: 1 });
    now += 1 + 42_000;
    await rejects(sealer.open(token, binding), 'expired', /^Invalid requestState: it expired 42 s ago; /);
    now += 10 * 60_000;
    await rejects(sealer.open(token, binding), 'expired', /it expired 11 min ago/);
  });

  test('defaults to a ttl of ten minutes', async () => {
    let now = 0;
    const sealer = new RequestStateSealer({ keys: [keyA], now: () => now });
    const token = await sealer.seal('x', binding);
    now = 599_999;
    assert.equal(await sealer.open(token, binding), 'x');
    now = 600_000;
    await rejects(sealer.open(token, binding), 'expired', /it expired 0 ms ago/);
  });

  test('rotation: an old state opens once a new key seals, and fails naming the key once it is removed', async () => {
    const before = new RequestStateSealer({ keys: [keyA] });
    const oldToken = await before.seal({ step: 1 }, binding);
    const rotated = new RequestStateSealer({ keys: [keyB, keyA] });
    assert.deepEqual(await rotated.open(oldToken, binding), { step: 1 });
    const newToken = await rotated.seal({ step: 2 }, binding);
    assert.match(newToken, /^v1\.k2\./);
    const after = new RequestStateSealer({ keys: [keyB] });
    assert.deepEqual(await after.open(newToken, binding), { step: 2 });
    await rejects(
      after.open(oldToken, binding),
      'unknownKey',
      /it was sealed with key id "k1", which this server does not hold/,
    );
  });

  test('two sealers with the same keys open each other’s states (several instances)', async () => {
    const one = new RequestStateSealer({ keys: [keyA] });
    const two = new RequestStateSealer({ keys: [{ id: 'k1', secret: secretA.slice() }] });
    assert.deepEqual(await two.open(await one.seal({ from: 'one' }, binding), binding), { from: 'one' });
    assert.deepEqual(await one.open(await two.seal({ from: 'two' }, binding), binding), { from: 'two' });
  });

  test('sealers with the default random key do not open each other’s states, and say it is the key', async () => {
    const one = new RequestStateSealer();
    const two = new RequestStateSealer();
    const token = await one.seal({ step: 1 }, binding);
    assert.match(token, /^v1\.local-[0-9a-f]{12}\./);
    assert.deepEqual(await one.open(token, binding), { step: 1 });
    await rejects(
      two.open(token, binding),
      'unknownKey',
      /sealed with key id "local-[0-9a-f]{12}", which this server does not hold \(retired, or missing on this instance\)/,
    );
  });

  test('keeps its own copy of a byte secret', async () => {
    const secret = secretA.slice();
    const sealer = new RequestStateSealer({ keys: [{ id: 'k1', secret }] });
    secret.fill(9);
    const other = new RequestStateSealer({ keys: [keyA] });
    assert.equal(await other.open(await sealer.seal('x', binding), binding), 'x');
  });

  test('refuses a payload over 64 KiB of JSON, or one that is not JSON', async () => {
    const sealer = new RequestStateSealer({ keys: [keyA] });
    const fits = 'a'.repeat(64 * 1024 - 2);
    assert.equal(await sealer.open(await sealer.seal(fits, binding), binding), fits);
    await assert.rejects(sealer.seal(`${fits}a`, binding), (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'NOT_ENCODABLE'));
      assert.match(
        error.message,
        /^requestState payload for tools\/call "book_flight" is 65537 bytes of JSON, more than the 65536 allowed/,
      );
      return true;
    });
    await assert.rejects(sealer.seal(undefined, binding), /must be a JSON value, got undefined/);
    await assert.rejects(sealer.seal({ n: 1n }, binding), {
      code: 'NOT_ENCODABLE',
      message: /cannot be serialized as JSON/,
    });
  });
});

describe('RequestStateSealer options', () => {
  test('names the bad option', () => {
    throwsOption(() => new RequestStateSealer({ keys: [] }), /option keys: pass at least one key/);
    throwsOption(
      () => new RequestStateSealer({ keys: [{ id: '', secret: secretA }] }),
      /option keys: key 0 has id ""; use 1–64 characters/,
    );
    throwsOption(
      () => new RequestStateSealer({ keys: [keyA, { id: 'a.b', secret: secretB }] }),
      /key 1 has id "a\.b"/,
    );
    throwsOption(() => new RequestStateSealer({ keys: [keyA, { ...keyB, id: 'k1' }] }), /"k1" appears twice/);
    throwsOption(
      () => new RequestStateSealer({ keys: [{ id: 'k1', secret: 'x'.repeat(31) }] }),
      /key "k1" has a 31-byte secret; use at least 32 random bytes/,
    );
    throwsOption(
      () => new RequestStateSealer({ keys: [{ id: 'k1', secret: new Uint8Array(16) }] }),
      /key "k1" has a 16-byte secret/,
    );
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      throwsOption(() => new RequestStateSealer({ ttl }), /option ttl must be a positive number/);
    }
  });
});

describe('principalFingerprint and digestArguments', () => {
  test('principalFingerprint is stable across key order and empty for no principal', () => {
    assert.equal(principalFingerprint(undefined), '');
    assert.equal(
      principalFingerprint({ sub: 'alice', claims: { b: 1, a: [2, { y: 1, x: 0 }] } }),
      principalFingerprint({ claims: { a: [2, { x: 0, y: 1 }], b: 1 }, sub: 'alice' }),
    );
    assert.notEqual(principalFingerprint({ sub: 'alice' }), principalFingerprint({ sub: 'bob' }));
    assert.notEqual(principalFingerprint('alice'), principalFingerprint({ sub: 'alice' }));
    assert.equal(
      principalFingerprint({ sub: 'alice', gone: undefined }),
      principalFingerprint({ sub: 'alice' }),
    );
  });

  test('principalFingerprint refuses values JSON cannot hold', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => principalFingerprint(loop), {
      code: 'NOT_ENCODABLE',
      message: /^principalFingerprint: the value refers to itself/,
    });
    assert.throws(() => principalFingerprint({ id: 1n }), {
      code: 'NOT_ENCODABLE',
      message: /^principalFingerprint: the value contains a bigint/,
    });
  });

  test('digestArguments is a stable base64url SHA-256 of sorted-key JSON', async () => {
    const digest = await digestArguments({ to: 'ZRH', from: 'SFO', pax: [{ b: 2, a: 1 }] });
    assert.match(digest, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(digest, await digestArguments({ pax: [{ a: 1, b: 2 }], from: 'SFO', to: 'ZRH' }));
    assert.notEqual(digest, await digestArguments({ to: 'ZRH', from: 'SFO', pax: [{ b: 2, a: 2 }] }));
    const expected = await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode('{"a":1,"b":[true,null]}'),
    );
    assert.equal(
      await digestArguments({ b: [true, null], a: 1 }),
      Buffer.from(expected).toString('base64url'),
    );
  });
});

describe('requestStateKeysFromEnv', () => {
  const b64A = Buffer.from(secretA).toString('base64');
  const b64B = Buffer.from(secretB).toString('base64url');

  test('reads id:base64 pairs in order, first one sealing', async () => {
    const keys = requestStateKeysFromEnv(` k2:${b64B} , k1:${b64A},`);
    assert.deepEqual(keys, [
      { id: 'k2', secret: secretB },
      { id: 'k1', secret: secretA },
    ]);
    const fromEnv = new RequestStateSealer({ keys: keys! });
    const direct = new RequestStateSealer({ keys: [keyA] });
    assert.deepEqual(await fromEnv.open(await direct.seal('x', binding), binding), 'x');
  });

  test('is undefined when unset or blank', () => {
    assert.equal(requestStateKeysFromEnv(undefined), undefined);
    assert.equal(requestStateKeysFromEnv(''), undefined);
    assert.equal(requestStateKeysFromEnv('   '), undefined);
  });

  test('names the bad entry and never echoes a secret', () => {
    const secretText = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
    throwsOption(
      () => requestStateKeysFromEnv(`k1:${b64A},${secretText}`),
      /^MCP_LIVE_REQUEST_STATE_KEYS entry 2 has no ":"; write each key as <key id>:<base64 secret>/,
    );
    throwsOption(() => requestStateKeysFromEnv('k1:not base64!'), /key "k1" has a secret that is not base64/);
    throwsOption(() => requestStateKeysFromEnv('k1:AAAA'), /key "k1" has a 3-byte secret/);
    throwsOption(() => requestStateKeysFromEnv(`k1:${b64A},k1:${b64B}`), /key id "k1" appears twice/);
    throwsOption(() => requestStateKeysFromEnv(`:${b64A}`), /key 0 has id ""/);
    throwsOption(() => requestStateKeysFromEnv(','), /holds no key/);
    throwsOption(() => requestStateKeysFromEnv('k1:AAAA', 'STATE_KEYS'), /^STATE_KEYS: key "k1"/);
    for (const value of [`k1:${b64A},${secretText}`, `k1:${secretText}!`]) {
      assert.throws(
        () => requestStateKeysFromEnv(value),
        (error: unknown) => error instanceof Error && !error.message.includes(secretText),
      );
    }
  });
});
