import { ErrorCode, type JSONRPCErrorResponse, type JSONRPCMessage } from './jsonrpc.ts';

/** The outcome of reading one JSON-RPC payload: messages, or the error response to send back. */
export type ParseResult =
  | { ok: true; messages: JSONRPCMessage[]; batch: boolean }
  | { ok: false; error: JSONRPCErrorResponse };

function fail(code: number, message: string, id: JSONRPCErrorResponse['id'] = null): ParseResult {
  return { ok: false, error: { jsonrpc: '2.0', id, error: { code, message } } };
}

function isId(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Checks one decoded value against JSON-RPC 2.0; returns the reason it is not a message, or undefined. */
export function validateMessageShape(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'a message must be an object';
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return '"jsonrpc" must be "2.0"';
  if ('method' in m) {
    if (typeof m.method !== 'string' || m.method === '') return '"method" must be a non-empty string';
    if ('id' in m && !isId(m.id)) return '"id" must be a string or a number';
    if (
      'params' in m &&
      m.params !== undefined &&
      (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))
    ) {
      return '"params" must be an object';
    }
    return undefined;
  }
  if (!('id' in m) || !(isId(m.id) || m.id === null)) return 'a response needs an "id"';
  if ('result' in m === 'error' in m) return 'a response has exactly one of "result" and "error"';
  if ('error' in m) {
    const e = m.error as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.code !== 'number' || typeof e.message !== 'string') {
      return '"error" must have a numeric "code" and a string "message"';
    }
  }
  return undefined;
}

/** Decodes a value already parsed from JSON (a message or a batch) into messages. */
export function readMessages(value: unknown): ParseResult {
  const batch = Array.isArray(value);
  const items = batch ? (value as unknown[]) : [value];
  if (batch && items.length === 0) return fail(ErrorCode.InvalidRequest, 'Invalid Request: empty batch');
  for (const item of items) {
    const reason = validateMessageShape(item);
    if (reason !== undefined) {
      const id =
        typeof item === 'object' && item !== null && isId((item as { id?: unknown }).id)
          ? (item as { id: string | number }).id
          : null;
      return fail(ErrorCode.InvalidRequest, `Invalid Request: ${reason}`, id);
    }
  }
  return { ok: true, messages: items as JSONRPCMessage[], batch };
}

/** Parses JSON text into JSON-RPC messages; bad JSON gives a -32700 error response. */
export function parseMessages(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(
      ErrorCode.ParseError,
      `Parse error: the message is not valid JSON (${(error as Error).message})`,
    );
  }
  return readMessages(value);
}
