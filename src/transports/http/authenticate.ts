import type { Exchange, HTTPRequestInfo, ResponseHeaders } from './exchange.ts';
import { respondText } from './respond.ts';

/** Returned by `authenticateRequest` once it has answered (401 or 500): the caller stops there. */
export const DENIED: unique symbol = Symbol('denied');

/** How a transport authenticates its requests. */
export interface AuthenticateSettings {
  /** The user's callback: a principal, or `undefined`, `null` or `false` for 401. */
  authenticate: (req: HTTPRequestInfo) => unknown;
  /** The `WWW-Authenticate` challenge of 401 answers. */
  challenge: string;
  /** Where a callback that threw is reported. */
  report: (error: unknown) => void;
}

/**
 * Runs the `authenticate` callback for one exchange: returns the principal, or answers 401 (no
 * credentials) or 500 (the callback threw) and returns `DENIED`.
 */
export async function authenticateRequest(
  ex: Exchange,
  settings: AuthenticateSettings,
  cors: ResponseHeaders | undefined,
): Promise<unknown> {
  let principal: unknown;
  try {
    principal = await settings.authenticate(ex.request);
  } catch (error) {
    settings.report(error);
    respondText(ex, 500, 'Internal Server Error: authentication failed', cors);
    return DENIED;
  }
  if (principal === undefined || principal === null || principal === false) {
    respondText(ex, 401, 'Unauthorized: this server needs credentials', cors, {
      'WWW-Authenticate': settings.challenge,
    });
    return DENIED;
  }
  return principal;
}
