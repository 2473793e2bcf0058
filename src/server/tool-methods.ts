import { errorText } from '../protocol/error-text.ts';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { isProtocolError, ProtocolError } from '../protocol/protocol-error.ts';
import type { CallToolResult } from '../protocol/tools.ts';
import { formatIssues } from '../schema/index.ts';
import type { Catalog } from './catalog.ts';
import { paginate } from './cursor.ts';
import { isPromiseLike } from './promise-like.ts';
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

/**
 * `tools/call`: finds the tool, validates its arguments, runs its handler (through the middleware)
 * and checks its structured output. Not async: a handler that answers at once is answered at once,
 * without a turn of the microtask queue per step; one that returns a promise gets a promise.
 */
export function callTool(
  catalog: Catalog,
  params: Record<string, unknown>,
  ctx: RequestContext,
  middleware: readonly ToolMiddleware[],
): CallToolResult | Promise<CallToolResult> {
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
  if (entry.input === undefined) return run(entry, raw, raw, ctx, middleware);
  // JSON Schemas validate synchronously; a Standard Schema may not.
  const checked = entry.input.validate(raw);
  if (checked instanceof Promise) return checked.then((c) => validated(entry, c, raw, ctx, middleware));
  return validated(entry, checked, raw, ctx, middleware);
}

type Checked = Exclude<ReturnType<NonNullable<ToolEntry['input']>['validate']>, Promise<unknown>>;

function validated(
  entry: ToolEntry,
  checked: Checked,
  raw: object,
  ctx: RequestContext,
  middleware: readonly ToolMiddleware[],
): CallToolResult | Promise<CallToolResult> {
  if (!checked.ok)
    return toolError(`Invalid arguments for tool "${entry.name}": ${formatIssues(checked.issues)}`);
  return run(entry, checked.value, raw, ctx, middleware);
}

function run(
  entry: ToolEntry,
  args: unknown,
  raw: unknown,
  ctx: RequestContext,
  middleware: readonly ToolMiddleware[],
): CallToolResult | Promise<CallToolResult> {
  const result =
    middleware.length === 0
      ? runHandler(entry, args, raw, ctx)
      : runMiddleware(middleware, { name: entry.name, arguments: args, ctx }, () =>
          Promise.resolve(runHandler(entry, args, raw, ctx)),
        );
  if (entry.output === undefined) return result;
  return isPromiseLike(result)
    ? Promise.resolve(result).then((value) => checkOutput(entry, value))
    : checkOutput(entry, result);
}

/** A tool that declares an outputSchema must return `structuredContent` that matches it. */
function checkOutput(entry: ToolEntry, result: CallToolResult): CallToolResult | Promise<CallToolResult> {
  if (result.isError) return result;
  if (result.structuredContent === undefined) {
    throw ProtocolError.internal(
      `Tool "${entry.name}" declares an outputSchema but returned no structuredContent (return json(value))`,
    );
  }
  const checked = entry.output!.validate(result.structuredContent);
  const verdict = (c: Awaited<typeof checked>): CallToolResult => {
    if (!c.ok) {
      throw ProtocolError.internal(
        `Tool "${entry.name}" returned structuredContent that does not match its outputSchema: ${formatIssues(c.issues)}`,
      );
    }
    return result;
  };
  return checked instanceof Promise ? checked.then(verdict) : verdict(checked);
}

/** Runs a tool's handler; a failure other than a protocol error becomes an error result the model reads. */
function runHandler(
  entry: ToolEntry,
  args: unknown,
  raw: unknown,
  ctx: RequestContext,
): CallToolResult | Promise<CallToolResult> {
  let value: ReturnType<ToolEntry['handler']>;
  try {
    value = entry.handler(args, ctx);
  } catch (error) {
    return handlerFailed(entry, raw, ctx, error);
  }
  if (!isPromiseLike(value)) return normalize(value as ToolReturn);
  return Promise.resolve(value).then(normalize, (error: unknown) => handlerFailed(entry, raw, ctx, error));
}

function handlerFailed(entry: ToolEntry, raw: unknown, ctx: RequestContext, error: unknown): CallToolResult {
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
