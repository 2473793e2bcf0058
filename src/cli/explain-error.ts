import type { TransportErrorData } from '../client/transport-error.ts';
import { errorText } from '../protocol/error-text.ts';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { isProtocolError } from '../protocol/protocol-error.ts';
import { isCLIError } from './cli-error.ts';

/** What the CLI tells the user about a failure, and the exit code. */
export interface Explanation {
  message: string;
  exitCode: number;
}

/** What the failure happened to: the server's URL and how long requests may take. */
export interface ErrorContext {
  url: string;
  /** Seconds, as given with `--timeout`. */
  timeout: number;
  /** Whether `--header` was given. */
  headers: boolean;
}

/** The socket error code somewhere in a chain of causes (fetch hides it two levels down). */
function socketCode(error: unknown): { code: string; message: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) {
      return { code, message: current.message };
    }
    if (current.message === 'bad port') return { code: 'BAD_PORT', message: current.message };
    const inner: unknown = current instanceof AggregateError ? current.errors[0] : undefined;
    current = current.cause ?? inner;
  }
  return undefined;
}

function unreachable(url: string, error: unknown): string | undefined {
  const socket = socketCode(error);
  if (socket === undefined) return undefined;
  const where = `Cannot reach ${url}`;
  switch (socket.code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused. Is the server running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: host "${new URL(url).hostname}" not found. Check the URL.`;
    case 'ECONNRESET':
      return `${where}: the connection was reset. Is it an HTTP (not HTTPS) server, and is the port right?`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `${where}: connecting timed out. Is the host up and the port open?`;
    case 'BAD_PORT':
      return `${where}: fetch refuses to connect to port ${new URL(url).port} (a blocked port in the Fetch standard); run the server on another port`;
    default:
      return `${where}: ${socket.message}`;
  }
}

function httpStatus(context: ErrorContext, data: Partial<TransportErrorData>): string | undefined {
  const { status, statusText } = data;
  if (status === undefined) return undefined;
  const body = withoutStatusText(data.body, statusText);
  const answered = `${data.url ?? context.url} answered ${status}${statusText ? ` ${statusText}` : ''}${body ? ` (${body})` : ''}`;
  if (status === 401) {
    return context.headers
      ? `${answered}. Check the credentials passed with --header.`
      : `${answered}. Pass credentials with --header, e.g. --header 'Authorization: Bearer <token>'`;
  }
  if (status === 403) return `${answered}. Check the credentials passed with --header.`;
  if (status === 404) {
    return `${answered}. Is this the server's MCP endpoint? Streamable HTTP servers usually answer at /mcp, HTTP+SSE servers at /sse.`;
  }
  return answered;
}

/** A body that starts by repeating the status text (`Bad Request: …`, as mcp-live answers) without it. */
function withoutStatusText(body: string | undefined, statusText: string | undefined): string | undefined {
  if (body === undefined || !statusText || !body.startsWith(`${statusText}:`)) return body;
  return body.slice(statusText.length + 1).trim();
}

/** Turns anything a command threw into a message for stderr and an exit code (2 usage, 1 the rest). */
export function explainError(error: unknown, context: ErrorContext): Explanation {
  if (isCLIError(error)) return { message: error.message, exitCode: error.exitCode };
  if (isProtocolError(error)) {
    return {
      message: `${context.url} refused the request: ${error.message} (error ${error.code})`,
      exitCode: 1,
    };
  }
  if (isMcpLiveError(error)) {
    if (error.code === 'TIMEOUT') {
      const limit = context.timeout;
      return {
        message: `${context.url} sent no answer within ${limit} s; raise --timeout (in seconds; 0 waits forever)`,
        exitCode: 1,
      };
    }
    const data = (error.data ?? {}) as Partial<TransportErrorData>;
    const message = unreachable(context.url, error) ?? httpStatus(context, data) ?? error.message;
    return { message, exitCode: 1 };
  }
  return { message: errorText(error), exitCode: 1 };
}
