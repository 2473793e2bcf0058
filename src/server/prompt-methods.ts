import { MAX_COMPLETION_VALUES } from '../protocol/completion.ts';
import type { GetPromptResult } from '../protocol/prompts.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import type { Catalog } from './catalog.ts';
import { paginate } from './cursor.ts';
import { toPromptResult } from './prompt-definition.ts';
import type { RequestContext } from './request-context.ts';
import type { Completer } from './resource-definition.ts';

export function listPrompts(catalog: Catalog, params: Record<string, unknown>, pageSize: number) {
  const all = [...catalog.prompts.values()].map((entry) => entry.prompt);
  const { page, nextCursor } = paginate(all, 'prompts/list', params.cursor, pageSize);
  return nextCursor === undefined ? { prompts: page } : { prompts: page, nextCursor };
}

function readStringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ProtocolError.invalidParams(`${what} must be an object of strings`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw ProtocolError.invalidParams(`${what}: "${key}" must be a string`);
  }
  return value as Record<string, string>;
}

export async function getPrompt(
  catalog: Catalog,
  params: Record<string, unknown>,
  ctx: RequestContext,
): Promise<GetPromptResult> {
  const name = params.name;
  if (typeof name !== 'string') throw ProtocolError.invalidParams('prompts/get needs a string "name"');
  const entry = catalog.prompts.get(name);
  if (entry === undefined) {
    throw ProtocolError.invalidParams(
      `Unknown prompt "${name}"; call prompts/list to see the prompts this server has`,
    );
  }
  const args = readStringRecord(params.arguments, `Arguments of prompt "${name}"`);
  const missing = Object.entries(entry.arguments)
    .filter(([argName, config]) => config.required === true && args[argName] === undefined)
    .map(([argName]) => `"${argName}"`);
  if (missing.length > 0) {
    throw ProtocolError.invalidParams(
      `Prompt "${name}" is missing required argument(s) ${missing.join(', ')}`,
    );
  }
  return toPromptResult(await entry.handler(args, ctx), entry.prompt.description);
}

export async function complete(catalog: Catalog, params: Record<string, unknown>, ctx: RequestContext) {
  const ref = params.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
  const argument = params.argument as { name?: unknown; value?: unknown } | undefined;
  if (typeof argument?.name !== 'string' || typeof argument.value !== 'string') {
    throw ProtocolError.invalidParams('completion/complete needs "argument" with string "name" and "value"');
  }
  const context = params.context as { arguments?: unknown } | undefined;
  const known = readStringRecord(context?.arguments, 'context.arguments');
  let completer: Completer | undefined;
  if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
    const entry = catalog.prompts.get(ref.name);
    if (entry === undefined)
      throw ProtocolError.invalidParams(`Unknown prompt "${ref.name}" in completion ref`);
    completer = entry.arguments[argument.name]?.complete;
  } else if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
    const entry = catalog.templates.find((t) => t.template.template === ref.uri);
    if (entry === undefined) {
      throw ProtocolError.invalidParams(`Unknown resource template "${ref.uri}" in completion ref`);
    }
    completer = entry.config.complete?.[argument.name];
  } else {
    throw ProtocolError.invalidParams(
      'completion/complete needs "ref" of type "ref/prompt" (with "name") or "ref/resource" (with "uri")',
    );
  }
  const values = completer === undefined ? [] : await completer(argument.value, { arguments: known, ctx });
  return {
    completion: {
      values: values.slice(0, MAX_COMPLETION_VALUES),
      total: values.length,
      hasMore: values.length > MAX_COMPLETION_VALUES,
    },
  };
}
