const brand = Symbol.for('mcp-live.McpLiveError');

/** What went wrong, for errors that stay on this side of the wire. */
export type McpLiveErrorCode =
  /** No session of that id: it expired, closed, or the server restarted (the client: connect again). */
  | 'SESSION_NOT_FOUND'
  /** The session (or the client) closed while the call was pending. */
  | 'SESSION_CLOSED'
  /** A call that needs an initialized session came before `initialize` (or before `start()`). */
  | 'NOT_INITIALIZED'
  /** A request got no answer within its timeout. */
  | 'TIMEOUT'
  /** A request was aborted by the caller's signal. */
  | 'ABORTED'
  /** A request needs a capability the peer did not declare (sampling, elicitation, roots, …). */
  | 'CAPABILITY_MISSING'
  /** A definition of that name is registered already; pass `{ replace: true }` to replace it. */
  | 'DUPLICATE_NAME'
  /** A tool, resource, prompt, schema or URI template is malformed; the message names it and the rule. */
  | 'INVALID_DEFINITION'
  /** An option (or `listen()` address) is wrong; the message names the class, the option, the value and what is expected. */
  | 'INVALID_OPTION'
  /** An optional peer package (such as `redis`) is not installed; the message says what to install. */
  | 'MISSING_DEPENDENCY'
  /** A session store, event store or message bus could not serve a call (unreachable, too slow, or it refused); names the store and the cause. */
  | 'STORE_UNAVAILABLE'
  /** `listen()` or `start()` was called on a transport that already listens. */
  | 'ALREADY_LISTENING'
  /** A transport or message bus was used after `close()`; create another one. */
  | 'CLOSED'
  /** A message or value cannot be encoded as JSON (a BigInt, a cycle, a throwing `toJSON`). */
  | 'NOT_ENCODABLE'
  /** The server answered the client with an HTTP error status; the error is an `HTTPError` with its `status`. */
  | 'HTTP_STATUS'
  /** The peer answered with something that is not MCP (a wrong content type, not JSON-RPC, an SSE endpoint on another origin, a bus message of another format). */
  | 'UNEXPECTED_MESSAGE'
  /** The peer answered a request with an error (its code and message are in the message and `data`). */
  | 'REMOTE_ERROR'
  /** A client stopped reading: more bytes waited for it than `maxBufferedBytes`, so it was disconnected. */
  | 'OVERLOADED'
  /** Another instance of the deployment does not listen on the message bus (it stopped or lost Redis). */
  | 'INSTANCE_GONE'
  /** An OAuth authorization server's metadata or signing keys could not be fetched (unreachable, too slow, or not what RFC 8414 or a JWKS says); its tokens cannot be verified meanwhile (503). */
  | 'AUTHORIZATION_SERVER_UNAVAILABLE'
  /** A stateless (2026-07-28) request was answered with `input_required` while its handler waited for input. */
  | 'INPUT_REQUIRED'
  /** A connection or delivery failed: no answer from the peer, a stream that broke or ended, a client that stopped reading, a response whose request's connection is gone, a bus message its handler threw on. */
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
