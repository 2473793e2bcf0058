import type { JSONRPCMessage } from '../protocol/jsonrpc.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { Catalog } from './catalog.ts';

/** What one request needs beyond what every request needs: the operation, and the OAuth scopes of its definition. */
export interface ScopeNeed {
  /** Names the operation in messages: `tool "delete_file"`, `resource "file:///a"`. */
  readonly target: string;
  readonly scopes: readonly string[];
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Checks the `scopes` of a definition once, at registration (`where` names it in the error), or of
 * an option (`code` `INVALID_OPTION`, `where` names the option).
 */
export function checkScopes(
  scopes: unknown,
  where: string,
  code: 'INVALID_DEFINITION' | 'INVALID_OPTION' = 'INVALID_DEFINITION',
): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  const bad = (why: string) =>
    new McpLiveError(
      code,
      code === 'INVALID_OPTION' ? `${where} is invalid: ${why}` : `${where} has invalid scopes: ${why}`,
    );
  if (!Array.isArray(scopes)) throw bad(`expected an array of scope strings, got ${typeof scopes}`);
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw bad(
        `${JSON.stringify(scope)} is not an OAuth scope (printable ASCII without spaces, '"' or '\\', RFC 6749 §3.3)`,
      );
    }
  }
  return scopes.length === 0 ? undefined : Object.freeze([...new Set(scopes as string[])]);
}

/**
 * The scopes the definition a request addresses asks for: the tool of `tools/call`, the resource (or
 * template) of `resources/read`, `resources/subscribe` and `subscriptions/listen`, the prompt of
 * `prompts/get`, the prompt or template of `completion/complete`. `undefined` when it asks for none
 * (an unknown name is left to the method, which answers it as usual).
 */
export function scopeNeed(catalog: Catalog, message: JSONRPCMessage): ScopeNeed | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const params = (message.params ?? {}) as Record<string, unknown>;
  switch (message.method) {
    case 'tools/call':
      return need(`tool ${quote(params.name)}`, catalog.tools.get(String(params.name))?.scopes);
    case 'prompts/get':
      return need(`prompt ${quote(params.name)}`, catalog.prompts.get(String(params.name))?.scopes);
    case 'resources/read':
    case 'resources/subscribe':
      return typeof params.uri === 'string' ? resourceNeed(catalog, [params.uri]) : undefined;
    case 'subscriptions/listen': {
      const uris = (params.notifications as { resourceSubscriptions?: unknown } | undefined)
        ?.resourceSubscriptions;
      return Array.isArray(uris)
        ? resourceNeed(
            catalog,
            uris.filter((u) => typeof u === 'string'),
          )
        : undefined;
    }
    case 'completion/complete':
      return completionNeed(catalog, params.ref);
    default:
      return undefined;
  }
}

function resourceNeed(catalog: Catalog, uris: readonly string[]): ScopeNeed | undefined {
  const scopes = new Set<string>();
  let first: string | undefined;
  for (const uri of uris) {
    // A static resource serves its URI even where a template matches it too.
    const resource = catalog.resources.get(uri);
    const own = resource !== undefined ? resource.scopes : catalog.matchTemplate(uri)?.entry.scopes;
    if (own === undefined) continue;
    first ??= uri;
    for (const scope of own) scopes.add(scope);
  }
  return first === undefined ? undefined : { target: `resource ${quote(first)}`, scopes: [...scopes] };
}

function completionNeed(catalog: Catalog, ref: unknown): ScopeNeed | undefined {
  if (typeof ref !== 'object' || ref === null) return undefined;
  const { type, name, uri } = ref as { type?: unknown; name?: unknown; uri?: unknown };
  if (type === 'ref/prompt') {
    return need(`prompt ${quote(name)}`, catalog.prompts.get(String(name))?.scopes);
  }
  if (type === 'ref/resource') {
    const template = catalog.templates.find((t) => t.template.template === uri);
    return need(`resource template ${quote(uri)}`, template?.scopes);
  }
  return undefined;
}

function need(target: string, scopes: readonly string[] | undefined): ScopeNeed | undefined {
  return scopes === undefined ? undefined : { target, scopes };
}

function quote(value: unknown): string {
  return JSON.stringify(String(value));
}
