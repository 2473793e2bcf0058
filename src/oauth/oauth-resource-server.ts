import { decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import type { HTTPRequestInfo } from '../transports/http/exchange.ts';
import type { ResourceServer, TokenVerification } from '../transports/http/resource-server.ts';
import { AuthorizationServerKeys } from './authorization-server-keys.ts';
import { readBearerToken } from './bearer-token.ts';
import { canonicalResource, type OAuthResourceServerOptions, resolveOAuthOptions } from './oauth-options.ts';
import { OAuthPrincipal, scopesOf } from './oauth-principal.ts';
import { expandScopes } from './scope-hierarchy.ts';
import { invalidToken, refusalOf } from './token-refusal.ts';

/**
 * An OAuth 2.1 resource server for JWT access tokens, as the MCP authorization spec asks: each
 * request's bearer token is verified with the authorization server's keys (its JWKS, cached, fetched
 * again on rotation), and its issuer, audience (this server's canonical URI, RFC 8707) and expiry are
 * checked; the caller becomes an `OAuthPrincipal`. Give it to an HTTP transport's `oauth` option,
 * which serves the metadata (RFC 9728) and checks the scopes of tools, resources and prompts.
 * @example
 * const oauth = new OAuthResourceServer({
 *   resource: 'https://mcp.example.com',
 *   issuer: 'https://auth.example.com',
 *   scopes: ['mcp'],
 * });
 * const http = new McpHttpServer(server, { oauth });
 * await http.listen(':8080');
 */
export class OAuthResourceServer implements ResourceServer {
  readonly resource: string;
  readonly scopes: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly #o: ReturnType<typeof resolveOAuthOptions>;
  readonly #keys: AuthorizationServerKeys;

  constructor(options: OAuthResourceServerOptions) {
    const o = resolveOAuthOptions(options);
    this.#o = o;
    this.resource = o.resource;
    this.scopes = o.scopes;
    const metadata: Record<string, unknown> = {
      ...o.metadata,
      resource: o.resource,
      authorization_servers: [o.issuer],
      bearer_methods_supported: ['header'],
    };
    if (o.scopesSupported !== undefined) metadata.scopes_supported = [...o.scopesSupported];
    this.metadata = Object.freeze(metadata);
    this.#keys = new AuthorizationServerKeys({
      issuer: o.issuer,
      jwksUri: o.jwksUri,
      timeout: o.timeout,
      cooldown: o.jwksCooldown,
      cacheMaxAge: o.jwksCacheMaxAge,
    });
  }

  /**
   * Verifies the request's bearer token. Resolves to the caller, or to a refusal that names what was
   * wrong; rejects with `AUTHORIZATION_SERVER_UNAVAILABLE` when the keys cannot be fetched.
   */
  async verify(req: HTTPRequestInfo): Promise<TokenVerification> {
    const read = readBearerToken(req);
    if (!read.ok) return read;
    const { token } = read;
    const o = this.#o;
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      return invalidToken('is not a JWT (three base64url parts, the second a JSON object of claims)');
    }
    // Refused before any key is fetched, so that foreign tokens cost no request to the authorization server.
    if (unverified.iss !== o.issuer) {
      return invalidToken(
        `was issued by ${JSON.stringify(unverified.iss ?? null)}, not by this server's authorization server ${JSON.stringify(o.issuer)}`,
      );
    }
    const audiences = typeof unverified.aud === 'string' ? [unverified.aud] : (unverified.aud ?? []);
    if (!audiences.some((aud) => o.audience.has(canonicalResource(aud) ?? ''))) {
      return invalidToken(
        `was issued for audience ${JSON.stringify(unverified.aud ?? null)}, not for this server (${o.resource}); request it with resource=${o.resource} (RFC 8707)`,
      );
    }
    const keys = await this.#keys.resolver();
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: o.issuer,
        algorithms: o.algorithms,
        clockTolerance: o.clockTolerance / 1000,
        requiredClaims: ['exp'],
        ...(o.typ === undefined ? {} : { typ: o.typ }),
      }));
    } catch (error) {
      return refusalOf(error, o);
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') {
      return invalidToken('names no subject (sub); this server binds sessions to the subject');
    }
    const granted = expandScopes(scopesOf(claims), o.impliedScopes);
    return { ok: true, principal: new OAuthPrincipal(claims, granted), scopes: granted };
  }
}
