import type { JSONRPCMessage } from './jsonrpc.ts';
import { ProtocolError } from './protocol-error.ts';
import { type ProtocolVersion, supportsBatches } from './versions.ts';

/**
 * Why a JSON-RPC batch cannot be taken at `version` (every wire answers with it, -32600), or
 * `undefined` when it can: only 2025-03-26 has batches, and `initialize` never rides in one.
 */
export function batchRefusal(
  version: ProtocolVersion | undefined,
  messages: readonly JSONRPCMessage[],
): ProtocolError | undefined {
  if (!supportsBatches(version)) {
    return ProtocolError.invalidRequest(
      `Invalid Request: JSON-RPC batches are not allowed in protocol revision ${version ?? '(not initialized)'}; only 2025-03-26 has them: send each message on its own`,
    );
  }
  if (messages.some((m) => 'method' in m && m.method === 'initialize')) {
    return ProtocolError.invalidRequest('Invalid Request: initialize must not be part of a JSON-RPC batch');
  }
  return undefined;
}
