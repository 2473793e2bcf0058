import { errorText } from '../protocol/error-text.ts';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { isProtocolError, ProtocolError } from '../protocol/protocol-error.ts';
import type { CallToolResult } from '../protocol/tools.ts';
import { formatIssues } from '../schema/index.ts';
import type { Catalog } from './catalog.ts';
import { paginate } from './cursor.ts';
import type { RequestContext } from './request-context.ts';
import { toolError } from './results.ts';
import type { ToolEntry, ToolReturn } from './tool-definition.ts';

/** What a tool middleware sees of a call. */
export interface ToolCall {
  readonly name: string;
  /** Validated arguments, defaults applied. */
  readonly arguments: unknown;
  readonly ctx: RequestContext;
}

/** Runs around every tool call: call `next()` to go on, or return a result of your own. */
export type ToolMiddleware = (call: ToolCall, next: () => Promise<CallToolResult>) => Promise<CallToolResult>;

export function listTools(catalog: Catalog, params: Record<string, unknown>, pageSize: number) {
  const tools = [...catalog.tools.values()].map((entry) => entry.tool);
  const { page, nextCursor } = paginate(tools, 'tools/list', params.cursor, pageSize);
  return nextCursor === undefined ? { tools: page } : { tools: page, nextCursor };
}

function normalize(value: ToolReturn): CallToolResult {
  return typeof value === 'string' ? { content: [{ type: 'text', text: value }] } : value;
}

export async function callTool(
  catalog: Catalog,
  params: Record<string, unknown>,
  ctx: RequestContext,
  middleware: readonly ToolMiddleware[],
): Promise<CallToolResult> {
  const name = params.name;
  if (typeof name !== 'string') throw ProtocolError.invalidParams('tools/call needs a string "name"');
  const entry = catalog.tools.get(name);
  if (entry === undefined) {
    throw ProtocolError.invalidParams(
      `Unknown tool "${name}"; call tools/list to see the tools this server has`,
      {
        tool: name,
      },
    );
  }
  const raw = params.arguments ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return toolError(`Invalid arguments for tool "${name}": "arguments" must be an object`);
  }
  let args: unknown = raw;
  if (entry.input !== undefined) {
    let checked = entry.input.validate(raw);
    // JSON Schemas validate synchronously: awaiting only a promise saves a turn of the microtask queue.
    if (checked instanceof Promise) checked = await checked;
    if (!checked.ok)
      return toolError(`Invalid arguments for tool "${name}": ${formatIssues(checked.issues)}`);
    args = checked.value;
  }

  const result =
    middleware.length === 0
      ? await runHandler(entry, args, raw, ctx)
      : await runMiddleware(middleware, { name, arguments: args, ctx }, () =>
          runHandler(entry, args, raw, ctx),
        );

  if (entry.output !== undefined && !result.isError) {
    if (result.structuredContent === undefined) {
      throw ProtocolError.internal(
        `Tool "${name}" declares an outputSchema but returned no structuredContent (return json(value))`,
      );
    }
    const checked = await entry.output.validate(result.structuredContent);
    if (!checked.ok) {
      throw ProtocolError.internal(
        `Tool "${name}" returned structuredContent that does not match its outputSchema: ${formatIssues(checked.issues)}`,
      );
    }
  }
  return result;
}

/** Runs a tool's handler; a failure other than a protocol error becomes an error result the model reads. */
async function runHandler(
  entry: ToolEntry,
  args: unknown,
  raw: unknown,
  ctx: RequestContext,
): Promise<CallToolResult> {
  try {
    return normalize(await entry.handler(args, ctx));
  } catch (error) {
    // An input round that ended the request is not the tool's failure.
    if (isProtocolError(error) || ctx.signal.aborted || isMcpLiveError(error, 'INPUT_REQUIRED')) throw error;
    const request = {
      jsonrpc: '2.0' as const,
      id: ctx.requestId,
      method: ctx.method,
      params: { name: entry.name, arguments: raw },
    };
    ctx.server.reportError(error, ctx.session, request);
    return toolError(errorText(error));
  }
}

/** Runs the middleware outermost first, each around the rest, with `last` (the handler) innermost. */
function runMiddleware(
  middleware: readonly ToolMiddleware[],
  call: ToolCall,
  last: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  let next = last;
  for (let i = middleware.length - 1; i >= 0; i--) {
    const layer = middleware[i]!;
    const inner = next;
    next = () => layer({ ...call }, inner);
  }
  return next();
}
