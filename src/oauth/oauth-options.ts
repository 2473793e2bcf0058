import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { checkScopes } from '../server/required-scopes.ts';
import { checkImplications, type ScopeImplications } from './scope-hierarchy.ts';

/** Options of an `OAuthResourceServer`. */
export interface OAuthResourceServerOptions {
  /**
   * The canonical URI of this MCP server (RFC 8707), as clients reach it: tokens must name it in
   * `aud`, and its metadata is served at `/.well-known/oauth-protected-resource` plus its path. With
   * both wires (`/mcp` and `/sse`) use their common prefix, such as `https://mcp.example.com`: clients
   * accept a resource whose path is a prefix of the URL they connect to.
   */
  resource: string;
  /** The issuer identifier of the authorization server: its tokens' `iss`, and the metadata's `authorization_servers`. */
  issuer: string;
  /** The URL of the authorization server's JWKS. @default the `jwks_uri` of its metadata (RFC 8414 or OpenID Connect Discovery) */
  jwksUri?: string;
  /** Scopes every request needs; also named in every 401 challenge. @default [] */
  scopes?: readonly string[];
  /** The metadata's `scopes_supported`. @default `scopes`, when there are any */
  scopesSupported?: readonly string[];
  /** Broader scopes and the narrower ones each implies, such as `{ 'files:write': ['files:read'] }`. @default {} */
  impliedScopes?: ScopeImplications;
  /** Audiences accepted in `aud` (scheme and host case, and a trailing slash, do not matter). @default [resource] */
  audience?: readonly string[];
  /** JWS algorithms accepted. @default asymmetric ones: RS*, PS*, ES*, EdDSA, Ed25519 */
  algorithms?: readonly string[];
  /** A JOSE `typ` the tokens must have, such as `'at+jwt'` (RFC 9068); none is checked by default. */
  typ?: string;
  /** ms of clock skew allowed when checking `exp`, `nbf` and `iat`. @default 5_000 */
  clockTolerance?: number;
  /** ms a fetch of the metadata or the JWKS may take. @default 5_000 */
  timeout?: number;
  /** ms after a JWKS fetch before a token with an unknown key id makes another (rotation). @default 30_000 */
  jwksCooldown?: number;
  /** ms keys are kept before they are fetched again. @default 600_000 */
  jwksCacheMaxAge?: number;
  /** More members of the metadata document, such as `resource_name` and `resource_documentation` (RFC 9728 §2). */
  metadata?: Record<string, unknown>;
}

const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** The options with defaults applied and values checked. */
export interface ResolvedOAuthOptions {
  readonly resource: string;
  readonly issuer: string;
  readonly jwksUri: string | undefined;
  readonly scopes: readonly string[];
  readonly scopesSupported: readonly string[] | undefined;
  readonly impliedScopes: ScopeImplications;
  readonly audience: ReadonlySet<string>;
  readonly algorithms: string[];
  readonly typ: string | undefined;
  readonly clockTolerance: number;
  readonly timeout: number;
  readonly jwksCooldown: number;
  readonly jwksCacheMaxAge: number;
  readonly metadata: Record<string, unknown>;
}

const OWNER = 'OAuthResourceServer';

/** Applies the defaults and checks the options, once, at construction. */
export function resolveOAuthOptions(options: OAuthResourceServerOptions): ResolvedOAuthOptions {
  const fail = (message: string): never => {
    throw new McpLiveError('INVALID_OPTION', `${OWNER} option ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('object is missing: pass { resource, issuer }');
  const resource = canonicalURI(options.resource, 'resource', fail);
  // Compared as the exact string tokens carry (RFC 8414 §3.3): not canonicalized.
  if (absoluteURL(options.issuer, 'issuer', fail).hash !== '') fail('issuer must not have a fragment');
  const issuer = options.issuer;
  const jwksUri =
    options.jwksUri === undefined ? undefined : absoluteURL(options.jwksUri, 'jwksUri', fail).href;
  const duration = (name: string, value: number | undefined, fallback: number): number => {
    const ms = value ?? fallback;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      fail(`${name} must be a number of ms ≥ 0 (got ${String(value)})`);
    }
    return ms;
  };
  const scopes = checkScopes(options.scopes ?? [], `${OWNER} option scopes`, 'INVALID_OPTION') ?? [];
  const supported = options.scopesSupported ?? (scopes.length > 0 ? scopes : undefined);
  const audience = new Set([resource]);
  for (const entry of options.audience ?? []) audience.add(canonicalURI(entry, 'audience', fail));
  const algorithms = [...(options.algorithms ?? ALGORITHMS)];
  if (algorithms.length === 0 || algorithms.some((a) => typeof a !== 'string' || a.startsWith('HS'))) {
    fail(
      `algorithms must list asymmetric JWS algorithms such as "RS256" (got ${JSON.stringify(algorithms)})`,
    );
  }
  return {
    resource,
    issuer,
    jwksUri,
    scopes,
    scopesSupported:
      supported === undefined
        ? undefined
        : (checkScopes(supported, `${OWNER} option scopesSupported`, 'INVALID_OPTION') ?? []),
    impliedScopes: checkImplications(options.impliedScopes, OWNER),
    audience,
    algorithms,
    typ: options.typ,
    clockTolerance: duration('clockTolerance', options.clockTolerance, 5_000),
    timeout: duration('timeout', options.timeout, 5_000),
    jwksCooldown: duration('jwksCooldown', options.jwksCooldown, 30_000),
    jwksCacheMaxAge: duration('jwksCacheMaxAge', options.jwksCacheMaxAge, 600_000),
    metadata: { ...options.metadata },
  };
}

/**
 * The canonical form of a resource URI, for comparing audiences: lowercase scheme and host, no
 * default port, no trailing slash. `undefined` for a value that is not an absolute URL.
 */
export function canonicalResource(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
}

function canonicalURI(value: unknown, name: string, fail: (message: string) => never): string {
  const url = absoluteURL(value, name, fail);
  if (url.search !== '' || url.hash !== '') {
    fail(
      `${name} must not have a query or a fragment (got ${JSON.stringify(value)}); RFC 8707 names a resource by scheme, host and path`,
    );
  }
  return canonicalResource(url.href)!;
}

function absoluteURL(value: unknown, name: string, fail: (message: string) => never): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return fail(
      `${name} must be an absolute http(s) URL, such as "https://mcp.example.com" (got ${JSON.stringify(value)})`,
    );
  }
  return url;
}
