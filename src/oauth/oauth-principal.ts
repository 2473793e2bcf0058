import { McpLiveError } from '../protocol/mcp-live-error.ts';

const brand = Symbol.for('mcp-live.OAuthPrincipal');

/**
 * The caller of a request whose OAuth access token was verified: who it is and what the token grants,
 * as `ctx.principal` shows it. Its JSON form is its identity alone, `{ iss, sub }`: sessions, listen
 * streams, sealed request states and per-client limits are bound to that, so a refreshed token (new
 * `jti`, `exp`, scopes) of the same subject keeps its session, and another subject's token does not.
 */
export class OAuthPrincipal {
  /** The authorization server that issued the token (`iss`). */
  readonly issuer: string;
  /** Whom the token was issued for (`sub`): a user, or with client credentials the client itself. */
  readonly subject: string;
  /** The OAuth client the token was issued to (`client_id`, else `azp`). */
  readonly clientId: string | undefined;
  /** The scopes the token grants (`scope`, or `scp`), as it lists them. */
  readonly scopes: readonly string[];
  /** When the token expires (`exp`). */
  readonly expiresAt: Date | undefined;
  /** Every claim of the token. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly [brand] = true;
  readonly #granted: ReadonlySet<string>;

  /**
   * From a verified token's claims; `granted` is what `hasScope` answers for (the scopes with those they
   * imply). Throws `INVALID_OPTION` when `iss` or `sub` is not a non-empty string.
   */
  constructor(claims: Readonly<Record<string, unknown>>, granted?: Iterable<string>) {
    const { iss, sub, exp } = claims;
    if (typeof iss !== 'string' || iss === '' || typeof sub !== 'string' || sub === '') {
      throw new McpLiveError(
        'INVALID_OPTION',
        `OAuthPrincipal needs claims with a non-empty string "iss" and "sub" (got iss ${JSON.stringify(iss)}, sub ${JSON.stringify(sub)})`,
      );
    }
    this.issuer = iss;
    this.subject = sub;
    const client = claims.client_id ?? claims.azp;
    this.clientId = typeof client === 'string' ? client : undefined;
    this.scopes = Object.freeze(scopesOf(claims));
    this.expiresAt = typeof exp === 'number' ? new Date(exp * 1000) : undefined;
    this.claims = Object.freeze({ ...claims });
    this.#granted = new Set(granted ?? this.scopes);
  }

  /** Whether the token grants `scope`, itself or through a broader scope that implies it. */
  hasScope(scope: string): boolean {
    return this.#granted.has(scope);
  }

  /** The identity sessions are bound to and principals are compared by. */
  toJSON(): { iss: string; sub: string } {
    return { iss: this.issuer, sub: this.subject };
  }
}

/** True for an `OAuthPrincipal`, also one from another copy of this package. */
export function isOAuthPrincipal(value: unknown): value is OAuthPrincipal {
  return typeof value === 'object' && value !== null && brand in value;
}

/** The scopes of a token: RFC 9068's space-separated `scope`, or the `scp` array some servers use. */
export function scopesOf(claims: Readonly<Record<string, unknown>>): string[] {
  const { scope, scp } = claims;
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s !== '');
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter((s) => s !== '');
  return [];
}
