import { McpLiveError } from '../protocol/mcp-live-error.ts';

const brand = Symbol.for('mcp-live.HTTPError');

/** The request an `HTTPError` answers. */
export interface HTTPErrorRequest {
  /** `GET`, `POST` or `DELETE`. */
  method: string;
  url: string;
}

/** What the server answered, as far as the client read it. */
export interface HTTPErrorResponse {
  /** The HTTP status, such as 401. */
  status: number;
  statusText: string;
  headers: Headers;
  /** The start of the body (a JSON-RPC error's message when it is one); `''` when there was none. */
  body: string;
}

/**
 * The server answered a client request with an HTTP status that is not a success. Its code is
 * `HTTP_STATUS`, or `SESSION_NOT_FOUND` for a 404 to a request of a session (the session expired).
 *
 * @example
 * try { await client.callTool('x'); } catch (error) { if (isHTTPError(error) && error.status === 401) login(); }
 */
export class HTTPError extends McpLiveError {
  override name = 'HTTPError';
  declare readonly code: 'HTTP_STATUS' | 'SESSION_NOT_FOUND';
  /** The HTTP status, such as 401 (also `response.status`). */
  readonly status: number;
  readonly request: HTTPErrorRequest;
  readonly response: HTTPErrorResponse;
  readonly [brand] = true;

  /**
   * `sessionId`: the session the request belonged to, if any (a 404 then means it expired); `message`
   * replaces the one made from the request and the response.
   */
  constructor(
    request: HTTPErrorRequest,
    response: HTTPErrorResponse,
    options: { sessionId?: string | undefined; message?: string; cause?: unknown } = {},
  ) {
    const { sessionId } = options;
    const expired = response.status === 404 && sessionId !== undefined;
    const { method, url } = request;
    const { status, statusText, body } = response;
    const made = expired
      ? `${method} ${url} answered 404: session ${sessionId} is unknown to the server (it expired or the server restarted); connect again`
      : `${method} ${url} answered ${status}${statusText ? ` ${statusText}` : ''}${detailOf(body, statusText)}${hintFor(status)}`;
    super(expired ? 'SESSION_NOT_FOUND' : 'HTTP_STATUS', options.message ?? made, {
      cause: options.cause,
      data: { method, url, status, statusText, body },
    });
    this.status = status;
    this.request = request;
    this.response = response;
  }
}

/** True for an `HTTPError`, also one from another copy of this package. */
export function isHTTPError(value: unknown): value is HTTPError {
  return typeof value === 'object' && value !== null && brand in value;
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return " (pass credentials in the client's `headers` option)";
  if (status === 404) return ' (check the URL, or the session has expired: connect again)';
  return '';
}

/** `: body`, without the status text a body may start with (`Bad Request: …`, as mcp-live answers). */
function detailOf(body: string, statusText: string): string {
  if (body === '') return '';
  const repeated = statusText !== '' && body.startsWith(`${statusText}:`);
  return `: ${repeated ? body.slice(statusText.length + 1).trim() : body}`;
}
