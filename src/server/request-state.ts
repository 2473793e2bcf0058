import { decodeBase64, encodeBase64url } from '../protocol/base64.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';

/** A secret that seals and opens requestState, named by an id that travels in the token. */
export interface RequestStateKey {
  /** Names the key inside tokens: 1–64 characters of `A–Z a–z 0–9 _ -`. */
  id: string;
  /**
   * At least 32 bytes of entropy. A string is taken as its UTF-8 bytes (not decoded from base64);
   * `requestStateKeysFromEnv` decodes base64 and hands back bytes.
   */
  secret: string | Uint8Array;
}

/** Options of a `RequestStateSealer`. */
export interface RequestStateOptions {
  /**
   * The first key seals, every key opens. To rotate, put the new key first and keep the old one
   * until the states it sealed have expired. Every instance of a deployment needs the same keys.
   * @default one random key per sealer, with an id of its own (`local-…`): states survive neither a
   * restart nor another instance, and one presented there is refused as sealed with an unknown key
   */
  keys?: readonly RequestStateKey[];
  /** Milliseconds a sealed state stays valid. @default 600_000 */
  ttl?: number;
  /** The clock, in ms since the epoch. @default Date.now */
  now?: () => number;
}

/** What a state is bound to: opening it for any other request or caller fails. */
export interface RequestStateBinding {
  /** The request's method, e.g. `tools/call`. */
  method: string;
  /** What the request addresses: a tool or prompt name, a resource URI. */
  target: string;
  /** From `digestArguments` of the request's arguments, when the state is only valid for them; none is `''`. */
  argsDigest?: string;
  /** From `principalFingerprint` of the authenticated caller; `''` for none. */
  principal: string;
}

/** Why `open` refused a token; sent as `data.reason` of the -32602 error. */
export type RequestStateRejection = 'malformed' | 'unknownKey' | 'mismatch' | 'expired';

// Bytes backed by a plain ArrayBuffer, as Web Crypto takes them.
type Bytes = Uint8Array<ArrayBuffer>;

const VERSION = 'v1';
const HKDF_INFO = new TextEncoder().encode('mcp-live requestState v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MIN_SECRET_BYTES = 32;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_TOKEN_CHARS = 128 * 1024;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const START_OVER = 'retry the request without requestState and inputResponses to start over';

/**
 * Seals a JSON payload into an opaque, URL-safe requestState (AES-256-GCM, key derived with
 * HKDF-SHA256) bound to one request and caller, and opens it again when the client retries.
 * The token is `v1.<key id>.<base64url(iv | ciphertext | tag)>`.
 * @example
 * const sealer = new RequestStateSealer({ keys: requestStateKeysFromEnv(env.MCP_LIVE_REQUEST_STATE_KEYS) });
 * const binding = { method: 'tools/call', target: 'book', argsDigest: await digestArguments(args), principal: principalFingerprint(user) };
 * const requestState = await sealer.seal({ step: 2 }, binding);
 * const state = await sealer.open(params.requestState, binding); // { step: 2 }
 */
export class RequestStateSealer {
  readonly #secrets: Map<string, Bytes>;
  readonly #derived = new Map<string, Promise<CryptoKey>>();
  readonly #sealingKeyId: string;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(options: RequestStateOptions = {}) {
    const keys = options.keys ?? [
      // An id of its own: a state that reaches another process is refused as sealed with an unknown key.
      {
        id: `local-${randomKeyId()}`,
        secret: globalThis.crypto.getRandomValues(new Uint8Array(MIN_SECRET_BYTES)),
      },
    ];
    this.#secrets = checkKeys(keys, 'RequestStateSealer option keys');
    this.#sealingKeyId = keys[0]!.id;
    const ttl = options.ttl ?? 600_000;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
      throw new McpLiveError(
        'INVALID_OPTION',
        `RequestStateSealer option ttl must be a positive number of milliseconds (got ${String(ttl)})`,
      );
    }
    this.#ttl = ttl;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Seals `payload` (a JSON value, at most 64 KiB as JSON) for the request and caller in `binding`.
   * What comes back from `open` is the payload after a JSON round trip.
   */
  async seal(payload: unknown, binding: RequestStateBinding): Promise<string> {
    const json = payloadJSON(payload, binding);
    const plaintext = new TextEncoder().encode(`{"e":${this.#now() + this.#ttl},"p":${json}}`);
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const kid = this.#sealingKeyId;
    const sealed = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: associatedData(kid, binding) },
      await this.#key(kid),
      plaintext,
    );
    const bytes = new Uint8Array(IV_BYTES + sealed.byteLength);
    bytes.set(iv);
    bytes.set(new Uint8Array(sealed), IV_BYTES);
    return `${VERSION}.${kid}.${encodeBase64url(bytes)}`;
  }

  /**
   * Opens a token from `seal` and returns its payload, or throws `ProtocolError` -32602 when the
   * token is malformed, names a key this sealer lacks, was sealed for another request or caller
   * (or altered), or has expired.
   */
  async open(token: unknown, binding: RequestStateBinding): Promise<unknown> {
    const { kid, iv, sealed } = parseToken(token);
    if (!this.#secrets.has(kid)) {
      throw rejection(
        'unknownKey',
        `it was sealed with key id "${kid}", which this server does not hold (retired, or missing on this instance)`,
      );
    }
    let plaintext: ArrayBuffer;
    try {
      plaintext = await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: associatedData(kid, binding) },
        await this.#key(kid),
        sealed,
      );
    } catch {
      throw rejection('mismatch', 'it was not issued for this request and caller, or was altered');
    }
    const { e: expiresAt, p: payload } = JSON.parse(new TextDecoder().decode(plaintext)) as {
      e: number;
      p: unknown;
    };
    const late = this.#now() - expiresAt;
    if (late >= 0) throw rejection('expired', `it expired ${formatDuration(late)} ago`);
    return payload;
  }

  #key(kid: string): Promise<CryptoKey> {
    let key = this.#derived.get(kid);
    if (key === undefined) {
      key = deriveKey(this.#secrets.get(kid)!);
      this.#derived.set(kid, key);
    }
    return key;
  }
}

/**
 * A stable string for the authenticated caller, for `RequestStateBinding.principal`: JSON with
 * sorted keys (equal principals give equal strings), `''` for `undefined`. It is not hashed, so do
 * not log it; bind to a stable identity (subject, client id) rather than a token that gets refreshed.
 */
export function principalFingerprint(principal: unknown): string {
  return canonicalJSON(principal, 'principalFingerprint') ?? '';
}

/** A stable digest of a request's JSON arguments (SHA-256 of sorted-key JSON, base64url). */
export async function digestArguments(args: unknown): Promise<string> {
  return digestCanonical(canonicalArguments(args));
}

/** The sorted-key JSON text `digestArguments` hashes: taken when a request arrives, hashed only if needed. */
export function canonicalArguments(args: unknown): string {
  return canonicalJSON(args, 'digestArguments') ?? '';
}

/** The digest of a `canonicalArguments` text. */
export async function digestCanonical(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return encodeBase64url(new Uint8Array(digest));
}

/**
 * Reads keys from an environment variable of the form `k2:<base64>,k1:<base64>` (first key seals;
 * standard or URL-safe base64, at least 32 bytes each, e.g. from `openssl rand -base64 32`).
 * Returns `undefined` for an unset or blank variable; throws `McpLiveError` naming the bad entry.
 */
export function requestStateKeysFromEnv(
  value: string | undefined,
  name = 'MCP_LIVE_REQUEST_STATE_KEYS',
): RequestStateKey[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const keys: RequestStateKey[] = [];
  for (const [index, entry] of value.split(',').entries()) {
    const text = entry.trim();
    if (text === '') continue;
    const colon = text.indexOf(':');
    if (colon < 0) {
      throw new McpLiveError(
        'INVALID_OPTION',
        `${name} entry ${index + 1} has no ":"; write each key as <key id>:<base64 secret>, separated by commas`,
      );
    }
    const id = text.slice(0, colon).trim();
    const encoded = text.slice(colon + 1).trim();
    const secret = encoded === '' ? undefined : decodeBase64(encoded);
    if (secret === undefined) {
      throw new McpLiveError(
        'INVALID_OPTION',
        `${name} key "${id}" has a secret that is not base64; generate one with: openssl rand -base64 32`,
      );
    }
    keys.push({ id, secret });
  }
  if (keys.length === 0) {
    throw new McpLiveError('INVALID_OPTION', `${name} holds no key; write <key id>:<base64 secret>`);
  }
  checkKeys(keys, name);
  return keys;
}

function checkKeys(keys: readonly RequestStateKey[], where: string): Map<string, Bytes> {
  const fail = (why: string) => new McpLiveError('INVALID_OPTION', `${where}: ${why}`);
  if (!Array.isArray(keys) || keys.length === 0) {
    throw fail('pass at least one key, or leave keys out for a random key per sealer');
  }
  const secrets = new Map<string, Bytes>();
  for (const [index, key] of keys.entries()) {
    const id: unknown = key?.id;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw fail(`key ${index} has id ${JSON.stringify(id)}; use 1–64 characters of A–Z a–z 0–9 _ -`);
    }
    if (secrets.has(id)) throw fail(`key id "${id}" appears twice; give every key its own id`);
    const secret: unknown = key.secret;
    const bytes =
      typeof secret === 'string'
        ? new TextEncoder().encode(secret)
        : secret instanceof Uint8Array
          ? secret.slice()
          : undefined;
    if (bytes === undefined) throw fail(`key "${id}" needs a secret that is a string or a Uint8Array`);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw fail(
        `key "${id}" has a ${bytes.length}-byte secret; use at least ${MIN_SECRET_BYTES} random bytes (openssl rand -base64 32)`,
      );
    }
    secrets.set(id, bytes);
  }
  return secrets;
}

async function deriveKey(secret: Bytes): Promise<CryptoKey> {
  const base = await globalThis.crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  return globalThis.crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: HKDF_INFO },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

// A JSON array of strings cannot be read two ways, so no two bindings share associated data.
function associatedData(kid: string, binding: RequestStateBinding): Bytes {
  const { method, target, argsDigest = '', principal } = binding;
  return new TextEncoder().encode(JSON.stringify([VERSION, kid, method, target, argsDigest, principal]));
}

function payloadJSON(payload: unknown, binding: RequestStateBinding): string {
  const where = `requestState payload for ${binding.method} "${binding.target}"`;
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw new McpLiveError('NOT_ENCODABLE', `${where} cannot be serialized as JSON: ${cause}`, {
      cause,
    });
  }
  if (json === undefined) {
    throw new McpLiveError('NOT_ENCODABLE', `${where} must be a JSON value, got ${typeof payload}`);
  }
  const size = new TextEncoder().encode(json).length;
  if (size > MAX_PAYLOAD_BYTES) {
    throw new McpLiveError(
      'NOT_ENCODABLE',
      `${where} is ${size} bytes of JSON, more than the ${MAX_PAYLOAD_BYTES} allowed; keep large data on the server and seal its id`,
    );
  }
  return json;
}

function parseToken(token: unknown): { kid: string; iv: Bytes; sealed: Bytes } {
  if (typeof token !== 'string') {
    throw rejection('malformed', `expected a string, got ${token === null ? 'null' : typeof token}`);
  }
  if (token.length > MAX_TOKEN_CHARS) {
    throw rejection(
      'malformed',
      `it is ${token.length} characters long, more than the ${MAX_TOKEN_CHARS} allowed`,
    );
  }
  const [version, kid, body, ...rest] = token.split('.');
  if (
    version !== VERSION ||
    kid === undefined ||
    !KEY_ID.test(kid) ||
    body === undefined ||
    rest.length > 0
  ) {
    throw rejection('malformed', 'it is not a requestState this server issued');
  }
  const bytes = fromBase64url(body);
  if (bytes === undefined || bytes.length < IV_BYTES + TAG_BYTES) {
    throw rejection('malformed', 'it is not a requestState this server issued');
  }
  return { kid, iv: bytes.subarray(0, IV_BYTES), sealed: bytes.subarray(IV_BYTES) };
}

function rejection(reason: RequestStateRejection, why: string): ProtocolError {
  const advice =
    reason === 'malformed' || reason === 'mismatch'
      ? `send back the exact requestState of the last result for this same request, or ${START_OVER}`
      : START_OVER;
  return ProtocolError.invalidParams(`Invalid requestState: ${why}; ${advice}`, { reason });
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

// JSON.stringify with object keys sorted at every level; undefined for a top-level undefined.
function canonicalJSON(value: unknown, what: string, parents: object[] = []): string | undefined {
  const json =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
      ? (value as { toJSON(): unknown }).toJSON()
      : value;
  if (typeof json === 'bigint') {
    throw new McpLiveError(
      'NOT_ENCODABLE',
      `${what}: the value contains a bigint, which JSON cannot represent; pass plain JSON data`,
    );
  }
  if (typeof json !== 'object' || json === null) return JSON.stringify(json);
  if (parents.includes(json)) {
    throw new McpLiveError(
      'NOT_ENCODABLE',
      `${what}: the value refers to itself, which JSON cannot represent; pass plain JSON data`,
    );
  }
  const inner = [...parents, json];
  if (Array.isArray(json)) {
    return `[${json.map((item) => canonicalJSON(item, what, inner) ?? 'null').join(',')}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(json).sort()) {
    const member = canonicalJSON((json as Record<string, unknown>)[key], what, inner);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
}

// Strict: the URL-safe alphabet without padding, spelled as it re-encodes, so a token has one spelling.
function fromBase64url(text: string): Bytes | undefined {
  const bytes = /^[A-Za-z0-9_-]+$/.test(text) ? decodeBase64(text) : undefined;
  return bytes !== undefined && encodeBase64url(bytes) === text ? bytes : undefined;
}

function randomKeyId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
