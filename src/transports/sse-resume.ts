import type { EventStore } from '../server/event-store.ts';
import { type Exchange, queryParam, type ResponseHeaders } from './http/exchange.ts';
import { respondText } from './http/respond.ts';
import { type Ownership, refuseSession } from './http/session-access.ts';
import { joinPath } from './sse-endpoint.ts';
import type { ResolvedSSEOptions } from './sse-options.ts';
import type { SSEStream } from './sse-stream.ts';

/** What a `GET {sse}` asks to resume: a session by id, or the one its `Last-Event-ID` names. */
export interface ResumeRequest {
  sessionId: string | undefined;
  lastEventId: string | undefined;
}

/** What the resumption of a stream needs from its `SSEServer`. */
export interface ResumeContext {
  readonly options: ResolvedSSEOptions;
  readonly store: EventStore;
  readonly ownership: Ownership;
  readonly closing: boolean;
  bySession(sessionId: string): SSEStream | undefined;
  byKey(streamKey: string): SSEStream | undefined;
}

/**
 * Reads the resumption a stream request asks for: a `sessionId` query parameter, a `Last-Event-ID`
 * header, or both; `undefined` for a fresh stream.
 */
export function readResumeRequest(ex: Exchange): ResumeRequest | undefined {
  const sessionId = nonEmpty(queryParam(ex.request.search, 'sessionId'));
  const lastEventId = nonEmpty(ex.request.headers.get('last-event-id') ?? undefined);
  if (sessionId === undefined && lastEventId === undefined) return undefined;
  return { sessionId, lastEventId };
}

/**
 * `GET {base}{sseEndpoint}?sessionId=…` (and/or `Last-Event-ID`): hands the session's stream to this
 * connection, which gets the `endpoint` event again, the events it missed, then live ones. Answers
 * 404 for a session that is not held (unknown, closed, its grace period over, another mount), 403
 * for another principal's, 400 for a `Last-Event-ID` of another stream.
 */
export async function resumeStream(
  ex: Exchange,
  base: string,
  cors: ResponseHeaders | undefined,
  principal: unknown,
  request: ResumeRequest,
  context: ResumeContext,
): Promise<void> {
  const { options, store } = context;
  const { sessionId, lastEventId } = request;
  const fresh = `open a new stream with GET ${joinPath(base, options.sseEndpoint)} without sessionId or Last-Event-ID`;
  const named = lastEventId === undefined ? undefined : await store.streamOf(lastEventId);
  let stream: SSEStream | undefined;
  if (sessionId !== undefined) stream = context.bySession(sessionId);
  else if (named !== undefined) stream = context.byKey(named);
  const refused = refuseSession(stream, base, principal, context.ownership);
  if (refused?.status === 403) return respondText(ex, 403, refused.message, cors);
  if (refused !== undefined || stream === undefined) {
    const what =
      sessionId !== undefined
        ? `session "${sessionId}" is not open here`
        : `Last-Event-ID ${JSON.stringify(lastEventId)} names no open session here`;
    const message = `Not Found: ${what} (it ended, or its client stayed away longer than reconnectGracePeriod, ${options.reconnectGracePeriod} ms); ${fresh}`;
    return respondText(ex, 404, message, cors);
  }
  const session = stream.session!;
  if (lastEventId !== undefined && named !== stream.key) {
    const message = `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId)} is not an event of session "${session.id}"; send the id of the last event its stream gave you, or none to get every event still held`;
    return respondText(ex, 400, message, cors);
  }
  if (context.closing) return respondText(ex, 503, 'Service Unavailable: the server is shutting down', cors);
  if (ex.clientGone) return;
  stream.resume(ex.stream(200, sseHeaders(cors)), lastEventId);
}

const SSE_HEADERS: ResponseHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/** The headers of a stream's `200`, with the CORS ones if any. */
export function sseHeaders(cors: ResponseHeaders | undefined): ResponseHeaders {
  return cors === undefined ? SSE_HEADERS : { ...SSE_HEADERS, ...cors };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
