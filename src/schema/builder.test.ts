import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { isSchemaNode, SCHEMA_BRAND, s } from './index.ts';

describe('s builder JSON Schema', () => {
  test('string with every string modifier', () => {
    const node = s
      .string()
      .describe('City name')
      .title('City')
      .minLength(2)
      .maxLength(40)
      .pattern(/^[A-Z]/)
      .format('uri');
    assert.deepEqual(node.toJSONSchema(), {
      type: 'string',
      description: 'City name',
      title: 'City',
      minLength: 2,
      maxLength: 40,
      pattern: '^[A-Z]',
      format: 'uri',
    });
  });

  test('string enum and default', () => {
    assert.deepEqual(s.string().enum(['a', 'b']).default('a').toJSONSchema(), {
      type: 'string',
      enum: ['a', 'b'],
      default: 'a',
    });
  });

  test('number and integer with bounds, multipleOf, enum', () => {
    assert.deepEqual(s.number().min(0).max(1).multipleOf(0.5).toJSONSchema(), {
      type: 'number',
      minimum: 0,
      maximum: 1,
      multipleOf: 0.5,
    });
    assert.deepEqual(s.integer().enum([1, 2]).default(2).toJSONSchema(), {
      type: 'integer',
      enum: [1, 2],
      default: 2,
    });
  });

  test('boolean with default and description', () => {
    assert.deepEqual(s.boolean().default(true).describe('Verbose').toJSONSchema(), {
      type: 'boolean',
      default: true,
      description: 'Verbose',
    });
  });

  test('string, integer and boolean mirror into an Mcp-Param header with .header()', () => {
    assert.deepEqual(s.string().required().header('Region').toJSONSchema(), {
      type: 'string',
      'x-mcp-header': 'Region',
    });
    assert.deepEqual(s.integer().header('Count').min(1).toJSONSchema(), {
      type: 'integer',
      'x-mcp-header': 'Count',
      minimum: 1,
    });
    assert.deepEqual(s.boolean().default(false).header('Flag').toJSONSchema(), {
      type: 'boolean',
      default: false,
      'x-mcp-header': 'Flag',
    });
    assert.equal(s.string().enum(['a', 'b']).header('Mode').toJSONSchema()['x-mcp-header'], 'Mode');
  });

  test('s.integer() keeps .header() through every modifier, s.number() has none', () => {
    const integer = s.integer().required().default(2).enum([1, 2]).min(1).max(2).multipleOf(1);
    assert.equal(integer.header('N').toJSONSchema()['x-mcp-header'], 'N');
    assert.equal(integer.presence, 'defaulted');
    assert.equal(s.integer().enum([1]).required().presence, 'required');
    assert.equal('header' in s.number(), false);
    // @ts-expect-error x-mcp-header may not sit on a number (only string, integer, boolean)
    assert.throws(() => s.number().header('N'), TypeError);
  });

  test('array with item schema and item-count limits', () => {
    assert.deepEqual(s.array(s.string().minLength(1)).minItems(1).maxItems(3).unique().toJSONSchema(), {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
    });
  });

  test('nested object lists only .required() fields in required, defaults as default', () => {
    const node = s.object({
      id: s.integer().required(),
      name: s.string().default('anon'),
      address: s.object({ city: s.string().required(), zip: s.string() }).required().describe('Where'),
      tags: s.array(s.object({ key: s.string().required() })),
    });
    assert.deepEqual(node.toJSONSchema(), {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string', default: 'anon' },
        address: {
          type: 'object',
          description: 'Where',
          properties: { city: { type: 'string' }, zip: { type: 'string' } },
          required: ['city'],
        },
        tags: {
          type: 'array',
          items: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
        },
      },
      required: ['id', 'address'],
    });
  });

  test('object with no required field has no required keyword', () => {
    assert.deepEqual(s.object({ a: s.string() }).toJSONSchema(), {
      type: 'object',
      properties: { a: { type: 'string' } },
    });
  });

  test('object property limits, additionalProperties and propertyNames', () => {
    const node = s
      .object({})
      .additionalProperties(s.number())
      .minProperties(1)
      .maxProperties(5)
      .propertyNames(s.string().pattern('^[a-z]+$'));
    assert.deepEqual(node.toJSONSchema(), {
      type: 'object',
      properties: {},
      additionalProperties: { type: 'number' },
      minProperties: 1,
      maxProperties: 5,
      propertyNames: { type: 'string', pattern: '^[a-z]+$' },
    });
    assert.equal(s.object({}).additionalProperties(false).toJSONSchema().additionalProperties, false);
  });
});

describe('s builder nodes', () => {
  test('every modifier returns a new node and leaves the original as it was', () => {
    const base = s.string();
    const described = base.describe('x');
    const required = base.required();
    assert.notEqual(described, base);
    assert.deepEqual(base.toJSONSchema(), { type: 'string' });
    assert.equal(base.presence, 'optional');
    assert.equal(required.presence, 'required');
    assert.equal(described.presence, 'optional');
    assert.equal(required.describe('y').presence, 'required');
    assert.equal(s.number().default(1).min(0).presence, 'defaulted');
  });

  test('emitted JSON Schema is a fresh object each time', () => {
    const node = s.array(s.string()).default(['a']);
    const first = node.toJSONSchema();
    (first.default as string[]).push('b');
    assert.deepEqual(node.toJSONSchema().default, ['a']);
  });

  test('an object keeps its shape even if the caller mutates the record later', () => {
    const shape: Record<string, ReturnType<typeof s.string>> = { a: s.string() };
    const node = s.object(shape);
    shape.b = s.string();
    assert.deepEqual(Object.keys(node.toJSONSchema().properties as object), ['a']);
  });

  test('nodes carry the shared brand', () => {
    assert.equal(isSchemaNode(s.boolean()), true);
    assert.equal(SCHEMA_BRAND, Symbol.for('mcp-live.schema'));
    assert.equal(isSchemaNode({ type: 'string' }), false);
  });

  test('a RegExp flag JSON Schema cannot express is rejected with the fix', () => {
    assert.throws(
      () => s.string().pattern(/abc/i),
      (error: unknown) =>
        isMcpLiveError(error, 'INVALID_DEFINITION') && /"i" would be lost/.test(error.message),
    );
    assert.equal(s.string().pattern(/abc/gu).toJSONSchema().pattern, 'abc');
  });

  test('an invalid pattern string is rejected when declared', () => {
    assert.throws(
      () => s.string().pattern('(['),
      (error: unknown) => isMcpLiveError(error, 'INVALID_DEFINITION') && error.message.includes('"(["'),
    );
  });

  test('s.object names a field that is not an s.* node', () => {
    assert.throws(
      () => s.object({ ok: s.string(), bad: { type: 'string' } as never }),
      (error: unknown) =>
        isMcpLiveError(error, 'INVALID_DEFINITION') && error.message.includes('field "bad"'),
    );
  });

  test('s.array rejects an item that is not an s.* node', () => {
    assert.throws(
      () => s.array('string' as never),
      (error: unknown) => isMcpLiveError(error, 'INVALID_DEFINITION'),
    );
  });
});
