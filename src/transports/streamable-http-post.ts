import { encodeMessage } from '../protocol/encode-message.ts';
import {
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCResponse,
  type RequestId,
} from '../protocol/jsonrpc.ts';
import { parseMessages } from '../protocol/parse.ts';
import { isProtocolError } from '../protocol/protocol-error.ts';
import { negotiateProtocolVersion, type ProtocolVersion } from '../protocol/versions.ts';
import type { MessageExtra } from '../server/dispatcher.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session } from '../server/session.ts';
import { transportHost } from '../server/transport-host.ts';
import { type AuthenticateSettings, authenticateRequest, DENIED, refuseScopes } from './http/authenticate.ts';
import type { ConnectOptions } from './http/event-stream.ts';
import { bodyFailure, type Exchange, isJSONMediaType, type ResponseHeaders } from './http/exchange.ts';
import { jsonHeaders, respondJSON } from './http/respond.ts';
import { refuseInFlight } from './http/session-access.ts';
import { wantsPrimingEvent } from './http/sse-encoder.ts';
import type { PostTarget } from './post-target.ts';
import { fail, SSE_HEADERS, unsupportedVersion } from './streamable-http-answers.ts';
import type { StreamableChannel } from './streamable-http-channel.ts';
import {
  acceptsPostTypes,
  DEFAULT_HTTP_PROTOCOL_VERSION,
  disconnectCancels,
  readVersionHeader,
} from './streamable-http-headers.ts';
import type { ResolvedStreamableOptions } from './streamable-http-options.ts';
import {
  acceptStatelessPost,
  isStatelessPost,
  type StatelessPostContext,
} from './streamable-http-stateless.ts';

/** What a POST needs from its `StreamableHTTPServer`. */
export interface StreamablePostContext {
  readonly server: McpServer;
  readonly options: ResolvedStreamableOptions;
  readonly auth: AuthenticateSettings | undefined;
  readonly closing: boolean;
  /** For POSTs of the stateless revision (2026-07-28). */
  readonly stateless: StatelessPostContext;
  /** Opens a session for `initialize` (or, stateless, an ephemeral one for this POST); answers the failure itself. */
  open(
    ex: Exchange,
    base: string,
    cors: ResponseHeaders | undefined,
    init: { principal: unknown; values: Record<string, unknown> | undefined; version?: ProtocolVersion },
  ): Promise<StreamableChannel | undefined>;
  /** The session a request names in `Mcp-Session-Id`; answers 400, 403 or 404 itself. */
  find(
    ex: Exchange,
    base: string,
    cors: ResponseHeaders | undefined,
    principal: unknown,
  ): StreamableChannel | undefined;
}

const SHUTTING_DOWN = 'Service Unavailable: the server is shutting down';

/**
 * `POST {base}/mcp`: checks the request, finds or opens the session, and hands the messages to the
 * server. Notifications and responses get 202; requests get an event stream (or one JSON body) that
 * carries what the server sends for them and ends with their responses.
 */
export async function acceptStreamablePost(
  ex: Exchange,
  base: string,
  cors: ResponseHeaders | undefined,
  context: StreamablePostContext,
): Promise<void> {
  const { server, options: o } = context;
  const headers = ex.request.headers;
  const accept = headers.get('accept');
  if (!acceptsPostTypes(accept)) {
    const message = `Not Acceptable: a POST must accept both application/json and text/event-stream (Accept was ${JSON.stringify(accept ?? '')})`;
    return fail(ex, 406, message, cors);
  }
  if (!isJSONMediaType(headers.get('content-type'))) {
    return fail(ex, 415, 'Unsupported Media Type: send messages with Content-Type: application/json', cors);
  }
  const header = readVersionHeader(headers);
  const caller =
    context.auth === undefined ? undefined : await authenticateRequest(ex, context.auth, cors, true);
  if (caller === DENIED) return;
  const principal = caller?.principal;
  const body = await ex.readBody(o.maxBodyBytes, o.bodyTimeout);
  if (!body.ok) {
    const failure = bodyFailure(body.reason, o);
    return fail(ex, failure.status, failure.message, cors);
  }
  const parsed = parseMessages(body.text);
  if (!parsed.ok) return respondJSON(ex, 400, parsed.error, cors);
  const { messages, batch } = parsed;
  // Before anything runs, on every era: the tool (resource, prompt) is named in the body, not in Mcp-Name.
  if (refuseScopes(ex, context.auth, caller, cors, { server, messages })) return;
  const stateless = isStatelessPost(header, messages, batch);
  if (!stateless && header.kind === 'unsupported') return unsupportedVersion(ex, header.value, cors);
  const ids: RequestId[] = [];
  for (const message of messages) if (isJSONRPCRequest(message)) ids.push(message.id);
  if (ids.length > 0 && context.closing) return fail(ex, 503, SHUTTING_DOWN, cors);

  let values: Record<string, unknown> | undefined;
  try {
    values = o.contextFunc === undefined ? undefined : await o.contextFunc(ex.request);
  } catch (error) {
    server.reportError(error);
    return fail(ex, 500, 'Internal Server Error: contextFunc failed', cors);
  }
  const extra: MessageExtra = values === undefined ? { headers } : { headers, values };
  if (caller !== undefined) extra.principal = principal;
  if (!batch) extra.text = body.text;
  if (stateless) {
    return acceptStatelessPost(ex, cors, context.stateless, messages, batch, principal, extra);
  }
  const first = messages[0]!;
  const initialize = !batch && 'method' in first && first.method === 'initialize' && 'id' in first;
  const headerVersion = header.kind === 'supported' ? header.version : DEFAULT_HTTP_PROTOCOL_VERSION;
  let channel: StreamableChannel | undefined;
  if (o.stateless) {
    const init = { principal, values, ...(initialize ? {} : { version: headerVersion }) };
    channel = await context.open(ex, base, cors, init);
  } else if (initialize && !headers.has('mcp-session-id')) {
    channel = await context.open(ex, base, cors, { principal, values });
  } else {
    channel = context.find(ex, base, cors, principal);
  }
  if (channel === undefined) return;
  const session = channel.session;
  const idHeader = o.stateless ? undefined : session.id;
  const answer = answerHeaders(cors, idHeader);
  const post: Post = { server, session, stateless: o.stateless, initialize };

  if (ids.length === 0) {
    try {
      await dispatch(post, messages, batch, extra);
    } catch (error) {
      finished(post);
      return refuse(ex, error, cors, server);
    }
    finished(post);
    return ex.respond(202, answer);
  }
  const busy = o.stateless ? undefined : refuseInFlight(session, ids.length, o.maxInFlightPerSession);
  if (busy !== undefined) return fail(ex, 429, busy, { ...answer, 'Retry-After': '1' });
  const reused = duplicateId(ids) ?? channel.inFlight(ids);
  if (reused !== undefined) {
    finished(post);
    const message = `Invalid Request: request id ${JSON.stringify(reused)} is already in use by a request in flight in this session`;
    return respondJSON(ex, 400, { jsonrpc: '2.0', id: reused, error: { code: -32600, message } }, answer);
  }

  const version = initialize ? negotiated(first) : (session.protocolVersion ?? headerVersion);
  const priming = o.eventStore !== undefined && wantsPrimingEvent(version);
  const target = channel.openTarget(ids, o.postAnswer, priming);
  const settled = dispatch(post, messages, batch, extra).then(
    () => settleAll(channel, target, ids, undefined, server),
    (error: unknown) => settleAll(channel, target, ids, error, server),
  );
  // Only those close a session once the POST is done.
  if (o.stateless || initialize) void target.done().then(() => finished(post));
  // A batch the session's revision does not allow is refused before anything runs.
  const refused = batch ? await refusal(settled) : undefined;
  if (refused !== undefined) return refuse(ex, refused, answer, server);

  // `auto`: the answer is JSON if it is ready by the end of this turn of the event loop (nothing else
  // was sent for the requests); otherwise, and as soon as something else is sent, an event stream.
  if (o.postAnswer === 'auto' && target.stream === undefined) {
    // A handler that answered at once leaves nothing to wait for.
    if (!target.finished) await target.decided();
    if (target.stream === undefined) channel.stream(target);
  }
  if (target.stream === undefined) {
    const responses = target.finished ? target.responses : await target.done();
    if (responses.length === 0) {
      if (session.closed && !o.stateless) {
        return fail(ex, 404, `Not Found: session "${session.id}" ended before answering`, cors, -32001);
      }
      return ex.respond(202, answer);
    }
    return respondResponses(ex, responses, batch, answer, (error) => server.reportError(error, session));
  }
  const sink = ex.stream(200, streamHeaders(cors, idHeader));
  const options: ConnectOptions = {
    listener: {
      disconnected() {
        onDisconnect(channel, target, version, o);
      },
    },
  };
  if (priming) options.priming = { retry: o.retryInterval };
  target.stream.connect(sink, options);
}

/** A JSON-mode answer: encoded like every other message, so an unencodable result is a -32603 for its id. */
function respondResponses(
  ex: Exchange,
  responses: JSONRPCResponse[],
  batch: boolean,
  headers: ResponseHeaders,
  report: (error: unknown) => void,
): void {
  const texts: string[] = [];
  for (const response of responses) {
    const encoded = encodeMessage(response, undefined, report);
    if (encoded !== undefined) texts.push(encoded.json);
  }
  const body = batch ? `[${texts.join(',')}]` : texts[0];
  ex.respond(200, jsonHeaders(headers), body);
}

/** The headers every answer to a POST carries: CORS, and the session's id unless stateless. */
function answerHeaders(cors: ResponseHeaders | undefined, sessionId: string | undefined): ResponseHeaders {
  if (sessionId === undefined) return { ...cors };
  // A literal, not a spread, when there is no CORS: the common case, on every call.
  return cors === undefined ? { 'Mcp-Session-Id': sessionId } : { ...cors, 'Mcp-Session-Id': sessionId };
}

/** The headers of a POST's event stream: its content type and caching, then `answerHeaders`. */
function streamHeaders(cors: ResponseHeaders | undefined, sessionId: string | undefined): ResponseHeaders {
  if (cors !== undefined || sessionId === undefined)
    return { ...SSE_HEADERS, ...answerHeaders(cors, sessionId) };
  return {
    'Content-Type': SSE_HEADERS['Content-Type']!,
    'Cache-Control': SSE_HEADERS['Cache-Control']!,
    'X-Accel-Buffering': SSE_HEADERS['X-Accel-Buffering']!,
    'Mcp-Session-Id': sessionId,
  };
}

/**
 * The POST's requests were all handled: each is settled (its stream ends once the last is), and an
 * error that is not a protocol error is reported. Returns the error, for a batch refused outright.
 */
function settleAll(
  channel: StreamableChannel,
  target: PostTarget,
  ids: readonly RequestId[],
  error: unknown,
  server: McpServer,
): unknown {
  for (const id of ids) channel.settle(target, id);
  if (error !== undefined && !isProtocolError(error)) server.reportError(error, channel.session);
  return error;
}

/** One POST as the server handles it. */
interface Post {
  readonly server: McpServer;
  readonly session: Session;
  readonly stateless: boolean;
  /** The POST is an `initialize` request. */
  readonly initialize: boolean;
}

function dispatch(post: Post, messages: JSONRPCMessage[], batch: boolean, extra: MessageExtra) {
  const { server, session } = post;
  return batch
    ? transportHost(server).handleBatch(session, messages, extra)
    : transportHost(server).handleMessage(session, messages[0]!, extra);
}

/** Everything the POST carried was handled: its ephemeral session, or a failed `initialize`'s, closes. */
function finished({ server, session, stateless, initialize }: Post): void {
  if (stateless) void server.closeSession(session, 'stateless request answered');
  else if (initialize && session.protocolVersion === undefined) {
    void server.closeSession(session, 'initialize failed');
  }
}

function onDisconnect(
  channel: StreamableChannel,
  target: PostTarget,
  version: string,
  o: ResolvedStreamableOptions,
): void {
  if (target.pending.size === 0) return;
  // A stateless answer can never reach anyone once its POST is gone, nor can a cancellation.
  if (o.stateless || o.cancelOnDisconnect || disconnectCancels(version)) {
    channel.cancel(target, 'the client closed the stream of its request');
  }
}

function negotiated(initialize: JSONRPCMessage): ProtocolVersion {
  const params = (initialize as { params?: { protocolVersion?: unknown } }).params;
  return negotiateProtocolVersion(params?.protocolVersion);
}

function duplicateId(ids: readonly RequestId[]): RequestId | undefined {
  if (ids.length < 2) return undefined;
  const seen = new Set<RequestId>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/**
 * The error `done` rejected with if it did so at once (a refused batch), or `undefined` once it is
 * running: a rejection that is already there settles before the next macrotask.
 */
function refusal(settled: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 0);
    void settled.then((error) => {
      if (error === undefined) return;
      clearTimeout(timer);
      resolve(error);
    });
  });
}

function refuse(ex: Exchange, error: unknown, headers: ResponseHeaders | undefined, server: McpServer): void {
  if (isProtocolError(error)) {
    respondJSON(ex, 400, { jsonrpc: '2.0', id: null, error: error.toJSON() }, headers);
  } else {
    server.reportError(error);
    fail(ex, 500, 'Internal Server Error: the message could not be handled', headers);
  }
}
