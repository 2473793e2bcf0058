import type { JSONRPCMessage } from '../../protocol/jsonrpc.ts';
import { isMcpLiveError } from '../../protocol/mcp-live-error.ts';
import type { McpServer } from '../../server/mcp-server.ts';
import type { ScopeNeed } from '../../server/required-scopes.ts';
import { transportHost } from '../../server/transport-host.ts';
import { formatBearerChallenge } from './bearer-challenge.ts';
import type { Exchange, HTTPRequestInfo, ResponseHeaders } from './exchange.ts';
import type { ResourceServer } from './resource-server.ts';
import { resourceMetadataLocation } from './resource-server.ts';
import { respondText } from './respond.ts';

/** Returned by `authenticateRequest` once it has answered (401, 403, 500…): the caller stops there. */
export const DENIED: unique symbol = Symbol('denied');

/** Who made a request, as authentication found it. */
export interface Caller {
  /** What `authenticate` returned, or the resource server's principal. */
  readonly principal: unknown;
  /** The scopes its token grants (implied ones included); only with a resource server. */
  readonly scopes?: readonly string[];
}

/** An answer that refuses a request before anything else is read. */
interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly headers?: ResponseHeaders;
}

/** How a transport authenticates its requests: an `authenticate` callback, or an OAuth resource server. */
export interface AuthenticateSettings {
  /** The caller of a request, or the answer that refuses it. */
  identify(req: HTTPRequestInfo): Promise<Caller | Refusal>;
  /** With a resource server: the scopes every request needs, and the challenge of a 403. */
  readonly scopes: ScopePolicy | undefined;
}

interface ScopePolicy {
  readonly required: readonly string[];
  challenge(scope: readonly string[], description: string): string;
}

/** Settings for the user's `authenticate` callback: a principal, or `undefined`, `null` or `false` for 401. */
export function callbackAuth(
  authenticate: (req: HTTPRequestInfo) => unknown,
  challenge: string,
  report: (error: unknown) => void,
): AuthenticateSettings {
  return {
    async identify(req) {
      let principal: unknown;
      try {
        principal = await authenticate(req);
      } catch (error) {
        report(error);
        return { status: 500, message: 'Internal Server Error: authentication failed' };
      }
      if (principal === undefined || principal === null || principal === false) {
        const message = 'Unauthorized: this server needs credentials';
        return { status: 401, message, headers: { 'WWW-Authenticate': challenge } };
      }
      return { principal };
    },
    scopes: undefined,
  };
}

/** Settings for an OAuth resource server: bearer tokens, RFC 6750 challenges naming its metadata. */
export function resourceServerAuth(
  rs: ResourceServer,
  report: (error: unknown) => void,
): AuthenticateSettings {
  const resourceMetadata = resourceMetadataLocation(rs.resource).url;
  return {
    async identify(req) {
      let verified: Awaited<ReturnType<ResourceServer['verify']>>;
      try {
        verified = await rs.verify(req);
      } catch (error) {
        report(error);
        if (!isMcpLiveError(error, 'AUTHORIZATION_SERVER_UNAVAILABLE')) {
          return { status: 500, message: 'Internal Server Error: token verification failed' };
        }
        const message =
          "Service Unavailable: access tokens cannot be verified now (the authorization server's keys could not be fetched); retry shortly";
        return { status: 503, message, headers: { 'Retry-After': '5' } };
      }
      if (verified.ok) return { principal: verified.principal, scopes: verified.scopes };
      const { status, error, description } = verified.refusal;
      const challenge = formatBearerChallenge(
        error === undefined
          ? { scope: rs.scopes, resourceMetadata }
          : { error, description, scope: rs.scopes, resourceMetadata },
      );
      const reason = status === 400 ? 'Bad Request' : 'Unauthorized';
      return { status, message: `${reason}: ${description}`, headers: { 'WWW-Authenticate': challenge } };
    },
    scopes: {
      required: rs.scopes,
      challenge: (scope, description) =>
        formatBearerChallenge({ error: 'insufficient_scope', scope, resourceMetadata, description }),
    },
  };
}

/**
 * Authenticates one exchange: returns its caller, or answers the refusal and returns `DENIED`. With a
 * resource server it also checks the scopes every request needs, unless `deferScopes` (a POST, whose
 * operations are known only once its body is read, checks them all at once with `refuseScopes`).
 */
export async function authenticateRequest(
  ex: Exchange,
  settings: AuthenticateSettings,
  cors: ResponseHeaders | undefined,
  deferScopes = false,
): Promise<Caller | typeof DENIED> {
  const found = await settings.identify(ex.request);
  if (!('principal' in found)) {
    respondText(ex, found.status, found.message, cors, found.headers);
    return DENIED;
  }
  if (!deferScopes && refuseScopes(ex, settings, found, cors)) return DENIED;
  return found;
}

/**
 * Answers 403 `insufficient_scope` when the caller's token lacks a scope that every request, or the
 * definition one of `messages` addresses (a tool, resource or prompt), requires; the challenge names
 * all of them at once, as the MCP authorization spec asks. Returns whether it answered. Without a
 * resource server nothing is checked.
 */
export function refuseScopes(
  ex: Exchange,
  settings: AuthenticateSettings | undefined,
  caller: Caller | undefined,
  cors: ResponseHeaders | undefined,
  operations?: { readonly server: McpServer; readonly messages: readonly JSONRPCMessage[] },
): boolean {
  const policy = settings?.scopes;
  if (policy === undefined || caller === undefined) return false;
  const needs: ScopeNeed[] = [];
  for (const message of operations?.messages ?? []) {
    const need = transportHost(operations!.server).scopeNeed(message);
    if (need !== undefined) needs.push(need);
  }
  const granted = new Set(caller.scopes);
  const required = new Set(policy.required);
  let short: ScopeNeed | undefined;
  for (const need of needs) {
    for (const scope of need.scopes) required.add(scope);
    if (short === undefined && need.scopes.some((s) => !granted.has(s))) short = need;
  }
  const missing = [...required].filter((s) => !granted.has(s));
  if (missing.length === 0) return false;
  const what = short === undefined ? 'this server' : short.target;
  const description = `${what} needs scope ${missing.join(' ')}, which the token does not grant`;
  const has = granted.size === 0 ? 'no scope' : [...granted].join(' ');
  const message = `Forbidden: ${description} (it grants ${has}); get a token with scope "${[...required].join(' ')}" from the authorization server and retry`;
  respondText(ex, 403, message, cors, { 'WWW-Authenticate': policy.challenge([...required], description) });
  return true;
}
