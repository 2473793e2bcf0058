import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { compileSchema, formatIssues, withJSONSchema } from './index.ts';

const isInvalidDefinition = (pattern: RegExp) => (error: unknown) =>
  isMcpLiveError(error, 'INVALID_DEFINITION') && pattern.test(error.message);

describe('compileSchema with zod 4', () => {
  const schema = z.object({
    city: z.string(),
    days: z.number().int().default(3),
    tags: z.array(z.object({ name: z.string() })).optional(),
    upper: z
      .string()
      .transform((value) => value.toUpperCase())
      .optional(),
  });
  const compiled = compileSchema(schema);

  test('publishes the input JSON Schema with type object, defaults optional', () => {
    assert.equal(compiled.jsonSchema.type, 'object');
    assert.deepEqual(compiled.jsonSchema.required, ['city']);
    const days = (compiled.jsonSchema.properties as Record<string, Record<string, unknown>>).days;
    assert.equal(days?.type, 'integer');
    assert.equal(days?.default, 3);
  });

  test('validates through zod, so defaults and transforms apply', async () => {
    assert.deepEqual(await compiled.validate({ city: 'Oslo', upper: 'abc' }), {
      ok: true,
      value: { city: 'Oslo', days: 3, upper: 'ABC' },
    });
  });

  test('a synchronous zod schema validates synchronously', () => {
    assert.ok(!(compiled.validate({ city: 'x' }) instanceof Promise));
  });

  test('reports every issue with a joined path', async () => {
    const checked = await compiled.validate({ days: 'x', tags: [{ name: 1 }] });
    assert.equal(checked.ok, false);
    assert.deepEqual(checked.ok ? [] : checked.issues.map((issue) => issue.path), [
      'city',
      'days',
      'tags[0].name',
    ]);
  });

  test('an async refinement returns a promise of the result', async () => {
    const asyncSchema = compileSchema(z.object({ id: z.string().refine(async (id) => id.startsWith('u_')) }));
    const pending = asyncSchema.validate({ id: 'x' });
    assert.ok(pending instanceof Promise);
    const checked = await pending;
    assert.equal(checked.ok, false);
    assert.equal(checked.ok ? '' : checked.issues[0]?.path, 'id');
  });

  test('a schema whose root is not an object is rejected', () => {
    assert.throws(
      () => compileSchema(z.string()),
      isInvalidDefinition(/zod schema's JSON Schema.*got type "string"/),
    );
  });

  test('a schema JSON Schema cannot express is rejected with the fix', () => {
    assert.throws(
      () => compileSchema(z.object({ when: z.date() })),
      isInvalidDefinition(/zod schema cannot be converted to JSON Schema.*withJSONSchema/),
    );
  });
});

describe('compileSchema with valibot', () => {
  test('toStandardJsonSchema(...) is validated by valibot and published', async () => {
    const compiled = compileSchema(
      toStandardJsonSchema(v.object({ city: v.string(), days: v.optional(v.number(), 3) })),
    );
    assert.equal(compiled.jsonSchema.type, 'object');
    assert.deepEqual(compiled.jsonSchema.required, ['city']);
    assert.deepEqual(await compiled.validate({ city: 'Oslo' }), {
      ok: true,
      value: { city: 'Oslo', days: 3 },
    });
    const checked = await compiled.validate({ city: 1, days: 'x' });
    assert.deepEqual(checked.ok ? [] : checked.issues.map((issue) => issue.path), ['city', 'days']);
  });

  test('a plain valibot schema is rejected, naming toStandardJsonSchema and withJSONSchema', () => {
    assert.throws(
      () => compileSchema(v.object({ city: v.string() })),
      isInvalidDefinition(/valibot schema cannot give its JSON Schema.*toStandardJsonSchema.*withJSONSchema/),
    );
  });

  test('withJSONSchema gives a plain schema its JSON Schema; validation stays valibot', async () => {
    const json = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const compiled = compileSchema(withJSONSchema(v.object({ city: v.string() }), json));
    assert.deepEqual(compiled.jsonSchema, json);
    assert.deepEqual(await compiled.validate({ city: 'Oslo' }), { ok: true, value: { city: 'Oslo' } });
    const checked = await compiled.validate({ city: 2 });
    assert.equal(checked.ok, false);
    assert.match(checked.ok ? '' : formatIssues(checked.issues), /^"city" Invalid type: Expected string/);
  });
});

describe('compileSchema with arktype', () => {
  const compiled = compileSchema(
    type({ city: 'string', 'days?': 'number', stops: type({ name: 'string' }).array() }),
  );

  test('publishes its JSON Schema with type object', () => {
    assert.equal(compiled.jsonSchema.type, 'object');
    assert.deepEqual(compiled.jsonSchema.required, ['city', 'stops']);
  });

  test('issues keep arktype wording without repeating the path', async () => {
    const checked = await compiled.validate({ city: 1, stops: [{ name: 2 }] });
    assert.equal(checked.ok, false);
    assert.deepEqual(checked.ok ? [] : checked.issues, [
      { path: 'city', message: 'must be a string (was a number)' },
      { path: 'stops[0].name', message: 'must be a string (was a number)' },
    ]);
  });
});

describe('compileSchema with other Standard Schemas', () => {
  function fake(
    jsonSchema?: (options: StandardJSONSchemaV1.Options) => Record<string, unknown>,
  ): StandardSchemaV1<unknown, { n: number }> {
    const props = {
      version: 1 as const,
      vendor: 'fake',
      validate: (value: unknown): StandardSchemaV1.Result<{ n: number }> =>
        typeof value === 'object' && value !== null && typeof (value as { n?: unknown }).n === 'number'
          ? { value: value as { n: number } }
          : { issues: [{ message: 'needs n', path: [{ key: 'n' }] }] },
    };
    if (jsonSchema === undefined) return { '~standard': props };
    const withConverter = { ...props, jsonSchema: { input: jsonSchema, output: jsonSchema } };
    return { '~standard': withConverter };
  }

  test('a converter that only knows draft-07 is asked for draft-07', () => {
    const targets: string[] = [];
    const compiled = compileSchema(
      fake(({ target }) => {
        targets.push(target);
        if (target !== 'draft-07') throw new Error(`unsupported target ${target}`);
        return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' };
      }),
    );
    assert.deepEqual(targets, ['draft-2020-12', 'draft-07']);
    assert.equal(compiled.jsonSchema.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  test('path segments given as { key } objects are joined', () => {
    const compiled = compileSchema(fake(() => ({ type: 'object' })));
    assert.deepEqual(compiled.validate({}), { ok: false, issues: [{ path: 'n', message: 'needs n' }] });
  });

  test('no converter: the error names the vendor and withJSONSchema', () => {
    assert.throws(() => compileSchema(fake()), isInvalidDefinition(/^The fake schema .*withJSONSchema/));
  });
});
