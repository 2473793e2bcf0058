import { batchRefusal } from '../protocol/batches.ts';
import { parseMessages } from '../protocol/parse.ts';
import type { MessageExtra } from '../server/dispatcher.ts';
import type { McpServer } from '../server/mcp-server.ts';
import { transportHost } from '../server/transport-host.ts';
import { type AuthenticateSettings, authenticateRequest, DENIED, refuseScopes } from './http/authenticate.ts';
import {
  bodyFailure,
  type Exchange,
  isJSONMediaType,
  queryParam,
  type ResponseHeaders,
} from './http/exchange.ts';
import { respondJSON, respondText } from './http/respond.ts';
import { type Ownership, refuseInFlight, refuseSession } from './http/session-access.ts';
import { joinPath } from './sse-endpoint.ts';
import type { ResolvedSSEOptions } from './sse-options.ts';
import type { SSEStream } from './sse-stream.ts';

/** What the message endpoint needs from its `SSEServer`. */
export interface PostContext {
  readonly server: McpServer;
  readonly options: ResolvedSSEOptions;
  readonly auth: AuthenticateSettings | undefined;
  readonly ownership: Ownership;
  readonly closing: boolean;
  stream(sessionId: string): SSEStream | undefined;
}

/**
 * `POST {base}{messageEndpoint}?sessionId=…`: checks the caller, the session and the body, hands the
 * messages to the server and answers 202; every response travels on the session's stream.
 */
export async function acceptPost(
  ex: Exchange,
  base: string,
  cors: ResponseHeaders | undefined,
  context: PostContext,
): Promise<void> {
  const { server, options } = context;
  const caller =
    context.auth === undefined ? undefined : await authenticateRequest(ex, context.auth, cors, true);
  if (caller === DENIED) return;
  const principal = caller?.principal;
  const sessionId = queryParam(ex.request.search, 'sessionId');
  if (sessionId === undefined || sessionId === '') {
    const message = 'Bad Request: missing sessionId query parameter; POST to the URL the endpoint event gave';
    return respondText(ex, 400, message, cors);
  }
  const stream = context.stream(sessionId);
  const refused = refuseSession(stream, base, principal, context.ownership);
  if (refused?.status === 403) return respondText(ex, 403, refused.message, cors);
  if (refused !== undefined || stream === undefined) {
    const open = `GET ${joinPath(base, options.sseEndpoint)}`;
    const message = `Not Found: no open session "${sessionId}"; open a new stream with ${open}`;
    return respondText(ex, 404, message, cors);
  }
  const session = stream.session!;
  if (!isJSONMediaType(ex.request.headers.get('content-type'))) {
    const message = 'Unsupported Media Type: send the message with Content-Type: application/json';
    return respondText(ex, 415, message, cors);
  }
  const body = await ex.readBody(options.maxBodyBytes, options.bodyTimeout);
  if (!body.ok) {
    const failure = bodyFailure(body.reason, options);
    return respondText(ex, failure.status, failure.message, cors);
  }
  const parsed = parseMessages(body.text);
  if (!parsed.ok) return respondJSON(ex, 400, parsed.error, cors);
  const { messages, batch } = parsed;
  const refusal = batch ? batchRefusal(session.protocolVersion, messages) : undefined;
  if (refusal !== undefined)
    return respondJSON(ex, 400, { jsonrpc: '2.0', id: null, error: refusal.toJSON() }, cors);
  // The answers ride the stream, but a request the token does not cover is refused on its POST.
  if (refuseScopes(ex, context.auth, caller, cors, { server, messages })) return;

  let requests = 0;
  for (const message of messages) if ('method' in message && 'id' in message) requests++;
  // Responses (to our pings, sampling…) and notifications (cancellations) always get through.
  if (requests > 0 && context.closing) {
    return respondText(ex, 503, 'Service Unavailable: the server is shutting down', cors);
  }
  const busy = refuseInFlight(session, requests, options.maxInFlightPerSession);
  if (busy !== undefined) return respondText(ex, 429, busy, cors, { 'Retry-After': '1' });
  let values: Record<string, unknown> | undefined;
  try {
    values = options.contextFunc === undefined ? undefined : await options.contextFunc(ex.request);
  } catch (error) {
    server.reportError(error, session);
    return respondText(ex, 500, 'Internal Server Error: contextFunc failed', cors);
  }
  if (session.closed) return respondText(ex, 404, `Not Found: session "${sessionId}" closed`, cors);

  const headers = ex.request.headers;
  const extra: MessageExtra = values === undefined ? { headers } : { headers, values };
  if (caller !== undefined) extra.principal = principal;
  const done = batch
    ? transportHost(server).handleBatch(session, messages, extra)
    : transportHost(server).handleMessage(session, messages[0]!, extra);
  done.catch((error: unknown) => server.reportError(error, session));
  ex.respond(202, cors);
}
