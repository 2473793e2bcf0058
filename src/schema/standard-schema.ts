import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { formatPath, type SchemaIssue, type ValidationResult } from './issues.ts';
import { assertObjectRoot } from './json-schema.ts';

/** True for any Standard Schema (zod, valibot, arktype, …); arktype's are functions. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && '~standard' in value;
}

/** Reads a Standard Schema's JSON Schema and validates through the schema's own `~standard.validate`. */
export function compileStandardSchema(schema: StandardSchemaV1): {
  jsonSchema: Record<string, unknown>;
  validate(value: unknown): ValidationResult<unknown> | Promise<ValidationResult<unknown>>;
} {
  // Read once: some libraries build `~standard` anew on every access.
  const props = schema['~standard'];
  const jsonSchema = readJSONSchema(props);
  assertObjectRoot(jsonSchema, `The ${props.vendor} schema's JSON Schema`);
  return {
    jsonSchema,
    validate(value) {
      const result = props.validate(value);
      return result instanceof Promise ? result.then(toValidationResult) : toValidationResult(result);
    },
  };
}

function readJSONSchema(props: StandardSchemaV1.Props): Record<string, unknown> {
  const converter = (props as Partial<StandardJSONSchemaV1.Props>).jsonSchema;
  if (typeof converter?.input !== 'function') {
    const hint =
      props.vendor === 'valibot'
        ? 'wrap it with toStandardJsonSchema(schema) from @valibot/to-json-schema, or '
        : '';
    throw new McpLiveError(
      'INVALID_DEFINITION',
      `The ${props.vendor} schema cannot give its JSON Schema (it has no ~standard.jsonSchema), ` +
        `which a tool must publish; ${hint}pass the JSON Schema yourself with withJSONSchema(schema, jsonSchema)`,
    );
  }
  try {
    return structuredClone(converter.input({ target: 'draft-2020-12' }));
  } catch (first) {
    try {
      return structuredClone(converter.input({ target: 'draft-07' }));
    } catch {
      throw new McpLiveError(
        'INVALID_DEFINITION',
        `The ${props.vendor} schema cannot be converted to JSON Schema: ${(first as Error).message}. ` +
          'Use types JSON Schema can express, or pass the JSON Schema yourself with withJSONSchema(schema, jsonSchema)',
        { cause: first },
      );
    }
  }
}

function toValidationResult(result: StandardSchemaV1.Result<unknown>): ValidationResult<unknown> {
  if (!result.issues) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(toIssue) };
}

function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const path = formatPath(
    (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment)),
  );
  // arktype starts its messages with the path; the path is shown once already.
  const message =
    path !== '' && issue.message.startsWith(`${path} `)
      ? issue.message.slice(path.length + 1)
      : issue.message;
  return { path, message };
}

/**
 * Gives a Standard Schema without a JSON Schema converter (plain valibot, …) the JSON Schema a tool publishes.
 * Validation still runs through the schema itself.
 *
 * @example
 * const input = withJSONSchema(v.object({ city: v.string() }), {
 *   type: 'object', properties: { city: { type: 'string' } }, required: ['city'],
 * });
 */
export function withJSONSchema<I, O>(
  schema: StandardSchemaV1<I, O>,
  jsonSchema: Record<string, unknown>,
): StandardSchemaV1<I, O> & StandardJSONSchemaV1<I, O> {
  const props = schema['~standard'];
  const copy = structuredClone(jsonSchema);
  const convert = (): Record<string, unknown> => structuredClone(copy);
  return {
    '~standard': {
      version: 1,
      vendor: props.vendor,
      validate: (value, options) => props.validate(value, options),
      jsonSchema: { input: convert, output: convert },
    },
  };
}
