import type { Icon } from '../protocol/content.ts';
import { isMcpLiveError, McpLiveError } from '../protocol/mcp-live-error.ts';
import type { CallToolResult, Tool, ToolAnnotations } from '../protocol/tools.ts';
import { type CompiledSchema, compileSchema, type InferSchema, type SchemaInput } from '../schema/index.ts';
import { collectHeaderParams, type McpParamHeader } from './mcp-header-params.ts';
import type { RequestContext } from './request-context.ts';
import { checkScopes } from './required-scopes.ts';

/** How a tool is described: everything `tools/list` shows, and its schemas. */
export interface ToolConfig<I extends SchemaInput | undefined, O extends SchemaInput | undefined> {
  title?: string;
  description?: string;
  /** The arguments: a shape of `s.*` fields, `s.object(…)`, any Standard Schema, or raw JSON Schema. */
  input?: I;
  /** The shape of `structuredContent`; results are checked against it. */
  output?: O;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /**
   * OAuth scopes a caller's token must grant to use it (all of them). Checked by HTTP transports with
   * an `oauth` resource server, which answer 403 `insufficient_scope` naming them; other transports
   * (stdio, an `authenticate` callback, the in-memory test client) do not check them.
   */
  scopes?: readonly string[];
}

/** A tool's arguments as its handler sees them: validated, defaults applied. */
export type ToolArgs<I> = I extends SchemaInput ? InferSchema<I> : Record<string, never>;

/** A tool result: a full `CallToolResult`, or a string as one text block. */
export type ToolReturn = CallToolResult | string;

export type ToolHandler<I extends SchemaInput | undefined> = (
  args: ToolArgs<I>,
  ctx: RequestContext,
) => ToolReturn | Promise<ToolReturn>;

/** A tool as the server keeps it: its wire description and compiled schemas. */
export interface ToolEntry {
  /** The arguments a Streamable HTTP client mirrors into `Mcp-Param-*` headers (`x-mcp-header`). */
  readonly headerParams: readonly McpParamHeader[];
  readonly name: string;
  readonly tool: Tool;
  readonly input: CompiledSchema<unknown> | undefined;
  readonly output: CompiledSchema<unknown> | undefined;
  /** OAuth scopes a call needs (`ToolConfig.scopes`). */
  readonly scopes: readonly string[] | undefined;
  readonly handler: (args: unknown, ctx: RequestContext) => ToolReturn | Promise<ToolReturn>;
}

/** Compiles one schema of a tool; a bad schema's error names the tool. */
function compileFor(name: string, which: 'input' | 'output', schema: SchemaInput | undefined) {
  if (schema === undefined) return undefined;
  try {
    return compileSchema(schema);
  } catch (error) {
    if (!isMcpLiveError(error)) throw error;
    throw new McpLiveError(error.code, `Tool "${name}" has an invalid ${which} schema: ${error.message}`, {
      cause: error,
    });
  }
}

const EMPTY_INPUT = { type: 'object', properties: {} } as const;

/** Validates a tool's definition once, at registration. */
export function defineTool(
  name: string,
  config: ToolConfig<SchemaInput | undefined, SchemaInput | undefined>,
  handler: (args: never, ctx: RequestContext) => ToolReturn | Promise<ToolReturn>,
): ToolEntry {
  const input = compileFor(name, 'input', config.input);
  const output = compileFor(name, 'output', config.output);
  const tool: Tool = { name, inputSchema: input?.jsonSchema ?? { ...EMPTY_INPUT } };
  if (config.title !== undefined) tool.title = config.title;
  if (config.description !== undefined) tool.description = config.description;
  if (output !== undefined) tool.outputSchema = output.jsonSchema;
  if (config.annotations !== undefined) tool.annotations = config.annotations;
  if (config.icons !== undefined) tool.icons = config.icons;
  if (config._meta !== undefined) tool._meta = config._meta;
  const headerParams = collectHeaderParams(tool.inputSchema as Record<string, unknown>, name);
  const scopes = checkScopes(config.scopes, `Tool "${name}"`);
  return { name, tool, input, output, headerParams, scopes, handler: handler as ToolEntry['handler'] };
}
