import type { Exchange, ResponseHeaders } from './exchange.ts';

const TEXT_PLAIN = 'text/plain; charset=utf-8';
/** The headers of a JSON answer without CORS; `respond` copies what it is given, so one object serves all. */
export const JSON_HEADERS: ResponseHeaders = Object.freeze({ 'Content-Type': 'application/json' });

/**
 * `JSON_HEADERS` and then `more` (CORS, a session id). Object.assign onto a literal, not a spread
 * after a key: V8 (Node 20) copies the spread on a slow path, on every answer.
 */
export function jsonHeaders(more: ResponseHeaders | undefined): ResponseHeaders {
  return more === undefined ? JSON_HEADERS : Object.assign({ 'Content-Type': 'application/json' }, more);
}

/** Answers with a plain-text message (errors a person reads: what is wrong and what to do). */
export function respondText(
  ex: Exchange,
  status: number,
  message: string,
  cors?: ResponseHeaders,
  extra?: ResponseHeaders,
): void {
  ex.respond(status, { 'Content-Type': TEXT_PLAIN, ...cors, ...extra }, message);
}

/** Answers with a JSON body (a JSON-RPC error response, say). */
export function respondJSON(ex: Exchange, status: number, body: unknown, cors?: ResponseHeaders): void {
  ex.respond(status, jsonHeaders(cors), JSON.stringify(body));
}
