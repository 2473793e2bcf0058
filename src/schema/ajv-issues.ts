import type { ErrorObject } from 'ajv';
import { formatPath, type SchemaIssue } from './issues.ts';

type Params = Record<string, unknown>;

/** Turns Ajv's errors (compiled with `verbose`) into issues that name the argument and what was expected. */
export function toIssues(errors: readonly ErrorObject[], root: unknown): SchemaIssue[] {
  return errors.map((error) => {
    const segments = toSegments(error.instancePath, root);
    const params = error.params as Params;
    const child = childKey(error.keyword, params);
    if (child !== undefined) segments.push(child);
    return { path: formatPath(segments), message: messageFor(error, params) };
  });
}

function childKey(keyword: string, params: Params): string | undefined {
  const key =
    keyword === 'required' || keyword === 'dependentRequired' || keyword === 'dependencies'
      ? params.missingProperty
      : keyword === 'additionalProperties'
        ? params.additionalProperty
        : keyword === 'unevaluatedProperties'
          ? params.unevaluatedProperty
          : undefined;
  return typeof key === 'string' ? key : undefined;
}

function messageFor(error: ErrorObject, params: Params): string {
  const got = `(got ${describeValue(error.data)})`;
  switch (error.keyword) {
    case 'required': {
      const expected = expectedOf(propertySchema(error.parentSchema, params.missingProperty));
      return expected === '' ? 'is required' : `is required (${expected})`;
    }
    case 'dependentRequired':
    case 'dependencies':
      return `is required when "${String(params.property)}" is given`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not allowed (not in the schema)';
    case 'type':
      return `must be ${typeList(params.type)} ${got}`;
    case 'enum':
      return `must be one of ${listValues(params.allowedValues)} ${got}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)} ${got}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${String(params.limit)} ${got}`;
    case 'multipleOf':
      return `must be a multiple of ${String(params.multipleOf)} ${got}`;
    case 'minLength':
      return `must be at least ${count(params.limit, 'character')} long ${got}`;
    case 'maxLength':
      return `must be at most ${count(params.limit, 'character')} long ${got}`;
    case 'pattern':
      return `must match the pattern /${String(params.pattern)}/ ${got}`;
    case 'format':
      return `must be a valid ${String(params.format)} ${got}`;
    case 'minItems':
      return `must have at least ${count(params.limit, 'item')} ${got}`;
    case 'maxItems':
    case 'additionalItems':
    case 'items':
      if (typeof params.limit !== 'number') return error.message ?? 'has items the schema does not allow';
      return `must have at most ${count(params.limit, 'item')} ${got}`;
    case 'uniqueItems':
      return `must not contain duplicates (items ${pair(params.i, params.j)} are equal)`;
    case 'minProperties':
      return `must have at least ${count(params.limit, 'property', 'properties')} ${got}`;
    case 'maxProperties':
      return `must have at most ${count(params.limit, 'property', 'properties')} ${got}`;
    default:
      return error.message ?? `fails "${error.keyword}"`;
  }
}

function toSegments(pointer: string, root: unknown): PropertyKey[] {
  const segments: PropertyKey[] = [];
  if (pointer === '') return segments;
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    // A digit key is an index only inside an array; {"0": …} keeps its string key.
    const segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node =
      isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return segments;
}

function propertySchema(parent: unknown, key: unknown): unknown {
  if (!isRecord(parent) || !isRecord(parent.properties) || typeof key !== 'string') return undefined;
  return parent.properties[key];
}

/** What a schema accepts, in a few words: `string`, `one of "a", "b"`, `array of number`. */
function expectedOf(schema: unknown): string {
  if (!isRecord(schema)) return '';
  if (Array.isArray(schema.enum)) return `one of ${listValues(schema.enum)}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = schema.type;
  if (Array.isArray(type)) return type.join(' or ');
  if (type === 'array') {
    const items = expectedOf(schema.items);
    return items === '' ? 'array' : `array of ${items}`;
  }
  return typeof type === 'string' ? type : '';
}

const ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeList(type: unknown): string {
  const types = typeof type === 'string' ? type.split(',') : Array.isArray(type) ? type.map(String) : [];
  return types.map((name) => ARTICLES[name] ?? name).join(' or ');
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : String(values);
}

function pair(a: unknown, b: unknown): string {
  const [low, high] = [Number(a), Number(b)].sort((x, y) => x - y);
  return `${String(low)} and ${String(high)}`;
}

function count(n: unknown, noun: string, plural = `${noun}s`): string {
  return `${String(n)} ${n === 1 ? noun : plural}`;
}

const MAX_SHOWN = 40;

/** A value as an issue shows it: `string "abc"`, `number 3`, `array of 2 items`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array of ${count(value.length, 'item')}`;
  return typeof value === 'object' ? 'object' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
