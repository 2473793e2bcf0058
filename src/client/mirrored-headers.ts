import { encodeHeaderValue, MCP_NAME_FIELD } from '../protocol/header-values.ts';
import type { JSONRPCRequest } from '../protocol/jsonrpc.ts';
import { MetaKey } from '../protocol/request-meta.ts';

/** One tool argument the client mirrors into an `Mcp-Param-{name}` header. */
export interface ParamHeader {
  /** The `x-mcp-header` value, e.g. `'Region'`. */
  name: string;
  /** The `properties` keys from the input schema's root to the argument. */
  path: string[];
}

/** The `x-mcp-header` arguments of a tool's input schema, reached from the root through `properties`. */
export function collectParamHeaders(schema: unknown, path: string[] = []): ParamHeader[] {
  if (!isRecord(schema)) return [];
  const found: ParamHeader[] = [];
  const name = schema['x-mcp-header'];
  if (typeof name === 'string' && path.length > 0) found.push({ name, path });
  const properties = schema.properties;
  if (isRecord(properties)) {
    for (const [key, sub] of Object.entries(properties))
      found.push(...collectParamHeaders(sub, [...path, key]));
  }
  return found;
}

/**
 * The request-metadata headers of a 2026-07-28 POST: `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`
 * (tools/call, prompts/get, resources/read) and, for tools/call, one `Mcp-Param-*` per mirrored argument
 * that has a value.
 */
export function mirroredHeaders(request: JSONRPCRequest, params: readonly ParamHeader[]): Headers {
  const headers = new Headers();
  const body = request.params ?? {};
  const meta = body._meta as Record<string, unknown> | undefined;
  headers.set('mcp-protocol-version', String(meta?.[MetaKey.ProtocolVersion]));
  headers.set('mcp-method', request.method);
  const field = MCP_NAME_FIELD[request.method];
  const name = field === undefined ? undefined : body[field];
  if (typeof name === 'string') headers.set('mcp-name', encodeHeaderValue(name));
  if (request.method !== 'tools/call') return headers;
  for (const param of params) {
    const value = valueAt(body.arguments, param.path);
    if (typeof value === 'string') headers.set(`mcp-param-${param.name}`, encodeHeaderValue(value));
    else if (typeof value === 'number' || typeof value === 'boolean') {
      headers.set(`mcp-param-${param.name}`, String(value));
    }
  }
  return headers;
}

/** What the client learned from `tools/list` about each tool's mirrored arguments. */
export class ToolParamHeaders {
  #byTool = new Map<string, ParamHeader[]>();

  /** Records the mirrored arguments of every tool in a `tools/list` page. */
  learn(tools: unknown): void {
    if (!Array.isArray(tools)) return;
    for (const tool of tools) {
      if (isRecord(tool) && typeof tool.name === 'string') {
        this.#byTool.set(tool.name, collectParamHeaders(tool.inputSchema));
      }
    }
  }

  /** The mirrored arguments of `tool`; `undefined` when no `tools/list` has shown it yet. */
  of(tool: string): ParamHeader[] | undefined {
    return this.#byTool.get(tool);
  }
}

function valueAt(args: unknown, path: readonly string[]): unknown {
  let value = args;
  for (const key of path) {
    if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
