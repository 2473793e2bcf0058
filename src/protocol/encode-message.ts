import { ErrorCode, type JSONRPCMessage } from './jsonrpc.ts';
import { McpLiveError } from './mcp-live-error.ts';

/** A message and its JSON text, as it is stored and sent. */
export interface EncodedMessage {
  message: JSONRPCMessage;
  json: string;
}

/**
 * Encodes one outgoing message, the same way on every wire. A message `JSON.stringify` refuses (a
 * BigInt, a cycle) is reported; a response is then replaced by an internal error (-32603) for the
 * same id, so that the caller still gets an answer; anything else is dropped (`undefined`).
 */
export function encodeMessage(
  message: JSONRPCMessage,
  sessionId: string | undefined,
  report: (error: unknown) => void,
): EncodedMessage | undefined {
  try {
    return { message, json: JSON.stringify(message) };
  } catch (error) {
    const what = `A message to session ${sessionId ?? '(opening)'} is not JSON-encodable`;
    report(new McpLiveError('NOT_ENCODABLE', what, { cause: error }));
    if ('method' in message || !('id' in message) || message.id === null) return undefined;
    const replacement: JSONRPCMessage = {
      jsonrpc: '2.0',
      id: message.id,
      error: {
        code: ErrorCode.InternalError,
        message: `Internal error: the result of request ${JSON.stringify(message.id)} could not be encoded as JSON (${(error as Error).message})`,
      },
    };
    return { message: replacement, json: JSON.stringify(replacement) };
  }
}
