import { isMcpLiveError, McpLiveError } from '../protocol/mcp-live-error.ts';
import { HTTPError, isHTTPError } from './http-error.ts';

/** What the client's `HTTPError` (and its `TRANSPORT` errors) carry in `data`. */
export interface TransportErrorData {
  /** The HTTP method of the request that failed. */
  method: string;
  url: string;
  /** The HTTP status, when the server answered at all. */
  status?: number;
  statusText?: string;
  /** The start of the response body, when there was one. */
  body?: string;
}

const MAX_BODY = 500;

async function readSnippet(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    // JSON-RPC error bodies read best as their message.
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {}
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text.trim();
}

/** The error for an HTTP response that is not a success; reads (and so consumes) the body. */
export async function httpError(
  method: string,
  url: URL,
  response: Response,
  options: { sessionId?: string | undefined } = {},
): Promise<HTTPError> {
  const { status, statusText, headers } = response;
  const body = await readSnippet(response);
  return new HTTPError({ method, url: url.href }, { status, statusText, headers, body }, options);
}

/** The most telling message of a thrown value (fetch hides the socket's reason in `cause`). */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  return cause === '' || error.message.includes(cause) ? error.message : `${error.message} (${cause})`;
}

/** The error for a request that got no HTTP answer at all (refused, reset, DNS, CORS). */
export function networkError(method: string, url: URL, cause: unknown): McpLiveError {
  if (isMcpLiveError(cause)) return cause;
  const data: TransportErrorData = { method, url: url.href };
  return new McpLiveError(
    'TRANSPORT',
    `${method} ${url.href} failed: ${reasonOf(cause)}; is the server running and reachable?`,
    {
      cause,
      data,
    },
  );
}

/** The HTTP status of an `HTTPError`; `undefined` when the server did not answer. */
export function statusOf(error: unknown): number | undefined {
  return isHTTPError(error) ? error.status : undefined;
}

/** True when trying the same request again later may succeed (no answer, 5xx, 408, 409, 425, 429). */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500 || [408, 409, 425, 429].includes(status);
}

/** The media type of a response without parameters, lower case (`text/event-stream`). */
export function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}
