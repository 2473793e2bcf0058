import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { z } from 'zod';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { compileSchema, s } from '../../src/schema/index.ts';
import { collectHeaderParams, readHeaderParamValue } from '../../src/server/mcp-header-params.ts';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

/** Asserts `collectHeaderParams` refuses the schema with a message naming the tool and every part. */
function assertRefused(schema: Record<string, unknown>, ...parts: string[]): void {
  assert.throws(
    () => collectHeaderParams(schema, 'search'),
    (error: unknown) => {
      assert.ok(isMcpLiveError(error, 'INVALID_DEFINITION'), String(error));
      assert.ok(error.message.startsWith('Tool "search": '), error.message);
      for (const part of parts) assert.ok(error.message.includes(part), `"${error.message}" lacks ${part}`);
      return true;
    },
  );
}

describe('collectHeaderParams', () => {
  test('returns each annotation with its property path and type, in schema order', () => {
    const schema = object({
      region: { type: 'string', 'x-mcp-header': 'Region' },
      query: { type: 'string' },
      count: { type: 'integer', 'x-mcp-header': 'Count' },
      target: object({ verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' } }),
    });
    assert.deepEqual(collectHeaderParams(schema, 'search'), [
      { name: 'Region', path: ['region'], type: 'string' },
      { name: 'Count', path: ['count'], type: 'integer' },
      { name: 'Verbose', path: ['target', 'verbose'], type: 'boolean' },
    ]);
  });

  test('a schema without annotations has none', () => {
    assert.deepEqual(collectHeaderParams(object({ q: { type: 'string' } }), 'search'), []);
    assert.deepEqual(collectHeaderParams({ type: 'object' }, 'search'), []);
  });

  test('a nullable type is allowed and reported as its primitive type', () => {
    const schema = object({ region: { type: ['string', 'null'], 'x-mcp-header': 'Region' } });
    assert.deepEqual(collectHeaderParams(schema, 'search'), [
      { name: 'Region', path: ['region'], type: 'string' },
    ]);
  });

  test('data that looks like an annotation is not one', () => {
    const schema = object({
      'x-mcp-header': { type: 'string' },
      mode: { type: 'object', default: { 'x-mcp-header': 'A' }, examples: [{ 'x-mcp-header': 'B' }] },
      kind: { const: { 'x-mcp-header': 'C' }, enum: [{ 'x-mcp-header': 'D' }] },
    });
    assert.deepEqual(collectHeaderParams(schema, 'search'), []);
  });

  test('the name must be a non-empty string', () => {
    assertRefused(object({ value: { type: 'string', 'x-mcp-header': '' } }), 'property "value"', 'empty');
    assertRefused(object({ value: { type: 'string', 'x-mcp-header': 7 } }), 'must be a string', 'got 7');
  });

  test('the name must be an RFC 9110 token', () => {
    for (const [name, bad] of [
      ['My Region', 'U+0020'],
      ['Region:Primary', 'U+003A'],
      ['Région', 'U+00E9'],
      ['a/b', 'U+002F'],
    ] as const) {
      assertRefused(
        object({ value: { type: 'string', 'x-mcp-header': name } }),
        `"${name}"`,
        bad,
        'RFC 9110 token',
      );
    }
    const ok = "Az09!#$%&'*+-.^_`|~";
    assert.equal(
      collectHeaderParams(object({ v: { type: 'string', 'x-mcp-header': ok } }), 't')[0]?.name,
      ok,
    );
  });

  test('the name may not hold control characters', () => {
    for (const [name, char] of [
      ['Region\t1', 'U+0009'],
      ['Region\r\nX-Evil', 'U+000D'],
      ['A\u007f', 'U+007F'],
    ] as const) {
      assertRefused(object({ value: { type: 'string', 'x-mcp-header': name } }), 'control character', char);
    }
  });

  test('names must be unique ignoring case', () => {
    assertRefused(
      object({
        field1: { type: 'string', 'x-mcp-header': 'MyField' },
        field2: { type: 'string', 'x-mcp-header': 'myfield' },
      }),
      '"myfield" on property "field2" repeats "MyField" on property "field1"',
    );
    assertRefused(
      object({
        a: { type: 'string', 'x-mcp-header': 'R' },
        b: object({ c: { type: 'string', 'x-mcp-header': 'R' } }),
      }),
      'property "b.c"',
    );
  });

  test('only string, integer and boolean properties may be annotated', () => {
    assertRefused(
      object({ level: { type: 'number', 'x-mcp-header': 'Level' } }),
      '"number"',
      'use "integer"',
    );
    for (const type of ['object', 'array', 'null']) {
      assertRefused(
        object({ value: { type, 'x-mcp-header': 'V' } }),
        `type "${type}"`,
        '"string", "integer" and "boolean"',
      );
    }
    assertRefused(
      object({ value: { type: ['string', 'integer'], 'x-mcp-header': 'V' } }),
      '["string","integer"]',
    );
    assertRefused(object({ value: { enum: ['a', 'b'], 'x-mcp-header': 'V' } }), 'declare "type"');
    assertRefused(
      object({ value: { anyOf: [{ type: 'string' }, { type: 'null' }], 'x-mcp-header': 'V' } }),
      'declare "type"',
      'anyOf',
    );
    assertRefused({ type: 'object', 'x-mcp-header': 'Root' }, 'the input schema root');
  });

  test('an annotation not reached through properties alone is refused, naming where it sits', () => {
    const str = { type: 'string', 'x-mcp-header': 'H' };
    const cases: [Record<string, unknown>, string, string][] = [
      [object({ tags: { type: 'array', items: str } }), '/properties/tags/items', '"items"'],
      [
        object({ tags: { type: 'array', prefixItems: [str] } }),
        '/properties/tags/prefixItems/0',
        '"prefixItems"',
      ],
      [object({ v: { anyOf: [str, { type: 'null' }] } }), '/properties/v/anyOf/0', '"anyOf"'],
      [object({ v: { oneOf: [str] } }), '/properties/v/oneOf/0', '"oneOf"'],
      [object({}, { allOf: [object({ v: str })] }), '/allOf/0/properties/v', '"allOf"'],
      [object({ v: { not: str } }), '/properties/v/not', '"not"'],
      [object({}, { if: object({ v: str }) }), '/if/properties/v', '"if"'],
      // A literal `then` key trips the thenable lint; the schema keyword is meant.
      [object({}, Object.fromEntries([['then', object({ v: str })]])), '/then/properties/v', '"then"'],
      [object({}, { else: object({ v: str }) }), '/else/properties/v', '"else"'],
      [object({ v: { $ref: '#/$defs/h' } }, { $defs: { h: str } }), '/$defs/h', '"$defs"'],
      [object({}, { definitions: { h: str } }), '/definitions/h', '"definitions"'],
      [object({}, { additionalProperties: str }), '/additionalProperties', '"additionalProperties"'],
      [object({}, { patternProperties: { '^a/b': str } }), '/patternProperties/^a~1b', '"patternProperties"'],
      [
        object({}, { dependentSchemas: { a: object({ v: str }) } }),
        '/dependentSchemas/a/properties/v',
        '"dependentSchemas"',
      ],
      [object({}, { propertyNames: str }), '/propertyNames', '"propertyNames"'],
      [object({}, { unevaluatedProperties: str }), '/unevaluatedProperties', '"unevaluatedProperties"'],
    ];
    for (const [schema, pointer, via] of cases) {
      assertRefused(schema, `at ${pointer}`, `under ${via}`, 'not statically reachable');
    }
  });

  test('a schema object shared by two properties counts twice, and a cycle ends the walk', () => {
    const shared = { type: 'string', 'x-mcp-header': 'Shared' };
    assertRefused(object({ a: shared, b: shared }), 'repeats "Shared"');
    const cyclic: Record<string, unknown> = object({ v: { type: 'string', 'x-mcp-header': 'V' } });
    (cyclic.properties as Record<string, unknown>).self = cyclic;
    assert.deepEqual(collectHeaderParams(cyclic, 'search'), [{ name: 'V', path: ['v'], type: 'string' }]);
  });
});

describe('readHeaderParamValue', () => {
  test('reads the value at a property path, or undefined when nothing is there', () => {
    const args = { region: 'eu', target: { zone: 'b', off: null }, list: ['x'] };
    assert.equal(readHeaderParamValue(args, ['region']), 'eu');
    assert.equal(readHeaderParamValue(args, ['target', 'zone']), 'b');
    assert.equal(readHeaderParamValue(args, ['target', 'off']), null);
    assert.equal(readHeaderParamValue(args, ['target', 'missing']), undefined);
    assert.equal(readHeaderParamValue(args, ['region', 'length']), undefined);
    assert.equal(readHeaderParamValue(args, ['list', '0']), undefined);
    assert.equal(readHeaderParamValue(args, ['toString']), undefined);
    assert.equal(readHeaderParamValue(undefined, ['region']), undefined);
  });
});

describe('x-mcp-header from schema libraries', () => {
  test('s.*().header() is collected', () => {
    const input = s.object({
      region: s.string().required().header('Region'),
      count: s.integer().min(1).header('Count'),
      flag: s.boolean().header('Flag'),
      target: s.object({ zone: s.string().header('Zone') }),
    });
    assert.deepEqual(collectHeaderParams(input.toJSONSchema(), 'sql'), [
      { name: 'Region', path: ['region'], type: 'string' },
      { name: 'Count', path: ['count'], type: 'integer' },
      { name: 'Flag', path: ['flag'], type: 'boolean' },
      { name: 'Zone', path: ['target', 'zone'], type: 'string' },
    ]);
  });

  test('zod 4 .meta() on a field is published and collected', () => {
    const input = z.object({
      region: z.string().meta({ 'x-mcp-header': 'Region' }),
      count: z.int().optional().meta({ 'x-mcp-header': 'Count' }),
      flag: z.boolean().nullable().meta({ 'x-mcp-header': 'Flag' }),
      target: z.object({ zone: z.string().meta({ 'x-mcp-header': 'Zone' }) }),
    });
    assert.deepEqual(collectHeaderParams(compileSchema(input).jsonSchema, 'sql'), [
      { name: 'Region', path: ['region'], type: 'string' },
      { name: 'Count', path: ['count'], type: 'integer' },
      { name: 'Flag', path: ['flag'], type: 'boolean' },
      { name: 'Zone', path: ['target', 'zone'], type: 'string' },
    ]);
  });

  test('zod .meta() before .nullable() lands inside anyOf and is refused with the place', () => {
    const input = z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }).nullable() });
    assertRefused(compileSchema(input).jsonSchema, '/properties/region/anyOf/0');
  });

  test('valibot v.metadata() is published and collected', () => {
    const input = toStandardJsonSchema(
      v.object({
        region: v.pipe(v.string(), v.metadata({ 'x-mcp-header': 'Region' })),
        count: v.optional(v.pipe(v.number(), v.integer(), v.metadata({ 'x-mcp-header': 'Count' }))),
      }),
    );
    assert.deepEqual(collectHeaderParams(compileSchema(input).jsonSchema, 'sql'), [
      { name: 'Region', path: ['region'], type: 'string' },
      { name: 'Count', path: ['count'], type: 'integer' },
    ]);
  });
});
