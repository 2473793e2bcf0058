// What the floors answer, whatever their wire: just enough JSON-RPC for the bench's calls (initialize,
// ping, tools/list, tools/call echo/broadcast/confirm/touch), with no validation beyond what the calls
// need. Pure: the wire (SSE frames, one JSON write, a held listen stream) is each floor's own.

export interface FloorMessage {
  jsonrpc?: string;
  id?: string | number;
  method?: string;
  params?: {
    name?: string;
    arguments?: { message?: unknown; uri?: unknown };
    protocolVersion?: unknown;
    inputResponses?: Record<string, { action?: unknown; content?: { ok?: unknown } } | undefined>;
    requestState?: unknown;
    _meta?: Record<string, unknown>;
  };
}

/** What a floor does for the tools that reach beyond one answer. */
export interface FloorEffects {
  /** Sends `notifications/message` with `data` to every session; returns how many. */
  broadcast(data: string): number;
  /** Sends `notifications/resources/updated` for `uri` to every listen stream that asked; returns how many. */
  touch(uri: string): number;
}

export const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
export const SUBSCRIPTION_ID_KEY = 'io.modelcontextprotocol/subscriptionId';
const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo';
const SERVER_INFO = { name: 'floor', version: '1.0.0' };
const KNOWN_VERSIONS = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);
const STRING_INPUT = {
  type: 'object',
  properties: { message: { type: 'string' } },
  required: ['message'],
};
const TOOLS = [
  { name: 'echo', inputSchema: STRING_INPUT },
  { name: 'broadcast', inputSchema: STRING_INPUT },
  { name: 'confirm', inputSchema: STRING_INPUT },
  {
    name: 'touch',
    inputSchema: { type: 'object', properties: { uri: { type: 'string' } }, required: ['uri'] },
  },
];
const CONFIRM_REQUEST = {
  method: 'elicitation/create',
  params: {
    message: 'Go ahead?',
    requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
  },
};

const text = (value: string) => ({ content: [{ type: 'text', text: value }] });

/** True for a 2026-07-28 request: its `_meta` names the protocol version. */
export function isStateless(message: FloorMessage): boolean {
  return typeof message.params?._meta?.[PROTOCOL_VERSION_KEY] === 'string';
}

function callTool(message: FloorMessage, effects: FloorEffects): Record<string, unknown> | undefined {
  const params = message.params ?? {};
  const value = String(params.arguments?.message ?? '');
  switch (params.name) {
    case 'echo':
      return text(value);
    case 'broadcast':
      return text(`sent ${effects.broadcast(value)}`);
    case 'touch':
      return text(`sent ${effects.touch(String(params.arguments?.uri ?? ''))}`);
    case 'confirm': {
      // No sealing: the floor trusts the state it is sent back, which no real server may.
      const answer = params.inputResponses?.confirm;
      if (answer === undefined || params.requestState !== `confirm:${value}`) {
        return {
          resultType: 'input_required',
          inputRequests: { confirm: CONFIRM_REQUEST },
          requestState: `confirm:${value}`,
        };
      }
      return text(
        answer.action === 'accept' && answer.content?.ok === true ? `confirmed ${value}` : 'declined',
      );
    }
    default:
      return undefined;
  }
}

/** The `result` for a request, or `undefined` for a method or tool the floor does not know. */
export function answerResult(
  message: FloorMessage,
  effects: FloorEffects,
  defaultVersion: string,
): Record<string, unknown> | undefined {
  switch (message.method) {
    case 'initialize': {
      const asked = message.params?.protocolVersion;
      return {
        protocolVersion: typeof asked === 'string' && KNOWN_VERSIONS.has(asked) ? asked : defaultVersion,
        capabilities: { tools: {}, logging: {}, resources: { subscribe: true } },
        serverInfo: SERVER_INFO,
      };
    }
    case 'ping':
      return {};
    case 'tools/list':
      return { tools: TOOLS };
    case 'tools/call': {
      const result = callTool(message, effects);
      if (result === undefined || !isStateless(message)) return result;
      return { resultType: 'complete', ...result, _meta: { [SERVER_INFO_KEY]: SERVER_INFO } };
    }
    default:
      return undefined;
  }
}

/** The whole JSON-RPC response to a request (`undefined` for a notification: nothing to answer). */
export function answerMessage(
  message: FloorMessage,
  effects: FloorEffects,
  defaultVersion: string,
): object | undefined {
  if (message.id === undefined) return undefined;
  const result = answerResult(message, effects, defaultVersion);
  return result === undefined
    ? { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `no ${message.method}` } }
    : { jsonrpc: '2.0', id: message.id, result };
}

/** The SSE frame of one JSON-RPC message, as every floor writes it. */
export function sseFrame(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}
