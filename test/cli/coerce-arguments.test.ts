import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCLIError } from '../../src/cli/cli-error.ts';
import { coerceArguments, coerceValue } from '../../src/cli/coerce-arguments.ts';

const tool = {
  name: 'search',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string' },
      limit: { type: 'integer', default: 10 },
      score: { type: 'number' },
      exact: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
      ids: { type: 'array', items: { type: 'integer' } },
      filter: { type: 'object' },
      mode: { type: 'string', enum: ['fast', 'slow'] },
      level: { enum: [1, 2, 3] },
      cursor: { type: ['string', 'null'] },
      any: {},
    },
    required: ['query'],
  },
};

/** The USAGE error `fn` throws, or a failed assertion. */
function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isCLIError(error, 'USAGE'), `expected a USAGE CLIError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a USAGE error');
}

describe('coerceArguments', () => {
  test('reads each value as the type its schema declares', () => {
    assert.deepEqual(
      coerceArguments(tool, [
        'query=42',
        'limit=5',
        'score=-0.5',
        'exact=false',
        'tags=a,b',
        'ids=1,2',
        'filter={"lang":"en"}',
        'mode=slow',
        'level=2',
        'cursor=null',
      ]),
      {
        query: '42',
        limit: 5,
        score: -0.5,
        exact: false,
        tags: ['a', 'b'],
        ids: [1, 2],
        filter: { lang: 'en' },
        mode: 'slow',
        level: 2,
        cursor: null,
      },
    );
  });

  test('keeps text as written for strings, including "=" and spaces after the first "="', () => {
    assert.deepEqual(coerceArguments(tool, ['query=a = b ']), { query: 'a = b ' });
  });

  test('name:=<json> takes raw JSON whatever the type', () => {
    assert.deepEqual(coerceArguments(tool, ['query:="x"', 'tags:=["a,b"]', 'any:={"n":[1]}']), {
      query: 'x',
      tags: ['a,b'],
      any: { n: [1] },
    });
  });

  test('a bare boolean name is true; booleans also read yes/no and 1/0', () => {
    assert.deepEqual(coerceArguments(tool, ['query=q', 'exact']), { query: 'q', exact: true });
    assert.equal(coerceValue('x', { type: 'boolean' }, 'YES'), true);
    assert.equal(coerceValue('x', { type: 'boolean' }, '0'), false);
  });

  test('arrays take JSON, comma lists, repeats, and "" as empty', () => {
    assert.deepEqual(coerceArguments(tool, ['query=q', 'tags=a', 'tags=b,c', 'ids=[3]']), {
      query: 'q',
      tags: ['a', 'b', 'c'],
      ids: [3],
    });
    assert.deepEqual(coerceValue('tags', tool.inputSchema.properties.tags, ''), []);
  });

  test('untyped values are JSON when they read as JSON, text otherwise', () => {
    assert.equal(coerceValue('any', {}, '12'), 12);
    assert.equal(coerceValue('any', {}, 'twelve'), 'twelve');
  });

  test('a schema without properties takes any name', () => {
    const open = { name: 'raw', inputSchema: { type: 'object' } };
    assert.deepEqual(coerceArguments(open, ['x=1', 'y=text']), { x: 1, y: 'text' });
  });

  test('a value that is not of the declared type names the argument and the type', () => {
    assert.equal(
      usageError(() => coerceArguments(tool, ['query=q', 'limit=1.5'])),
      'Argument "limit" must be an integer; got "1.5"',
    );
    assert.equal(
      usageError(() => coerceArguments(tool, ['query=q', 'score=high'])),
      'Argument "score" must be a number; got "high"',
    );
    assert.equal(
      usageError(() => coerceArguments(tool, ['query=q', 'exact=maybe'])),
      'Argument "exact" must be a boolean (write true or false); got "maybe"',
    );
    assert.equal(
      usageError(() => coerceArguments(tool, ['query=q', 'ids=1,x'])),
      'Argument "ids[1]" must be an integer; got "x"',
    );
    assert.match(
      usageError(() => coerceArguments(tool, ['query=q', 'filter=lang'])),
      /^Argument "filter" must be an object \(write JSON/,
    );
    assert.equal(
      usageError(() => coerceArguments(tool, ['query=q', 'mode=medium'])),
      'Argument "mode" must be one of "fast" | "slow"; got "medium"',
    );
    assert.match(
      usageError(() => coerceArguments(tool, ['query=q', 'tags:=[1'])),
      /^Argument "tags" \(given with :=\) is not valid JSON/,
    );
  });

  test('unknown, repeated, malformed and missing arguments are refused by name', () => {
    assert.match(
      usageError(() => coerceArguments(tool, ['query=q', 'qeury=x'])),
      /^Tool "search" has no argument "qeury"; its arguments are: query, limit,/,
    );
    assert.equal(
      usageError(() => coerceArguments(tool, ['query=a', 'query=b'])),
      'Argument "query" is given twice',
    );
    assert.match(
      usageError(() => coerceArguments(tool, ['query'])),
      /^"query" is not an argument: write name=value/,
    );
    assert.equal(
      usageError(() => coerceArguments(tool, ['limit=1'])),
      'Tool "search" needs argument "query": pass query=<string>',
    );
  });
});
