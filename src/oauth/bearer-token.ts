import type { HTTPRequestInfo } from '../transports/http/exchange.ts';
import { queryParam } from '../transports/http/exchange.ts';
import type { TokenRefusal } from '../transports/http/resource-server.ts';

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The bearer token of a request (RFC 6750 §2.1), or why there is none to verify. */
export function readBearerToken(
  req: HTTPRequestInfo,
): { ok: true; token: string } | { ok: false; refusal: TokenRefusal } {
  if (queryParam(req.search, 'access_token') !== undefined) {
    const description =
      'the access token is in the URL query, where MCP forbids it (URLs are logged); send it in an Authorization: Bearer header';
    return { ok: false, refusal: { status: 400, error: 'invalid_request', description } };
  }
  const header = req.headers.get('authorization');
  if (header === null || header.trim() === '') {
    const description = 'the request carries no access token; send Authorization: Bearer <token>';
    return { ok: false, refusal: { status: 401, description } };
  }
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    const description = `the Authorization header uses the ${JSON.stringify(scheme)} scheme; this server takes Bearer tokens`;
    return { ok: false, refusal: { status: 401, description } };
  }
  const token = header.slice(space + 1).trim();
  if (space === -1 || !B64TOKEN.test(token)) {
    const description = 'the Authorization header is malformed: expected "Bearer", one space and one token';
    return { ok: false, refusal: { status: 400, error: 'invalid_request', description } };
  }
  return { ok: true, token };
}
