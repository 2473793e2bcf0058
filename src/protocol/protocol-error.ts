import { ErrorCode, type JSONRPCErrorObject } from './jsonrpc.ts';

const brand = Symbol.for('mcp-live.ProtocolError');

/**
 * An error that goes on the wire as a JSON-RPC error object. Throw one from a handler to answer
 * the request with that code; anything else a handler throws becomes an internal error or, for tools,
 * an `isError` result.
 */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly code: number;
  readonly data: unknown;
  readonly [brand] = true;

  constructor(code: number, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }

  /** The error object to send. */
  toJSON(): JSONRPCErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  static invalidParams(message: string, data?: unknown): ProtocolError {
    return new ProtocolError(ErrorCode.InvalidParams, message, { data });
  }

  static methodNotFound(method: string, why = 'is not supported by this server'): ProtocolError {
    return new ProtocolError(ErrorCode.MethodNotFound, `Method "${method}" ${why}`, { data: { method } });
  }

  static invalidRequest(message: string): ProtocolError {
    return new ProtocolError(ErrorCode.InvalidRequest, message);
  }

  static internal(message: string, cause?: unknown): ProtocolError {
    return new ProtocolError(ErrorCode.InternalError, message, { cause });
  }
}

/** True for a `ProtocolError`, also one from another copy of this package. */
export function isProtocolError(value: unknown): value is ProtocolError {
  return typeof value === 'object' && value !== null && brand in value;
}
