const brand = Symbol.for('mcp-live.McpLiveError');

/** What went wrong, for errors that stay on this side of the wire. */
export type McpLiveErrorCode =
  | 'SESSION_NOT_FOUND'
  | 'SESSION_CLOSED'
  | 'NOT_INITIALIZED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'CAPABILITY_MISSING'
  | 'DUPLICATE_NAME'
  | 'INVALID_DEFINITION'
  | 'REMOTE_ERROR'
  | 'OVERLOADED'
  /** Another instance of the deployment does not listen on the message bus (it stopped or lost Redis). */
  | 'INSTANCE_GONE'
  /** A stateless (2026-07-28) request was answered with `input_required` while its handler waited for input. */
  | 'INPUT_REQUIRED'
  | 'TRANSPORT';

/** A local error with a string code; it never goes on the wire as is. */
export class McpLiveError extends Error {
  override name = 'McpLiveError';
  readonly code: McpLiveErrorCode;
  readonly data: unknown;
  readonly [brand] = true;

  constructor(code: McpLiveErrorCode, message: string, options: { cause?: unknown; data?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

/** True for an `McpLiveError` (optionally of one code), also one from another copy of this package. */
export function isMcpLiveError(value: unknown, code?: McpLiveErrorCode): value is McpLiveError {
  return (
    typeof value === 'object' &&
    value !== null &&
    brand in value &&
    (code === undefined || (value as McpLiveError).code === code)
  );
}
