import assert from 'node:assert/strict';
import type {
  JSONRPCMessage,
  JSONRPCRequest,
  JSONRPCResponse,
  RequestId,
} from '../../src/protocol/jsonrpc.ts';
import { isMcpLiveError, type McpLiveErrorCode } from '../../src/protocol/mcp-live-error.ts';
import { isProtocolError } from '../../src/protocol/protocol-error.ts';
import type { MessageExtra } from '../../src/server/dispatcher.ts';
import type { McpServer } from '../../src/server/mcp-server.ts';
import type { Session, SessionInit } from '../../src/server/session.ts';
import { transportHost } from '../../src/server/transport-host.ts';

/** Asserts that `promise` rejects with a `ProtocolError` of `code` whose message matches every pattern. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: number,
  ...patterns: RegExp[]
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isProtocolError(error), `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

/** Asserts that `run` throws (or `promise` rejects with) an `McpLiveError` of `code` matching every pattern. */
export function isLiveError(code: McpLiveErrorCode, ...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(isMcpLiveError(error), `expected an McpLiveError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

/** Lets every queued microtask (message delivery, list_changed flushes) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A session whose every outgoing message is recorded, for wire-level assertions. */
export interface RawSession {
  session: Session;
  /** Everything the server sent to this session, in order. */
  sent: JSONRPCMessage[];
  /** Hands one message to the server and resolves once it has been handled. */
  handle(message: JSONRPCMessage, extra?: MessageExtra): Promise<unknown>;
  /** Sends a request and returns the single response the server sent for its id. */
  request(method: string, params?: Record<string, unknown>, id?: RequestId): Promise<JSONRPCResponse>;
  /** Every response the server sent for `id`. */
  responsesTo(id: RequestId): JSONRPCResponse[];
}

let nextRawId = 0;

export async function openRawSession(
  server: McpServer,
  init: Partial<Omit<SessionInit, 'channel'>> = {},
): Promise<RawSession> {
  const sent: JSONRPCMessage[] = [];
  const session = await transportHost(server).openSession({
    transport: 'raw',
    ...init,
    channel: { send: (message) => sent.push(message) },
  });
  const responsesTo = (id: RequestId) =>
    sent.filter((m): m is JSONRPCResponse => !('method' in m) && 'id' in m && m.id === id);
  const handle = (message: JSONRPCMessage, extra?: MessageExtra) =>
    transportHost(server).handleMessage(session, message, extra);
  return {
    session,
    sent,
    handle,
    responsesTo,
    async request(method, params, id = `raw-${++nextRawId}`) {
      const message: JSONRPCRequest = { jsonrpc: '2.0', id, method };
      if (params !== undefined) message.params = params;
      await handle(message);
      const responses = responsesTo(id);
      assert.equal(
        responses.length,
        1,
        `expected one response to ${method} (id ${id}), got ${responses.length}`,
      );
      return responses[0]!;
    },
  };
}

/** Opens a raw session and initializes it at `protocolVersion`. */
export async function openInitializedRawSession(
  server: McpServer,
  protocolVersion = '2025-11-25',
  init: Partial<Omit<SessionInit, 'channel'>> = {},
): Promise<RawSession> {
  const raw = await openRawSession(server, init);
  const response = await raw.request('initialize', {
    protocolVersion,
    capabilities: {},
    clientInfo: { name: 'raw-client', version: '1.0.0' },
  });
  assert.ok('result' in response, `initialize failed: ${JSON.stringify(response)}`);
  await raw.handle({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return raw;
}

/** The error object of a response, failing the test when it is a result. */
export function errorOf(response: JSONRPCResponse): { code: number; message: string; data?: unknown } {
  assert.ok('error' in response, `expected an error response, got ${JSON.stringify(response)}`);
  return response.error;
}

/** The result of a response, failing the test when it is an error. */
export function resultOf(response: JSONRPCResponse): Record<string, unknown> {
  assert.ok('result' in response, `expected a result, got ${JSON.stringify(response)}`);
  return response.result;
}

/** The text of the first content block of a tool result. */
export function firstText(result: { content: Array<{ type: string; text?: string }> }): string {
  const block = result.content[0];
  assert.ok(
    block !== undefined && block.type === 'text',
    `expected a text block, got ${JSON.stringify(block)}`,
  );
  return block.text ?? '';
}
