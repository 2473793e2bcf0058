// The seed's header check made real: a bearer token on every MCP request when MCP_LIVE_TOKEN is set,
// and a loopback-only bind when it is not.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { HTTPRequestInfo } from '../../src/index.ts';

/** Who a request with the right token is. */
export interface LivePrincipal {
  kind: 'bearer';
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** An `authenticate` option that accepts `Authorization: Bearer <token>` and nothing else. */
export function bearerAuthenticator(token: string): (req: HTTPRequestInfo) => LivePrincipal | undefined {
  const expected = digest(token);
  return (req) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.get('authorization') ?? '');
    // Comparing digests keeps the comparison constant-time whatever the length of the guess.
    if (match === null || !timingSafeEqual(digest(match[1]!), expected)) return undefined;
    return { kind: 'bearer' };
  };
}

/** `localhost`, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare.startsWith('::ffff:127.');
}

/** The reason a server without a token may not listen on `host`, or undefined when it may. */
export function refuseOpenBind(host: string, token: string | undefined): string | undefined {
  if (token !== undefined || isLoopbackHost(host)) return undefined;
  return (
    `Refusing to listen on ${host} without a token: anyone who can reach it could use the server. ` +
    'Set MCP_LIVE_TOKEN to a secret (clients then send "Authorization: Bearer <token>"), or listen on 127.0.0.1.'
  );
}
