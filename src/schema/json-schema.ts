import { McpLiveError } from '../protocol/mcp-live-error.ts';

/** A raw JSON Schema a tool can take as its input or output: an object schema at the root. */
export type JSONSchemaInput = { readonly type: 'object'; readonly [keyword: string]: unknown };

const EXPECTED =
  'a shape of s.* fields, s.object({...}), a Standard Schema (zod, valibot, arktype) ' +
  'or a JSON Schema with type: "object" at the root';

/**
 * Types a raw JSON Schema: the handler then sees `T` (default `Record<string, unknown>`).
 * Nothing checks that `T` matches the schema; Ajv checks the values.
 *
 * @example
 * const input = jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
 */
export function jsonSchema<T = Record<string, unknown>>(
  schema: Record<string, unknown>,
): JSONSchemaInput & { readonly __type?: T } {
  assertObjectRoot(schema, 'jsonSchema()');
  return schema as JSONSchemaInput & { readonly __type?: T };
}

/** Throws `INVALID_DEFINITION` unless `value` is a JSON Schema with `type: "object"` at its root. */
export function assertObjectRoot(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new McpLiveError('INVALID_DEFINITION', `${what}: expected ${EXPECTED}; got ${kindOf(value)}`);
  }
  const type = (value as Record<string, unknown>).type;
  if (type !== 'object') {
    const got = type === undefined ? 'no "type" keyword' : `type ${JSON.stringify(type)}`;
    throw new McpLiveError(
      'INVALID_DEFINITION',
      `${what}: a tool schema must be a JSON Schema with type: "object" at the root (MCP requires it); got ${got}. ` +
        'Wrap single values in an object, e.g. { type: "object", properties: { value: ... } }',
    );
  }
}

/** A short name for what a value is, for error messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
