import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { ArraySchema } from './array-schema.ts';
import { BooleanSchema } from './boolean-schema.ts';
import { IntegerSchema } from './integer-schema.ts';
import { NumberSchema } from './number-schema.ts';
import { ObjectSchema, type ShapeRecord } from './object-schema.ts';
import { type AnySchemaNode, isSchemaNode } from './schema-node.ts';
import { StringSchema } from './string-schema.ts';

function object<S extends ShapeRecord>(shape: S): ObjectSchema<S> {
  if (typeof shape !== 'object' || shape === null || Array.isArray(shape)) {
    throw new McpLiveError(
      'INVALID_DEFINITION',
      's.object() takes a record of s.* fields, e.g. { name: s.string() }',
    );
  }
  for (const [key, node] of Object.entries(shape)) {
    if (!isSchemaNode(node)) {
      throw new McpLiveError(
        'INVALID_DEFINITION',
        `s.object(): field "${key}" is not an s.* schema; declare it as s.string(), s.number(), s.object({...}), …`,
      );
    }
  }
  return new ObjectSchema({ ...shape }, { type: 'object' }, 'optional');
}

function array<I extends AnySchemaNode>(items: I): ArraySchema<I> {
  if (!isSchemaNode(items)) {
    throw new McpLiveError('INVALID_DEFINITION', 's.array() takes the item schema, e.g. s.array(s.string())');
  }
  return new ArraySchema(items, { type: 'array' }, 'optional');
}

/**
 * Builds tool schemas whose handler types are inferred. A field is optional unless it is
 * `.required()` or has a `.default()`, as in mcp-go. Every modifier returns a new node.
 *
 * @example
 * const input = {
 *   source: s.string().required().describe('Where to read from'),
 *   count: s.integer().min(1).default(10),
 *   tags: s.array(s.string()),
 * };
 * // handler args: { source: string; count: number; tags?: string[] | undefined }
 */
export const s = Object.freeze({
  /** A string field. */
  string: (): StringSchema => new StringSchema({ type: 'string' }, 'optional'),
  /** A number field (any JSON number). */
  number: (): NumberSchema => new NumberSchema({ type: 'number' }, 'optional'),
  /** An integer field (JSON Schema `integer`; typed as `number`). */
  integer: (): IntegerSchema => new IntegerSchema({ type: 'integer' }, 'optional'),
  /** A boolean field. */
  boolean: (): BooleanSchema => new BooleanSchema({ type: 'boolean' }, 'optional'),
  /** An array whose every item matches `items`. */
  array,
  /** An object with these fields; also usable as a whole tool input. */
  object,
});
