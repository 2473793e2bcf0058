import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { Catalog } from './catalog.ts';

/** Who may keep a cached result: anyone (`public`), or only the same authorization context (`private`). */
export type CacheScope = 'public' | 'private';

/** A result's caching hint (MCP 2026-07-28): how long a client may treat it as fresh, and who may keep it. */
export interface CacheHint {
  /** ms the result stays fresh; 0: stale at once. */
  ttlMs: number;
  cacheScope: CacheScope;
}

/** Caching hints a server puts on its results to stateless (2026-07-28) requests. */
export interface CacheOptions {
  /** `server/discover`. @default { ttlMs: 60_000, cacheScope: 'public' } */
  discover?: Partial<CacheHint>;
  /** `tools/list`, `prompts/list`, `resources/list` and `resources/templates/list`. @default { ttlMs: 60_000, cacheScope: 'public' } */
  lists?: Partial<CacheHint>;
  /** `resources/read`, unless the resource or template sets its own `cache`. @default { ttlMs: 0, cacheScope: 'private' } */
  resources?: Partial<CacheHint>;
}

export interface ResolvedCacheOptions {
  discover: CacheHint;
  lists: CacheHint;
  resources: CacheHint;
}

const LISTS = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']);

/** Merges the defaults in and checks every hint. */
export function resolveCacheOptions(options: CacheOptions = {}): ResolvedCacheOptions {
  return {
    discover: checkHint(
      { ttlMs: 60_000, cacheScope: 'public', ...options.discover },
      'McpServer option cache.discover',
    ),
    lists: checkHint(
      { ttlMs: 60_000, cacheScope: 'public', ...options.lists },
      'McpServer option cache.lists',
    ),
    resources: checkHint(
      { ttlMs: 0, cacheScope: 'private', ...options.resources },
      'McpServer option cache.resources',
    ),
  };
}

/**
 * Checks a hint given as an option (`INVALID_OPTION`) or on a definition (`INVALID_DEFINITION`);
 * `where` names it in the error.
 */
export function checkHint(
  hint: CacheHint,
  where: string,
  code: 'INVALID_OPTION' | 'INVALID_DEFINITION' = 'INVALID_OPTION',
): CacheHint {
  if (!(Number.isInteger(hint.ttlMs) && hint.ttlMs >= 0)) {
    throw new McpLiveError(code, `${where}.ttlMs must be an integer ≥ 0 (got ${hint.ttlMs})`);
  }
  if (hint.cacheScope !== 'public' && hint.cacheScope !== 'private') {
    throw new McpLiveError(
      code,
      `${where}.cacheScope must be "public" or "private" (got ${JSON.stringify(hint.cacheScope)})`,
    );
  }
  return hint;
}

/**
 * The hint for a complete result of `method`, or `undefined` for a method whose results are not
 * cacheable. A retried request (it carried `inputResponses` or `requestState`) is never cacheable.
 */
export function cacheHintFor(
  method: string,
  params: Record<string, unknown>,
  catalog: Catalog,
  options: ResolvedCacheOptions,
): CacheHint | undefined {
  if (method === 'server/discover') return options.discover;
  if (LISTS.has(method)) return options.lists;
  if (method !== 'resources/read') return undefined;
  if (params.inputResponses !== undefined || params.requestState !== undefined) {
    return { ttlMs: 0, cacheScope: 'private' };
  }
  const uri = params.uri;
  if (typeof uri !== 'string') return options.resources;
  const own = catalog.resources.get(uri)?.cache ?? catalog.matchTemplate(uri)?.entry.config.cache;
  return own === undefined ? options.resources : { ...options.resources, ...own };
}
