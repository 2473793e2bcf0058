import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { errorText } from '../protocol/error-text.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';

/** How the keys of an authorization server are found and kept. */
export interface KeySettings {
  readonly issuer: string;
  /** The JWKS URL; `undefined`: read `jwks_uri` from the issuer's metadata. */
  readonly jwksUri: string | undefined;
  /** ms a metadata or JWKS fetch may take. */
  readonly timeout: number;
  /** ms after a JWKS fetch before a token with an unknown key id makes another. */
  readonly cooldown: number;
  /** ms keys are kept before they are fetched again. */
  readonly cacheMaxAge: number;
}

/**
 * The signing keys of one authorization server: its JWKS, found through its metadata (RFC 8414, then
 * OpenID Connect Discovery, in the order the MCP spec gives) unless its URL is configured, fetched on
 * first use, cached, and fetched again when a token names a key it lacks (rotation), at most once per
 * cooldown. A failed discovery is tried again on the next request.
 */
export class AuthorizationServerKeys {
  readonly #settings: KeySettings;
  #keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(settings: KeySettings) {
    this.#settings = settings;
  }

  /** The key resolver for `jwtVerify`; rejects with `AUTHORIZATION_SERVER_UNAVAILABLE`. */
  resolver(): Promise<JWTVerifyGetKey> {
    if (this.#keys === undefined) {
      const found = this.#discover().then((url) =>
        createRemoteJWKSet(url, {
          timeoutDuration: this.#settings.timeout,
          cooldownDuration: this.#settings.cooldown,
          cacheMaxAge: this.#settings.cacheMaxAge,
        }),
      );
      found.catch(() => {
        if (this.#keys === found) this.#keys = undefined;
      });
      this.#keys = found;
    }
    return this.#keys;
  }

  async #discover(): Promise<URL> {
    const { issuer, jwksUri, timeout } = this.#settings;
    if (jwksUri !== undefined) return new URL(jwksUri);
    const tried: string[] = [];
    for (const url of metadataURLs(issuer)) {
      let why: string;
      try {
        const response = await fetch(url, {
          headers: { Accept: 'application/json' },
          redirect: 'manual',
          signal: AbortSignal.timeout(timeout),
        });
        if (response.status !== 200) {
          await response.body?.cancel();
          why = `HTTP ${response.status}`;
        } else {
          const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
          if (metadata.issuer !== issuer) {
            why = `it names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}`;
          } else if (typeof metadata.jwks_uri !== 'string') {
            why = 'it has no jwks_uri';
          } else {
            return new URL(metadata.jwks_uri);
          }
        }
      } catch (error) {
        why = errorText(error);
      }
      tried.push(`${url} (${why})`);
    }
    throw new McpLiveError(
      'AUTHORIZATION_SERVER_UNAVAILABLE',
      `Cannot find the signing keys of authorization server ${issuer}: no metadata document served them: ${tried.join('; ')}. Check the issuer, or set jwksUri`,
    );
  }
}

/** The metadata URLs of an issuer, in the order the MCP spec says clients try them. */
export function metadataURLs(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const { origin } = url;
  if (path === '') {
    return [`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`];
  }
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}/.well-known/openid-configuration${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
  ];
}
