import { McpLiveError } from '../protocol/mcp-live-error.ts';

/** Broader scopes and the narrower ones each implies, such as `{ 'files:write': ['files:read'] }`. */
export type ScopeImplications = Readonly<Record<string, readonly string[]>>;

/**
 * The scopes granted by `scopes` once implications are followed (transitively, so `admin` → `write` →
 * `read` grants all three), as the MCP spec asks: a broader scope satisfies a narrower one.
 */
export function expandScopes(scopes: readonly string[], implies: ScopeImplications): string[] {
  const granted = new Set(scopes);
  const pending = [...scopes];
  for (let scope = pending.pop(); scope !== undefined; scope = pending.pop()) {
    for (const narrower of Object.hasOwn(implies, scope) ? implies[scope]! : []) {
      if (granted.has(narrower)) continue;
      granted.add(narrower);
      pending.push(narrower);
    }
  }
  return [...granted];
}

/** Checks `impliedScopes` once: each value an array of scope strings; `owner` names the option. */
export function checkImplications(value: unknown, owner: string): ScopeImplications {
  if (value === undefined) return {};
  const fail = (why: string) => new McpLiveError('INVALID_OPTION', `${owner} option impliedScopes ${why}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(`must be an object of scope → implied scopes, such as { "files:write": ["files:read"] }`);
  }
  for (const [scope, implied] of Object.entries(value)) {
    if (!Array.isArray(implied) || !implied.every((s) => typeof s === 'string' && s !== '')) {
      throw fail(`entry ${JSON.stringify(scope)} must be an array of scope strings`);
    }
  }
  return value as ScopeImplications;
}
