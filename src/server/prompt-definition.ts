import type { Icon } from '../protocol/content.ts';
import type { GetPromptResult, Prompt, PromptArgument, PromptMessage } from '../protocol/prompts.ts';
import type { RequestContext } from './request-context.ts';
import { checkScopes } from './required-scopes.ts';
import type { Completer } from './resource-definition.ts';

export interface PromptArgumentConfig {
  title?: string;
  description?: string;
  required?: boolean;
  /** Suggests values for `completion/complete`. */
  complete?: Completer;
}

export interface PromptConfig<A extends Record<string, PromptArgumentConfig>> {
  title?: string;
  description?: string;
  arguments?: A;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /**
   * OAuth scopes a caller's token must grant to get it or complete its arguments (all of them).
   * Checked by HTTP transports with an `oauth` resource server, which answer 403
   * `insufficient_scope` naming them; other transports (stdio, an `authenticate` callback, the
   * in-memory test client) do not.
   */
  scopes?: readonly string[];
}

/** A prompt's arguments as its handler sees them: required ones are strings, the rest may be missing. */
export type PromptArgs<A extends Record<string, PromptArgumentConfig>> = {
  [K in keyof A as A[K] extends { required: true } ? K : never]: string;
} & {
  [K in keyof A as A[K] extends { required: true } ? never : K]?: string | undefined;
};

/** What a prompt handler may return: a whole result, messages, or one user message as text. */
export type PromptReturn = GetPromptResult | PromptMessage[] | string;

export type PromptHandler<A extends Record<string, PromptArgumentConfig>> = (
  args: PromptArgs<A>,
  ctx: RequestContext,
) => PromptReturn | Promise<PromptReturn>;

export interface PromptEntry {
  readonly prompt: Prompt;
  readonly arguments: Record<string, PromptArgumentConfig>;
  readonly scopes: readonly string[] | undefined;
  readonly handler: (
    args: Record<string, string>,
    ctx: RequestContext,
  ) => PromptReturn | Promise<PromptReturn>;
}

export function definePrompt(
  name: string,
  config: PromptConfig<Record<string, PromptArgumentConfig>>,
  handler: PromptEntry['handler'],
): PromptEntry {
  const args = config.arguments ?? {};
  const prompt: Prompt = { name };
  if (config.title !== undefined) prompt.title = config.title;
  if (config.description !== undefined) prompt.description = config.description;
  if (config.icons !== undefined) prompt.icons = config.icons;
  if (config._meta !== undefined) prompt._meta = config._meta;
  const described: PromptArgument[] = Object.entries(args).map(([argName, arg]) => {
    const out: PromptArgument = { name: argName };
    if (arg.title !== undefined) out.title = arg.title;
    if (arg.description !== undefined) out.description = arg.description;
    if (arg.required !== undefined) out.required = arg.required;
    return out;
  });
  if (described.length > 0) prompt.arguments = described;
  return { prompt, arguments: args, scopes: checkScopes(config.scopes, `Prompt "${name}"`), handler };
}

export function toPromptResult(value: PromptReturn, description: string | undefined): GetPromptResult {
  const result: GetPromptResult =
    typeof value === 'string'
      ? { messages: [{ role: 'user', content: { type: 'text', text: value } }] }
      : Array.isArray(value)
        ? { messages: value }
        : value;
  if (result.description === undefined && description !== undefined) return { description, ...result };
  return result;
}
