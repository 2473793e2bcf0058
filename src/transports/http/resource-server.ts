import type { HTTPRequestInfo } from './exchange.ts';

/** Why a request's bearer token was not taken (RFC 6750 §3.1). */
export interface TokenRefusal {
  /** 400: a malformed request (`invalid_request`); 401: no token, or one that is not valid here. */
  readonly status: 400 | 401;
  /** None when the request carried no token at all. */
  readonly error?: 'invalid_request' | 'invalid_token';
  /** What was wrong and what to do, for a person: it goes in the answer and its challenge. */
  readonly description: string;
}

/** What `ResourceServer.verify` found. */
export type TokenVerification =
  | {
      readonly ok: true;
      /** Who is calling: kept as `session.principal`, seen as `ctx.principal`; compared as JSON. */
      readonly principal: unknown;
      /** The scopes the token grants, with those they imply. */
      readonly scopes: readonly string[];
    }
  | { readonly ok: false; readonly refusal: TokenRefusal };

/**
 * An OAuth 2.1 resource server, as the HTTP transports use it through their `oauth` option: it
 * verifies bearer tokens and describes itself (RFC 9728). `OAuthResourceServer` from `mcp-live/oauth`
 * is one, for JWT access tokens; implement this for other kinds (token introspection, say).
 */
export interface ResourceServer {
  /** The canonical URI of this MCP server (RFC 8707): tokens must be issued for it. */
  readonly resource: string;
  /** Scopes every request needs; a token without them gets 403 `insufficient_scope`. */
  readonly scopes: readonly string[];
  /** The Protected Resource Metadata document (RFC 9728 §2), served at its well-known paths. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /**
   * Checks the bearer token of a request. Rejects (answered 503, and reported) with an
   * `McpLiveError` of code `AUTHORIZATION_SERVER_UNAVAILABLE` when tokens cannot be checked now;
   * any other rejection is answered 500.
   */
  verify(req: HTTPRequestInfo): Promise<TokenVerification>;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * Where the metadata of `resource` is served (RFC 9728 §3.1): the URL challenges name (the well-known
 * prefix inserted before the resource's path), and the paths answered, that one and the root form.
 */
export function resourceMetadataLocation(resource: string): { url: string; paths: readonly string[] } {
  const parsed = new URL(resource);
  const path = parsed.pathname.replace(/\/+$/, '');
  const paths = path === '' ? [WELL_KNOWN] : [WELL_KNOWN + path, WELL_KNOWN];
  return { url: `${parsed.origin}${paths[0]}`, paths };
}
