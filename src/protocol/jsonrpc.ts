/** A JSON-RPC request id. */
export type RequestId = string | number;

/** A JSON-RPC 2.0 request: a message that expects a response. */
export interface JSONRPCRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

/** A JSON-RPC 2.0 notification: a message without an id that gets no response. */
export interface JSONRPCNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

/** A successful JSON-RPC 2.0 response. */
export interface JSONRPCResultResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result: Record<string, unknown>;
}

/** The error object of a JSON-RPC 2.0 error response. */
export interface JSONRPCErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A JSON-RPC 2.0 error response; `id` is null only when the request's id could not be read. */
export interface JSONRPCErrorResponse {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: JSONRPCErrorObject;
}

export type JSONRPCResponse = JSONRPCResultResponse | JSONRPCErrorResponse;
export type JSONRPCMessage = JSONRPCRequest | JSONRPCNotification | JSONRPCResponse;

/** The standard JSON-RPC error codes, and the one MCP adds. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** MCP: a resource that does not exist. */
  ResourceNotFound: -32002,
  /** MCP 2025-11-25: the client must complete a URL elicitation first. */
  URLElicitationRequired: -32042,
} as const;

export function isJSONRPCRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message;
}

export function isJSONRPCNotification(message: JSONRPCMessage): message is JSONRPCNotification {
  return 'method' in message && !('id' in message);
}

export function isJSONRPCResponse(message: JSONRPCMessage): message is JSONRPCResponse {
  return !('method' in message) && ('result' in message || 'error' in message);
}

export function isJSONRPCErrorResponse(message: JSONRPCMessage): message is JSONRPCErrorResponse {
  return 'error' in message && !('method' in message);
}
