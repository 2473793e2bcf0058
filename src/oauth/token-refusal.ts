import { errorText } from '../protocol/error-text.ts';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import type { TokenRefusal } from '../transports/http/resource-server.ts';

/** A 401 `invalid_token` refusal saying what is wrong with the token. */
export function invalidToken(why: string): { ok: false; refusal: TokenRefusal } {
  return {
    ok: false,
    refusal: { status: 401, error: 'invalid_token', description: `the access token ${why}` },
  };
}

/**
 * What a `jwtVerify` failure means for the caller: a refusal naming what was wrong with the token, or
 * (thrown) `AUTHORIZATION_SERVER_UNAVAILABLE` when the keys could not be had, which is no fault of the
 * token.
 */
export function refusalOf(
  error: unknown,
  context: { issuer: string; algorithms: readonly string[]; typ: string | undefined },
): { ok: false; refusal: TokenRefusal } {
  const { code, claim, payload } = error as { code?: unknown; claim?: unknown; payload?: { exp?: unknown } };
  switch (code) {
    case 'ERR_JWT_EXPIRED': {
      const exp = payload?.exp;
      const when = typeof exp === 'number' ? ` at ${new Date(exp * 1000).toISOString()}` : '';
      return invalidToken(`expired${when}; get a new one from the authorization server`);
    }
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return invalidToken(claimProblem(String(claim), errorText(error), context.typ));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalidToken(
        `has a signature that does not verify with the keys of ${context.issuer}: it was altered, or not signed by that authorization server`,
      );
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalidToken(
        `was signed with a key that ${context.issuer} does not publish in its JWKS (by its kid and alg)`,
      );
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return invalidToken(
        `is signed with an algorithm this server does not accept (it accepts ${context.algorithms.join(', ')})`,
      );
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return invalidToken(`is not a valid JWT: ${errorText(error)}`);
    default:
      throw new McpLiveError(
        'AUTHORIZATION_SERVER_UNAVAILABLE',
        `Cannot verify access tokens: the signing keys of ${context.issuer} could not be fetched (${errorText(error)})`,
        { cause: error },
      );
  }
}

function claimProblem(claim: string, reason: string, typ: string | undefined): string {
  if (claim === 'nbf') return 'is not valid yet (nbf is in the future; check the clocks)';
  if (claim === 'iat') return 'was issued in the future (iat; check the clocks)';
  if (claim === 'exp') return 'has no expiry (exp); this server takes only tokens that expire';
  if (claim === 'typ') return `does not have the JOSE type ${JSON.stringify(typ)} this server requires`;
  return `has a "${claim}" claim this server refuses: ${reason}`;
}
