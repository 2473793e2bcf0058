import { McpLiveError } from '../../protocol/mcp-live-error.ts';
import type { McpServer } from '../../server/mcp-server.ts';
import { type AuthenticateSettings, callbackAuth, resourceServerAuth } from './authenticate.ts';
import { type CORSOptions, CORSPolicy } from './cors.ts';
import type { HTTPRequestInfo } from './exchange.ts';
import { createOriginGuard, type OriginGuardOptions } from './origin-guard.ts';
import type { ResourceServer } from './resource-server.ts';

/** The resolved options every HTTP transport checks its requests with. */
export interface RequestCheckOptions extends Omit<OriginGuardOptions, 'allowedOrigins'> {
  allowedOrigins?: readonly string[] | undefined;
  cors: CORSOptions | undefined;
}

/** What a transport checks before serving a request: Host/Origin and CORS (who is calling is `AuthenticateSettings`). */
export interface RequestChecks {
  guard: ReturnType<typeof createOriginGuard>;
  cors: CORSPolicy | undefined;
}

/** Builds a transport's request checks; `allow` is its `Allow` list for CORS preflights. */
export function createRequestChecks(o: RequestCheckOptions, allow: string): RequestChecks {
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
  return { guard, cors };
}

/** The options that say who is calling. */
export interface AuthOptions {
  authenticate?: ((req: HTTPRequestInfo) => unknown) | undefined;
  oauth?: ResourceServer | undefined;
  wwwAuthenticate: string;
}

/**
 * Who is calling, as every wire of an engine checks it: the `oauth` resource server or the
 * `authenticate` callback (not both; `owner` names the class in that error); `undefined` without either.
 */
export function createAuthSettings(
  o: AuthOptions,
  server: McpServer,
  owner: string,
): AuthenticateSettings | undefined {
  const report = (error: unknown) => server.reportError(error);
  if (o.oauth !== undefined) {
    if (o.authenticate !== undefined) {
      throw new McpLiveError(
        'INVALID_OPTION',
        `${owner} takes either an oauth resource server or an authenticate callback, not both; drop authenticate (the resource server verifies bearer tokens) or oauth`,
      );
    }
    return resourceServerAuth(o.oauth, report);
  }
  if (o.authenticate === undefined) return undefined;
  return callbackAuth(o.authenticate, o.wwwAuthenticate, report);
}
