import { batchRefusal } from '../protocol/batches.ts';
import {
  ErrorCode,
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '../protocol/jsonrpc.ts';
import { isProtocolError } from '../protocol/protocol-error.ts';
import {
  claimedProtocolVersion,
  ModernErrorCode,
  type RequestMeta,
  readMetaEnvelope,
  unsupportedVersionError,
} from '../protocol/request-meta.ts';
import { isModernProtocolVersion, LATEST_MODERN_PROTOCOL_VERSION } from '../protocol/versions.ts';
import type { MessageExtra } from '../server/dispatcher.ts';
import type { McpServer } from '../server/mcp-server.ts';
import type { Session } from '../server/session.ts';
import { transportHost } from '../server/transport-host.ts';
import type { Exchange, ResponseHeaders } from './http/exchange.ts';
import { validateModernHeaders } from './http/modern-headers.ts';
import { respondJSON } from './http/respond.ts';
import {
  type StatelessChannelSettings,
  StatelessRequestChannel,
  statusOf,
} from './stateless-request-channel.ts';
import type { VersionHeader } from './streamable-http-headers.ts';

/** What a stateless POST needs from its `StreamableHTTPServer`. */
export interface StatelessPostContext {
  readonly server: McpServer;
  readonly channel: StatelessChannelSettings;
  /**
   * Opens the session of one stateless request on `channel` (counted against `maxSessions`, closed
   * with the transport); answers the refusal itself and resolves `undefined` then.
   */
  openRequest(
    ex: Exchange,
    cors: ResponseHeaders | undefined,
    principal: unknown,
    channel: StatelessRequestChannel,
  ): Session | undefined;
}

/**
 * Whether a POST speaks the stateless revision (2026-07-28): its `MCP-Protocol-Version` header names
 * one, or its one request claims a version in `params._meta`. Anything else is a 2025 POST.
 */
export function isStatelessPost(header: VersionHeader, messages: JSONRPCMessage[], batch: boolean): boolean {
  if (header.kind === 'supported' && isModernProtocolVersion(header.version)) return true;
  // A version we do not know in the header, with a claim in the body: a client of a later revision.
  const first = messages[0];
  return (
    !batch && first !== undefined && 'method' in first && claimedProtocolVersion(first.params) !== undefined
  );
}

/**
 * `POST {base}/mcp` of the stateless revision: one request, checked against its mirrored headers,
 * served on a session of its own that ends with it. Its answer is one JSON body, or an event stream
 * when the server sends something for it first; the client closing that stream cancels the request.
 */
export function acceptStatelessPost(
  ex: Exchange,
  cors: ResponseHeaders | undefined,
  context: StatelessPostContext,
  messages: JSONRPCMessage[],
  batch: boolean,
  principal: unknown,
  extra: MessageExtra,
): Promise<void> | undefined {
  const message = messages[0]!;
  const unbatched = batch ? batchRefusal(LATEST_MODERN_PROTOCOL_VERSION, messages) : undefined;
  if (unbatched !== undefined) {
    respondJSON(ex, 400, { jsonrpc: '2.0', id: null, error: unbatched.toJSON() }, cors);
    return;
  }
  if (!('method' in message)) {
    invalid(ex, cors, 'a client sends no JSON-RPC responses in protocol revision 2026-07-28');
    return;
  }
  // This revision defines no client notification over HTTP; one is taken and ignored.
  if (!isJSONRPCRequest(message)) {
    ex.respond(202, cors);
    return;
  }
  const refusal = checkRequest(ex, message, context.server, extra);
  if (refusal !== undefined) {
    const answer = { jsonrpc: '2.0' as const, id: message.id, error: refusal };
    respondJSON(ex, statusOf(answer), answer, cors);
    return;
  }
  const channel = new StatelessRequestChannel(ex, cors, context.channel);
  const session = context.openRequest(ex, cors, principal, channel);
  if (session === undefined) return;
  channel.bind(session, message.id);
  ex.onClientGone(() => channel.clientGone());
  transportHost(context.server)
    .handleMessage(session, message, extra)
    .then(
      () => ended(context, session),
      (error: unknown) => {
        context.channel.report(error, session);
        ended(context, session);
      },
    );
  // The fetch adapter hands its Response back once this returns: wait for the answer to begin, not
  // for the request to end (a stream of progress, or a listen, would reach the client only then).
  // A request that ends without an answer begins one too: closing its session answers 503.
  // Not async: an answer that began already (the usual case) costs no promise.
  return channel.begun();
}

/** The request is over: its (ephemeral) session closes, at once. */
function ended(context: StatelessPostContext, session: Session): void {
  try {
    transportHost(context.server).closeEphemeralSession(session, 'stateless request answered');
  } catch (error) {
    context.channel.report(error, session);
  }
}

/**
 * The checks of a stateless POST before anything runs, in the order the spec's validation asks:
 * the version header is there (-32020); the `_meta` envelope is whole (-32602); the header names the
 * version `_meta` claims (-32020); we speak it (-32022); `Mcp-Method`, `Mcp-Name` and the tool's
 * `Mcp-Param-*` headers match the body (-32020). The envelope read goes to the dispatcher in `extra`.
 */
function checkRequest(ex: Exchange, message: JSONRPCRequest, server: McpServer, extra: MessageExtra) {
  const headers = ex.request.headers;
  const header = headers.get('mcp-protocol-version');
  if (header === null) {
    const message =
      'Header mismatch: the MCP-Protocol-Version header is missing; send the version params._meta claims';
    return { code: ModernErrorCode.HeaderMismatch, message };
  }
  let envelope: ReturnType<typeof readMetaEnvelope>;
  try {
    envelope = readMetaEnvelope(message.params ?? {});
  } catch (error) {
    if (isProtocolError(error)) return error.toJSON();
    throw error;
  }
  const claimed = envelope.protocolVersion;
  if (header.trim() !== claimed) {
    const message = `Header mismatch: MCP-Protocol-Version header value ${JSON.stringify(header)} does not match params._meta["io.modelcontextprotocol/protocolVersion"] ${JSON.stringify(claimed)}`;
    return { code: ModernErrorCode.HeaderMismatch, message };
  }
  if (!isModernProtocolVersion(claimed)) return unsupportedVersionError(claimed).toJSON();
  extra.meta = envelope as RequestMeta;
  const name = message.params?.name;
  const tool =
    message.method === 'tools/call' && typeof name === 'string'
      ? transportHost(server).toolHeaderParams(name)
      : [];
  return validateModernHeaders(headers, message, tool)?.error;
}

function invalid(ex: Exchange, cors: ResponseHeaders | undefined, why: string): void {
  const error = { code: ErrorCode.InvalidRequest, message: `Invalid Request: ${why}` };
  respondJSON(ex, 400, { jsonrpc: '2.0', id: null, error }, cors);
}
