import type { Exchange, ResponseHeaders } from './exchange.ts';

const TEXT_PLAIN = 'text/plain; charset=utf-8';

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
  ex.respond(status, { 'Content-Type': 'application/json', ...cors }, JSON.stringify(body));
}
