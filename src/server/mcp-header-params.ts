import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { formatPath } from '../schema/issues.ts';

/** The JSON Schema types an `x-mcp-header` property may have (MCP 2026-07-28). */
export type HeaderParamType = 'string' | 'integer' | 'boolean';

/** One tool parameter a client mirrors into an `Mcp-Param-{name}` HTTP header. */
export interface McpParamHeader {
  /** The `x-mcp-header` value: the part after `Mcp-Param-`, e.g. `'Region'`. */
  readonly name: string;
  /** The `properties` keys from the input schema's root to the annotated property, e.g. `['target', 'region']`. */
  readonly path: readonly string[];
  /** The property's declared type (a `'null'` alongside it is allowed and not kept). */
  readonly type: HeaderParamType;
}

const KEYWORD = 'x-mcp-header';
// RFC 9110 §5.6.2 tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL = /[\u0000-\u001f\u007f]/;
const PRIMITIVES: readonly string[] = ['string', 'integer', 'boolean'];

// Keywords whose value is a subschema, a list of them, or a record of them (2020-12 and draft-07).
// Anything else (const, enum, default, examples, unknown keywords) holds data, not schemas.
const ONE = new Set([
  'items',
  'additionalItems',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
]);
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const RECORD = new Set(['patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);

// Where a subschema sits: its JSON Pointer segments; its property keys when reached through
// `properties` alone (else undefined); the first other keyword on the way there, if any.
interface Location {
  readonly pointer: readonly string[];
  readonly path: readonly string[] | undefined;
  readonly via: string | undefined;
}

interface Found extends Location {
  readonly schema: Record<string, unknown>;
}

/**
 * Every `x-mcp-header` annotation in a tool's input schema, with the property path it mirrors.
 * Throws an `INVALID_DEFINITION` McpLiveError naming the tool, the property and the rule when an
 * annotation breaks one of the spec's rules: a non-empty RFC 9110 token, unique ignoring case, on a
 * `string`, `integer` or `boolean` property reached from the root through `properties` keys only.
 *
 * @example
 * collectHeaderParams({ type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } } }, 'sql');
 * // [{ name: 'Region', path: ['region'], type: 'string' }]
 */
export function collectHeaderParams(
  inputSchema: Record<string, unknown>,
  toolName: string,
): McpParamHeader[] {
  const found: Found[] = [];
  walk(inputSchema, { pointer: [], path: [], via: undefined }, found, new Set());
  const params: McpParamHeader[] = [];
  const seen = new Map<string, McpParamHeader>();
  for (const entry of found) {
    const param = checkAnnotation(entry, toolName);
    const earlier = seen.get(param.name.toLowerCase());
    if (earlier !== undefined) {
      throw invalid(
        toolName,
        `x-mcp-header "${param.name}" on property "${formatPath(param.path)}" repeats "${earlier.name}" ` +
          `on property "${formatPath(earlier.path)}" (header names ignore case); give each property its own header name`,
      );
    }
    seen.set(param.name.toLowerCase(), param);
    params.push(param);
  }
  return params;
}

/** The value at `path` in a tool call's arguments, or `undefined` when nothing is there. */
export function readHeaderParamValue(args: unknown, path: readonly string[]): unknown {
  let value = args;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function walk(node: unknown, at: Location, found: Found[], ancestors: Set<object>): void {
  // Ancestors, not every node seen: a schema object shared by two properties is two annotations.
  if (!isRecord(node) || ancestors.has(node)) return;
  ancestors.add(node);
  if (Object.hasOwn(node, KEYWORD)) found.push({ schema: node, ...at });
  for (const [keyword, value] of Object.entries(node)) {
    const below = (segments: readonly string[], key?: string): Location => ({
      pointer: [...at.pointer, ...segments],
      path: key !== undefined && at.path !== undefined ? [...at.path, key] : undefined,
      via: at.via ?? (key === undefined ? keyword : undefined),
    });
    if (keyword === 'properties' && isRecord(value)) {
      for (const [key, sub] of Object.entries(value)) walk(sub, below([keyword, key], key), found, ancestors);
    } else if (RECORD.has(keyword) && isRecord(value)) {
      for (const [key, sub] of Object.entries(value)) walk(sub, below([keyword, key]), found, ancestors);
    } else if (LIST.has(keyword) && Array.isArray(value)) {
      for (const [index, sub] of value.entries())
        walk(sub, below([keyword, String(index)]), found, ancestors);
    } else if (ONE.has(keyword)) {
      walk(value, below([keyword]), found, ancestors);
    }
  }
  ancestors.delete(node);
}

function checkAnnotation({ schema, pointer, path, via }: Found, toolName: string): McpParamHeader {
  const name = schema[KEYWORD];
  const shown = typeof name === 'string' ? `x-mcp-header "${name}"` : 'x-mcp-header';
  if (path === undefined) {
    throw invalid(
      toolName,
      `${shown} at ${toPointer(pointer)} is not statically reachable (it sits under "${via}"); ` +
        'put x-mcp-header only on properties reached from the root through "properties" keys alone, ' +
        'not inside items, anyOf/oneOf/allOf/not, if/then/else, $defs/$ref or additionalProperties',
    );
  }
  const where = path.length === 0 ? 'the input schema root' : `property "${formatPath(path)}"`;
  if (typeof name !== 'string') {
    throw invalid(
      toolName,
      `x-mcp-header on ${where} must be a string (the header name after Mcp-Param-), got ${JSON.stringify(name)}`,
    );
  }
  if (name === '') {
    throw invalid(
      toolName,
      `x-mcp-header on ${where} is empty; give the header name, e.g. "Region" for Mcp-Param-Region`,
    );
  }
  const control = CONTROL.exec(name);
  if (control !== null) {
    throw invalid(
      toolName,
      `${JSON.stringify(name)}, the x-mcp-header on ${where}, holds the control character ${codePoint(control[0])}; ` +
        "use only letters, digits and !#$%&'*+-.^_`|~",
    );
  }
  if (!TOKEN.test(name)) {
    const bad = [...name].find((char) => !TOKEN.test(char)) ?? '';
    throw invalid(
      toolName,
      `x-mcp-header "${name}" on ${where} holds ${JSON.stringify(bad)} (${codePoint(bad)}), which an HTTP header name ` +
        "cannot (RFC 9110 token); use only letters, digits and !#$%&'*+-.^_`|~",
    );
  }
  return { name, path, type: declaredType(schema, `${shown} on ${where}`, toolName) };
}

function declaredType(schema: Record<string, unknown>, shown: string, toolName: string): HeaderParamType {
  const declared = schema.type;
  const types = Array.isArray(declared) ? declared.filter((type) => type !== 'null') : [declared];
  const [type] = types;
  if (types.length === 1 && typeof type === 'string' && PRIMITIVES.includes(type))
    return type as HeaderParamType;
  if (declared === undefined) {
    throw invalid(
      toolName,
      `${shown} needs the property itself to declare "type": "string", "integer" or "boolean" ` +
        '(a type given only through anyOf/oneOf, as for a nullable field, does not count)',
    );
  }
  const hint =
    type === 'number' && types.length === 1 ? '; use "integer" if the value is a whole number' : '';
  throw invalid(
    toolName,
    `${shown} sits on a property of type ${JSON.stringify(declared)}; x-mcp-header fits only ` +
      `"string", "integer" and "boolean" properties (not "number", objects, arrays or null)${hint}`,
  );
}

function invalid(toolName: string, rule: string): McpLiveError {
  return new McpLiveError('INVALID_DEFINITION', `Tool "${toolName}": ${rule}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toPointer(segments: readonly string[]): string {
  return segments.map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('') || '/';
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
