import type { StandardSchemaV1 } from '@standard-schema/spec';
import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { compileWithAjv } from './ajv-dialects.ts';
import { toIssues } from './ajv-issues.ts';
import { s } from './builder.ts';
import type { ValidationResult } from './issues.ts';
import { assertObjectRoot, type JSONSchemaInput } from './json-schema.ts';
import type { InferShape, ObjectSchema, ShapeRecord } from './object-schema.ts';
import { isSchemaNode, type Presence } from './schema-node.ts';
import { compileStandardSchema, isStandardSchema } from './standard-schema.ts';

/** What a tool may declare as its input or output schema. */
export type SchemaInput =
  | ShapeRecord
  | ObjectSchema<ShapeRecord, Presence>
  | StandardSchemaV1
  | JSONSchemaInput;

type InferJSONSchema<I> = I extends { readonly __type?: infer T }
  ? unknown extends T
    ? Record<string, unknown>
    : T
  : Record<string, unknown>;

/** The value a schema yields once validated: inferred from `s.*`, a Standard Schema's output, or `jsonSchema<T>()`. */
export type InferSchema<I> =
  I extends ObjectSchema<infer S, Presence>
    ? InferShape<S>
    : I extends StandardSchemaV1
      ? StandardSchemaV1.InferOutput<I>
      : I extends JSONSchemaInput
        ? InferJSONSchema<I>
        : I extends ShapeRecord
          ? InferShape<I>
          : never;

/** A schema compiled once, at registration, and reused for every value. */
export interface CompiledSchema<T> {
  /** The JSON Schema sent to clients as `inputSchema` or `outputSchema`; `type: "object"` at the root. */
  readonly jsonSchema: Record<string, unknown>;
  /**
   * Checks `value` and reports every issue at once. For `s.*` and raw JSON Schema this is synchronous and
   * applies `default`s to `value` in place, so pass a value you own (such as freshly parsed JSON).
   * Standard Schemas run their own `validate` (defaults and transforms apply) and may return a promise.
   */
  validate(value: unknown): ValidationResult<T> | Promise<ValidationResult<T>>;
}

/**
 * Compiles a tool's schema: a shape of `s.*` fields, `s.object(…)`, a Standard Schema with a JSON Schema
 * (zod 4, arktype, valibot through `toStandardJsonSchema`, or `withJSONSchema`), or raw JSON Schema
 * (draft 2020-12 by default, draft-07 when its `$schema` says so).
 * Throws `McpLiveError('INVALID_DEFINITION')` when the schema cannot serve as a tool schema.
 *
 * @example
 * const args = compileSchema({ city: s.string().required(), days: s.integer().default(3) });
 * const checked = args.validate({ city: 'Oslo' }); // { ok: true, value: { city: 'Oslo', days: 3 } }
 */
export function compileSchema<I extends SchemaInput>(input: I): CompiledSchema<InferSchema<I>> {
  return compileAny(input) as CompiledSchema<InferSchema<I>>;
}

function compileAny(input: unknown): CompiledSchema<unknown> {
  if (isSchemaNode(input)) {
    const schema = input.toJSONSchema();
    if (schema.type !== 'object') {
      throw new McpLiveError(
        'INVALID_DEFINITION',
        `A tool schema built with s.* must be s.object({...}) or a shape such as { name: s.string() }; ` +
          `got s.${String(schema.type)}(). Wrap the value in an object field`,
      );
    }
    return compileJSONSchema(schema);
  }
  if (isStandardSchema(input)) return compileStandardSchema(input);
  if (isShape(input)) return compileJSONSchema(s.object(input).toJSONSchema());
  assertObjectRoot(input, 'Tool schema');
  return compileJSONSchema(structuredClone(input));
}

// A plain object with at least one s.* value is a shape; s.object() then names any field that is not.
function isShape(value: unknown): value is ShapeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const values = Object.values(value);
  return values.length === 0 || values.some(isSchemaNode);
}

function compileJSONSchema(schema: Record<string, unknown>): CompiledSchema<unknown> {
  const check = compileWithAjv(schema);
  return {
    jsonSchema: schema,
    validate(value) {
      if (check(value)) return { ok: true, value };
      return { ok: false, issues: toIssues(check.errors ?? [], value) };
    },
  };
}
