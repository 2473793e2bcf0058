import { ErrorCode } from '../protocol/jsonrpc.ts';
import type { Implementation, ServerCapabilities } from '../protocol/lifecycle.ts';
import { isProtocolError, ProtocolError } from '../protocol/protocol-error.ts';
import { MetaKey, type RequestMeta, readRequestMeta } from '../protocol/request-meta.ts';
import { LEGACY_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS } from '../protocol/versions.ts';
import { cacheHintFor, type ResolvedCacheOptions } from './cache-hints.ts';
import type { Catalog } from './catalog.ts';
import { checkInputResponses, InputRounds, isRoundState } from './input-rounds.ts';
import { isPromiseLike } from './promise-like.ts';
import {
  canonicalArguments,
  digestCanonical,
  principalFingerprint,
  type RequestStateBinding,
  type RequestStateSealer,
} from './request-state.ts';
import type { Session } from './session.ts';

/** Methods the handshake revisions have and 2026-07-28 removed: a stateless request for one gets -32601. */
export const REMOVED_METHODS: ReadonlySet<string> = new Set([
  'initialize',
  'ping',
  'logging/setLevel',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/** Methods only 2026-07-28 has. */
export const STATELESS_METHODS: ReadonlySet<string> = new Set(['server/discover', 'subscriptions/listen']);

/** The requests that may end with `input_required`, and the parameter naming their target. */
const INPUT_TARGETS: Readonly<Record<string, 'name' | 'uri'>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

export interface StatelessSettings {
  catalog: Catalog;
  info: Implementation;
  instructions: string | undefined;
  capabilities: () => ServerCapabilities;
  cache: ResolvedCacheOptions;
  sealer: RequestStateSealer;
}

/** One stateless request, checked and ready to run. */
export interface StatelessRun {
  meta: RequestMeta;
  rounds: InputRounds | undefined;
  /** What a sealed state of this request is bound to (`bindingOf`), for a request that may ask for input. */
  binding: BindingSource | undefined;
}

/** What a request's binding is worked out from, only when a state is opened or sealed. */
interface BindingSource {
  method: string;
  target: string;
  session: Session;
  /** The request's JSON as it arrived, read again for its arguments unless `canonical` has them. */
  text: string | undefined;
  /** The arguments' canonical text, when taken at once (`argumentsNow`). */
  canonical: string | undefined;
}

/**
 * Reads a stateless request's `_meta` and, for a request that may ask for input, opens the state its
 * earlier round sealed: a tampered, expired or foreign `requestState` is refused here, before any
 * handler runs. Only that opening waits; a request without a state is ready at once. `text` is the
 * JSON the request arrived as, when the transport has it (see `MessageExtra.text`); `envelope` its
 * `_meta`, when the transport read it already (`MessageExtra.meta`).
 */
export function prepareStateless(
  settings: StatelessSettings,
  session: Session,
  method: string,
  params: Record<string, unknown>,
  text?: string,
  envelope?: RequestMeta,
): StatelessRun | Promise<StatelessRun> {
  const meta = envelope ?? readRequestMeta(params);
  const targetKey = INPUT_TARGETS[method];
  if (targetKey === undefined) return { meta, rounds: undefined, binding: undefined };
  checkInputResponses(params.inputResponses);
  const target = params[targetKey];
  const binding: BindingSource = {
    method,
    target: typeof target === 'string' ? target : '',
    session,
    text,
    canonical: argumentsNow(method, params, text),
  };
  const token = params.requestState;
  if (token === undefined)
    return { meta, rounds: new InputRounds(undefined, params.inputResponses), binding };
  return openRound(settings, token, { meta, rounds: undefined, binding }, params.inputResponses);
}

/**
 * The canonical text of the arguments a sealed state is bound to, as they arrived (a handler may
 * change the object): taken now only when there is no JSON to read them from later. Most calls never
 * open or seal a state, and with the request's JSON at hand they are read again only when one does.
 */
function argumentsNow(method: string, params: Record<string, unknown>, text: string | undefined) {
  if (method === 'resources/read') return 'null';
  return text === undefined ? canonicalArguments(params.arguments ?? null) : undefined;
}

async function bindingOf(source: BindingSource): Promise<RequestStateBinding> {
  let canonical = source.canonical;
  if (canonical === undefined) {
    const arrived = JSON.parse(source.text!) as { params?: { arguments?: unknown } };
    canonical = canonicalArguments(arrived.params?.arguments ?? null);
  }
  return {
    method: source.method,
    target: source.target,
    argsDigest: await digestCanonical(canonical),
    principal: principalFingerprint(source.session.principal),
  };
}

async function openRound(
  settings: StatelessSettings,
  token: unknown,
  run: StatelessRun,
  responses: unknown,
): Promise<StatelessRun> {
  if (typeof token !== 'string') {
    throw ProtocolError.invalidParams('"requestState" must be the string the server sent, echoed unchanged');
  }
  const previous = await settings.sealer.open(token, await bindingOf(run.binding!));
  if (!isRoundState(previous)) {
    throw ProtocolError.invalidParams('"requestState" was not issued by this server for an input round');
  }
  return { meta: run.meta, rounds: new InputRounds(previous, responses), binding: run.binding };
}

const NEEDED = Symbol('input needed');

/** What `server/discover` lists: the stateless revisions, then the handshake ones, newest first. */
const NEWEST_FIRST: readonly string[] = [
  ...MODERN_PROTOCOL_VERSIONS,
  ...[...LEGACY_PROTOCOL_VERSIONS].reverse(),
];

/**
 * Runs a stateless request's handler. When it asks for input it does not have, the request ends with
 * `input_required`: the missing requests, and the rounds so far sealed into `requestState`. A request
 * that cannot ask (no rounds) gets its handler's value as is, a promise or not: no frame of this
 * function waits for it (a listen stream may wait for hours).
 */
export function runStateless(
  settings: StatelessSettings,
  run: StatelessRun,
  handler: () => unknown,
): unknown {
  return run.rounds === undefined ? handler() : runRounds(settings, run, run.rounds, handler);
}

/**
 * A handler that can ask for input: its value as is when it returns one without waiting (it cannot
 * have been left waiting for input then), else whichever comes first of its value and its asking
 * for input it does not have.
 */
function runRounds(
  settings: StatelessSettings,
  run: StatelessRun,
  rounds: NonNullable<StatelessRun['rounds']>,
  handler: () => unknown,
): unknown {
  const value = handler();
  return isPromiseLike(value) ? raceRounds(settings, run, rounds, value) : value;
}

async function raceRounds(
  settings: StatelessSettings,
  run: StatelessRun,
  rounds: NonNullable<StatelessRun['rounds']>,
  handled: PromiseLike<unknown>,
): Promise<unknown> {
  const outcome = await Promise.race([handled, rounds.needed.then(() => NEEDED)]);
  if (outcome !== NEEDED) return outcome;
  // The handler is left waiting; what it does after its asks fail is not answered.
  Promise.resolve(handled).catch(() => {});
  rounds.close();
  const requestState = await settings.sealer.seal(rounds.toState(), await bindingOf(run.binding!));
  return { resultType: 'input_required', inputRequests: rounds.missing, requestState };
}

/** `server/discover`: the versions, capabilities and identity of this server. */
export function discover(settings: StatelessSettings): Record<string, unknown> {
  const result: Record<string, unknown> = {
    supportedVersions: [...NEWEST_FIRST],
    capabilities: settings.capabilities(),
  };
  if (settings.instructions !== undefined) result.instructions = settings.instructions;
  return result;
}

/**
 * What every stateless result carries: `resultType`, the server's identity in `_meta`, and, for a
 * complete result of a cacheable method, its caching hint (a hint the handler set itself is kept).
 */
export function finishStateless(
  settings: StatelessSettings,
  method: string,
  params: Record<string, unknown>,
  result: Record<string, unknown>,
): Record<string, unknown> {
  // Object.assign, not `{ ...a, b }`: V8 (Node 20) takes a slow path for a spread with more keys after it.
  const out: Record<string, unknown> = Object.assign({}, result);
  out.resultType ??= 'complete';
  const given = out._meta;
  const meta: Record<string, unknown> =
    typeof given === 'object' && given !== null ? Object.assign({}, given as Record<string, unknown>) : {};
  meta[MetaKey.ServerInfo] = settings.info;
  out._meta = meta;
  if (out.resultType === 'complete') {
    const hint = cacheHintFor(method, params, settings.catalog, settings.cache);
    if (hint !== undefined) {
      out.ttlMs ??= hint.ttlMs;
      out.cacheScope ??= hint.cacheScope;
    }
  }
  return out;
}

/** 2026-07-28 reports an unknown resource as invalid params (-32602), not -32002. */
export function statelessError(error: unknown): unknown {
  if (isProtocolError(error) && error.code === ErrorCode.ResourceNotFound) {
    return new ProtocolError(ErrorCode.InvalidParams, error.message, { data: error.data, cause: error });
  }
  return error;
}
