import type { Attributes } from '@opentelemetry/api';
import type { JSONRPCRequest, JSONRPCResponse } from '../protocol/jsonrpc.ts';
import { claimedProtocolVersion } from '../protocol/request-meta.ts';
import type { Session } from '../server/session.ts';

/** What one request says about itself before it runs: for its span, and (a low-cardinality part) for metrics. */
export interface RequestAttributes {
  /** Everything known at the start, for the span (sampler included). */
  readonly span: Attributes;
  /** The part that metrics may carry: no ids, no URIs. */
  readonly metric: Attributes;
  /** The revision a stateless request claims in `_meta`; `undefined` for a request of a session. */
  readonly claimed: string | undefined;
}

/** `{mcp.method.name} {target}`: the tool's or prompt's name when the request names one. */
export function spanName(request: JSONRPCRequest): string {
  const name = request.params?.name;
  if (typeof name !== 'string') return request.method;
  return request.method === 'tools/call' || request.method === 'prompts/get'
    ? `${request.method} ${name}`
    : request.method;
}

/** The attributes the OpenTelemetry MCP conventions give a server span, plus the mcp-live transport. */
export function requestAttributes(session: Session, request: JSONRPCRequest): RequestAttributes {
  const { method, params, id } = request;
  const metric: Attributes = { 'mcp.method.name': method, 'mcp_live.transport': session.transport };
  const network = networkOf(session.transport);
  if (network !== undefined) Object.assign(metric, network);
  const name = params?.name;
  if (typeof name === 'string') {
    if (method === 'tools/call') {
      metric['gen_ai.tool.name'] = name;
      metric['gen_ai.operation.name'] = 'execute_tool';
    } else if (method === 'prompts/get') metric['gen_ai.prompt.name'] = name;
  }
  const span: Attributes = { ...metric };
  if (id !== null) span['jsonrpc.request.id'] = String(id);
  const claim = claimedProtocolVersion(params);
  const claimed = typeof claim === 'string' ? claim : undefined;
  // A stateless request belongs to no session: the session it runs on is its own, for this request only.
  if (claimed === undefined && !session.ephemeral) span['mcp.session.id'] = session.id;
  const uri = params?.uri;
  if (typeof uri === 'string' && method.startsWith('resources/')) span['mcp.resource.uri'] = uri;
  return { span, metric, claimed };
}

/** How a request ended, as `error.type` and the JSON-RPC code; `undefined`: no response was sent. */
export interface Outcome {
  readonly attributes: Attributes;
  /** The span's error description; `undefined` when the request succeeded. */
  readonly error: string | undefined;
}

export function outcomeOf(response: JSONRPCResponse | undefined): Outcome {
  if (response === undefined) {
    return {
      attributes: { 'error.type': 'cancelled' },
      error: 'no response was sent: the request was cancelled, or its session closed',
    };
  }
  if ('error' in response) {
    const code = String(response.error.code);
    return {
      attributes: { 'error.type': code, 'rpc.response.status_code': code },
      error: response.error.message,
    };
  }
  const result = response.result as { isError?: unknown; resultType?: unknown };
  const attributes: Attributes = {};
  if (typeof result.resultType === 'string') attributes['mcp_live.result_type'] = result.resultType;
  if (result.isError !== true) return { attributes, error: undefined };
  attributes['error.type'] = 'tool_error';
  return { attributes, error: 'the tool answered isError: true' };
}

/** The attributes of `mcp.server.session.duration`. */
export function sessionAttributes(transport: string, protocolVersion: string | undefined): Attributes {
  const attributes: Attributes = { 'mcp_live.transport': transport, ...networkOf(transport) };
  if (protocolVersion !== undefined) attributes['mcp.protocol.version'] = protocolVersion;
  return attributes;
}

/** `network.*` attributes for the transports mcp-live ships (a custom transport gets none). */
function networkOf(transport: string): Attributes | undefined {
  if (transport === 'sse' || transport === 'streamable-http') {
    return { 'network.transport': 'tcp', 'network.protocol.name': 'http' };
  }
  if (transport === 'stdio') return { 'network.transport': 'pipe' };
  return undefined;
}
