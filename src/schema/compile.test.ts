import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { compileSchema, jsonSchema, s, type ValidationResult } from './index.ts';

function sync<T>(result: ValidationResult<T> | Promise<ValidationResult<T>>): ValidationResult<T> {
  assert.ok(!(result instanceof Promise), 'JSON Schema validation must be synchronous');
  return result;
}

function issuesOf<T>(result: ValidationResult<T> | Promise<ValidationResult<T>>) {
  const checked = sync(result);
  assert.equal(checked.ok, false, 'expected validation to fail');
  return checked.ok ? [] : checked.issues;
}

const isInvalidDefinition = (pattern: RegExp) => (error: unknown) =>
  isMcpLiveError(error, 'INVALID_DEFINITION') && pattern.test(error.message);

describe('compileSchema with s.* shapes', () => {
  const search = compileSchema({
    source: s.string().required(),
    count: s.number().default(10),
    tag: s.string(),
  });

  test('publishes an object JSON Schema', () => {
    assert.deepEqual(search.jsonSchema, {
      type: 'object',
      properties: {
        source: { type: 'string' },
        count: { type: 'number', default: 10 },
        tag: { type: 'string' },
      },
      required: ['source'],
    });
  });

  test('applies defaults to the arguments, in place, synchronously', () => {
    const args = { source: 'web' };
    const checked = sync(search.validate(args));
    assert.deepEqual(checked, { ok: true, value: { source: 'web', count: 10 } });
    assert.equal(checked.ok && checked.value, args);
  });

  test('a sent value wins over the default', () => {
    assert.deepEqual(sync(search.validate({ source: 'a', count: 3 })), {
      ok: true,
      value: { source: 'a', count: 3 },
    });
  });

  test('reports every bad argument at once, by name, with what was expected', () => {
    assert.deepEqual(issuesOf(search.validate({ count: 'abc', tag: 7 })), [
      { path: 'source', message: 'is required (string)' },
      { path: 'count', message: 'must be a number (got string "abc")' },
      { path: 'tag', message: 'must be a string (got number 7)' },
    ]);
  });

  test('a root that is not an object is reported at the empty path', () => {
    assert.deepEqual(issuesOf(search.validate(null)), [
      { path: '', message: 'must be an object (got null)' },
    ]);
  });

  test('s.object(...) as the whole input behaves like its shape', () => {
    const compiled = compileSchema(s.object({ q: s.string().required(), n: s.integer().default(1) }));
    assert.deepEqual(compiled.jsonSchema.required, ['q']);
    assert.deepEqual(sync(compiled.validate({ q: 'x' })), { ok: true, value: { q: 'x', n: 1 } });
  });

  test('an empty shape accepts an empty object', () => {
    const compiled = compileSchema({});
    assert.deepEqual(compiled.jsonSchema, { type: 'object', properties: {} });
    assert.deepEqual(sync(compiled.validate({})), { ok: true, value: {} });
  });

  test('a top-level node that is not an object is rejected', () => {
    assert.throws(() => compileSchema(s.string() as never), isInvalidDefinition(/got s\.string\(\)/));
  });
});

describe('compileSchema constraint messages', () => {
  const compiled = compileSchema({
    mode: s.string().enum(['fast', 'slow']),
    level: s.integer().enum([1, 2, 3]),
    page: s.integer().min(1).max(100),
    name: s.string().minLength(2).maxLength(4),
    code: s.string().pattern(/^[a-z]+$/),
    email: s.string().format('email'),
    ids: s.array(s.integer()).minItems(1).maxItems(2),
    unique: s.array(s.string()).unique(),
    strict: s.object({ a: s.number() }).additionalProperties(false),
  });

  test('each constraint names the argument, the limit and the value sent', () => {
    const issues = issuesOf(
      compiled.validate({
        mode: 'medium',
        level: 4,
        page: 0,
        name: 'a',
        code: 'ABC',
        email: 'not-an-email',
        ids: [],
        unique: ['x', 'y', 'x'],
        strict: { a: 1, b: 2 },
      }),
    );
    assert.deepEqual(issues, [
      { path: 'mode', message: 'must be one of "fast", "slow" (got string "medium")' },
      { path: 'level', message: 'must be one of 1, 2, 3 (got number 4)' },
      { path: 'page', message: 'must be >= 1 (got number 0)' },
      { path: 'name', message: 'must be at least 2 characters long (got string "a")' },
      { path: 'code', message: 'must match the pattern /^[a-z]+$/ (got string "ABC")' },
      { path: 'email', message: 'must be a valid email (got string "not-an-email")' },
      { path: 'ids', message: 'must have at least 1 item (got array of 0 items)' },
      { path: 'unique', message: 'must not contain duplicates (items 0 and 2 are equal)' },
      { path: 'strict.b', message: 'is not allowed (not in the schema)' },
    ]);
  });

  test('upper limits', () => {
    assert.deepEqual(issuesOf(compiled.validate({ page: 101, name: 'abcde', ids: [1, 2, 3] })), [
      { path: 'page', message: 'must be <= 100 (got number 101)' },
      { path: 'name', message: 'must be at most 4 characters long (got string "abcde")' },
      { path: 'ids', message: 'must have at most 2 items (got array of 3 items)' },
    ]);
  });

  test('an integer field rejects a fraction', () => {
    assert.deepEqual(issuesOf(compiled.validate({ page: 1.5 })), [
      { path: 'page', message: 'must be an integer (got number 1.5)' },
    ]);
  });

  test('long strings are cut short in messages', () => {
    const [issue] = issuesOf(compiled.validate({ mode: 'x'.repeat(100) }));
    assert.equal(issue?.message, `must be one of "fast", "slow" (got string "${'x'.repeat(40)}…")`);
  });

  test('a missing enum field says which values it takes', () => {
    const required = compileSchema({ mode: s.string().enum(['a', 'b']).required() });
    assert.deepEqual(issuesOf(required.validate({})), [
      { path: 'mode', message: 'is required (one of "a", "b")' },
    ]);
  });
});

describe('compileSchema nested paths', () => {
  const compiled = compileSchema({
    data: s
      .object({
        items: s.array(s.object({ id: s.integer().required(), label: s.string().default('') })).required(),
        byKey: s.object({}).additionalProperties(s.number()),
      })
      .required(),
  });

  test('issues in nested objects and arrays carry their full path', () => {
    const issues = issuesOf(
      compiled.validate({ data: { items: [{ id: 1 }, { id: 'two' }, {}], byKey: { '0': 'x', 'a/b': 'y' } } }),
    );
    assert.deepEqual(issues, [
      { path: 'data.items[1].id', message: 'must be an integer (got string "two")' },
      { path: 'data.items[2].id', message: 'is required (integer)' },
      { path: 'data.byKey["0"]', message: 'must be a number (got string "x")' },
      { path: 'data.byKey["a/b"]', message: 'must be a number (got string "y")' },
    ]);
  });

  test('defaults apply inside array items', () => {
    const checked = sync(compiled.validate({ data: { items: [{ id: 1 }, { id: 2, label: 'b' }] } }));
    assert.deepEqual(checked, {
      ok: true,
      value: {
        data: {
          items: [
            { id: 1, label: '' },
            { id: 2, label: 'b' },
          ],
        },
      },
    });
  });

  test('a missing nested object is reported once, with its type', () => {
    assert.deepEqual(issuesOf(compiled.validate({})), [{ path: 'data', message: 'is required (object)' }]);
  });
});

describe('compileSchema with raw JSON Schema', () => {
  const raw = {
    type: 'object',
    properties: {
      city: { type: 'string', description: 'City' },
      units: { type: 'string', enum: ['metric', 'imperial'], default: 'metric' },
      days: { type: 'array', items: { type: 'integer' }, default: [1] },
    },
    required: ['city'],
  } as const;

  test('validates, applies defaults, and publishes a copy of the schema', () => {
    const compiled = compileSchema(raw);
    assert.deepEqual(compiled.jsonSchema, raw);
    assert.notEqual(compiled.jsonSchema, raw);
    assert.deepEqual(sync(compiled.validate({ city: 'Oslo' })), {
      ok: true,
      value: { city: 'Oslo', units: 'metric', days: [1] },
    });
    assert.deepEqual(issuesOf(compiled.validate({ units: 'kelvin' })), [
      { path: 'city', message: 'is required (string)' },
      { path: 'units', message: 'must be one of "metric", "imperial" (got string "kelvin")' },
    ]);
  });

  test('each call gets its own copy of an object default', () => {
    const compiled = compileSchema(raw);
    const first = sync(compiled.validate({ city: 'a' }));
    const second = sync(compiled.validate({ city: 'b' }));
    assert.ok(first.ok && second.ok);
    assert.notEqual(first.value.days, second.value.days);
  });

  test('jsonSchema<T>() goes through the same path', () => {
    const compiled = compileSchema(jsonSchema<{ city: string }>(raw));
    assert.deepEqual(issuesOf(compiled.validate({})), [{ path: 'city', message: 'is required (string)' }]);
  });

  test('unknown keywords do not throw (strict: false)', () => {
    const compiled = compileSchema({
      type: 'object',
      'x-vendor': true,
      properties: { a: { type: 'string', foo: 1 } },
    });
    assert.equal(sync(compiled.validate({ a: 'x' })).ok, true);
  });

  test('two schemas with the same $id both compile', () => {
    const a = compileSchema({
      $id: 'https://example.com/args.json',
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    const b = compileSchema({
      $id: 'https://example.com/args.json',
      type: 'object',
      properties: { a: { type: 'number' } },
    });
    assert.equal(sync(a.validate({ a: 'x' })).ok, true);
    assert.equal(sync(b.validate({ a: 'x' })).ok, false);
  });

  test('a schema whose root is not an object is rejected, saying what was expected', () => {
    assert.throws(
      () => compileSchema({ type: 'string' } as never),
      isInvalidDefinition(/type: "object" at the root.*got type "string"/),
    );
    assert.throws(
      () => compileSchema({ properties: {} } as never),
      isInvalidDefinition(/got no "type" keyword/),
    );
    assert.throws(
      () => compileSchema(null as never),
      isInvalidDefinition(/expected a shape of s\.\* fields.*got null/),
    );
    assert.throws(() => compileSchema([] as never), isInvalidDefinition(/got an array/));
    assert.throws(() => jsonSchema({ type: 'array' }), isInvalidDefinition(/jsonSchema\(\)/));
  });

  test('an invalid schema is rejected at compile time', () => {
    assert.throws(
      () => compileSchema({ type: 'object', properties: { a: { type: 'strin' } } }),
      isInvalidDefinition(/Invalid JSON Schema: .*type/),
    );
    assert.throws(
      () => compileSchema({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }),
      isInvalidDefinition(/Invalid JSON Schema/),
    );
  });
});

describe('compileSchema dialects', () => {
  test('draft-07 $schema is validated with draft-07 rules and kept on the wire', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: {
        point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
      },
      properties: { at: { $ref: '#/definitions/point' } },
      required: ['at'],
    } as const;
    const compiled = compileSchema(schema);
    assert.equal(compiled.jsonSchema.$schema, schema.$schema);
    assert.equal(sync(compiled.validate({ at: [1, 2] })).ok, true);
    assert.deepEqual(issuesOf(compiled.validate({ at: [1, 'x', 3] })), [
      { path: 'at', message: 'must have at most 2 items (got array of 3 items)' },
      { path: 'at[1]', message: 'must be a number (got string "x")' },
    ]);
  });

  test('draft-07 written with https and no trailing # is accepted', () => {
    const compiled = compileSchema({ $schema: 'https://json-schema.org/draft-07/schema', type: 'object' });
    assert.equal(sync(compiled.validate({})).ok, true);
  });

  test('draft 2020-12 named explicitly uses 2020-12 rules (prefixItems)', () => {
    const compiled = compileSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
    });
    assert.equal(sync(compiled.validate({ pair: ['a'] })).ok, true);
    assert.deepEqual(issuesOf(compiled.validate({ pair: ['a', 'b'] })), [
      { path: 'pair', message: 'must have at most 1 item (got array of 2 items)' },
    ]);
  });

  test('an unsupported $schema is rejected with the supported ones', () => {
    assert.throws(
      () => compileSchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }),
      isInvalidDefinition(/draft-04.*not supported.*draft-07/),
    );
  });
});
