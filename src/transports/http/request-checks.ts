import type { McpServer } from '../../server/mcp-server.ts';
import type { AuthenticateSettings } from './authenticate.ts';
import { type CORSOptions, CORSPolicy } from './cors.ts';
import type { HTTPRequestInfo } from './exchange.ts';
import { createOriginGuard, type OriginGuardOptions } from './origin-guard.ts';

/** The resolved options every HTTP transport checks its requests with. */
export interface RequestCheckOptions extends Omit<OriginGuardOptions, 'allowedOrigins'> {
  allowedOrigins?: readonly string[] | undefined;
  cors: CORSOptions | undefined;
  authenticate?: ((req: HTTPRequestInfo) => unknown) | undefined;
  wwwAuthenticate: string;
}

/** What a transport checks before serving a request: Host/Origin, CORS, and who is calling. */
export interface RequestChecks {
  guard: ReturnType<typeof createOriginGuard>;
  cors: CORSPolicy | undefined;
  auth: AuthenticateSettings | undefined;
}

/** Builds a transport's request checks; `allow` is its `Allow` list for CORS preflights. */
export function createRequestChecks(o: RequestCheckOptions, server: McpServer, allow: string): RequestChecks {
  // Origins listed for CORS are the ones the user means to let in: the guard accepts them too.
  const corsOrigin = o.cors?.origin;
  const listed =
    typeof corsOrigin === 'string' ? (corsOrigin === '*' ? undefined : [corsOrigin]) : corsOrigin;
  const guard = createOriginGuard({
    allowedHosts: o.allowedHosts,
    allowedOrigins: o.allowedOrigins ?? (Array.isArray(listed) ? listed : undefined),
    dnsRebindingProtection: o.dnsRebindingProtection,
  });
  const cors = o.cors === undefined ? undefined : new CORSPolicy(o.cors, allow);
  return { guard, cors, auth: createAuthSettings(o, server) };
}

/** Who is calling, as every wire of an engine checks it; `undefined` without an `authenticate` option. */
export function createAuthSettings(
  o: Pick<RequestCheckOptions, 'authenticate' | 'wwwAuthenticate'>,
  server: McpServer,
): AuthenticateSettings | undefined {
  const { authenticate } = o;
  if (authenticate === undefined) return undefined;
  return {
    authenticate,
    challenge: o.wwwAuthenticate,
    report: (error: unknown) => server.reportError(error),
  };
}
