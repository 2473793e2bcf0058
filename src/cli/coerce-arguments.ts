import { CLIError } from './cli-error.ts';
import {
  describeType,
  itemsOf,
  type JSONSchema,
  propertiesOf,
  requiredOf,
  typesOf,
} from './describe-schema.ts';

/** The tool whose arguments are being read: its name and `inputSchema`. */
export interface ToolShape {
  name: string;
  inputSchema: JSONSchema;
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);
const INTEGER = /^[-+]?\d+$/;

function usage(message: string): CLIError {
  return new CLIError('USAGE', message);
}

function parseJSON(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usage(`${what} is not valid JSON (${(error as Error).message}): ${text}`);
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/** Reads one `name=value` text as the schema's type; throws a `USAGE` error that names the argument. */
export function coerceValue(name: string, schema: JSONSchema, raw: string): unknown {
  const types = new Set(typesOf(schema));
  const what = `Argument "${name}"`;
  if (types.size === 0) {
    // Untyped: JSON when it reads as JSON, the text otherwise.
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  const text = raw.trim();
  if (types.has('null') && text === 'null') return null;
  if (types.has('boolean')) {
    if (TRUE.has(text.toLowerCase())) return true;
    if (FALSE.has(text.toLowerCase())) return false;
  }
  if (types.has('integer') && INTEGER.test(text)) return Number(text);
  if (types.has('number') && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (types.has('array')) {
    if (text.startsWith('[')) {
      const value = parseJSON(text, `${what} (${describeType(schema)})`);
      if (Array.isArray(value)) return value;
    } else if (text === '') return [];
    else {
      const items = itemsOf(schema);
      return raw.split(',').map((item, i) => coerceValue(`${name}[${i}]`, items, item));
    }
  }
  if (types.has('object') && text.startsWith('{')) {
    const value = parseJSON(text, `${what} (object)`);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  }
  if (types.has('string')) return raw;
  const expected = describeType(schema);
  const hint = types.has('array')
    ? ' (write a,b,c or a JSON array)'
    : types.has('object')
      ? ` (write JSON, e.g. ${name}:='{"key":"value"}')`
      : types.has('boolean')
        ? ' (write true or false)'
        : '';
  throw usage(`${what} must be ${article(expected)} ${expected}${hint}; got ${JSON.stringify(raw)}`);
}

function checkEnum(name: string, schema: JSONSchema, value: unknown): void {
  if (!Array.isArray(schema.enum)) return;
  const text = JSON.stringify(value);
  if (schema.enum.some((allowed) => JSON.stringify(allowed) === text)) return;
  throw usage(`Argument "${name}" must be one of ${describeType(schema)}; got ${text}`);
}

/** What a `name=value`, `name:=json` or bare `name` word says. */
function split(word: string, flags: Set<string>): { name: string; raw: string; json: boolean } {
  const at = word.indexOf('=');
  if (at <= 0) {
    if (flags.has(word)) return { name: word, raw: 'true', json: false };
    throw usage(`${JSON.stringify(word)} is not an argument: write name=value, or name:=<json> for raw JSON`);
  }
  const json = word[at - 1] === ':' && at > 1;
  return { name: word.slice(0, json ? at - 1 : at), raw: word.slice(at + 1), json };
}

/**
 * Turns `name=value` words into a tool's arguments, reading each value as the type the tool's input
 * schema gives it (`name:=<json>` takes raw JSON, a bare `name` is `true` for a boolean). Throws a
 * `USAGE` error naming the argument at fault: unknown, malformed, given twice, or missing.
 */
export function coerceArguments(tool: ToolShape, words: readonly string[]): Record<string, unknown> {
  const properties = propertiesOf(tool.inputSchema);
  const names = Object.keys(properties);
  const extra = tool.inputSchema.additionalProperties;
  // A typo should not be dropped silently: unknown names are refused unless the schema invites them.
  const open = names.length === 0 || extra === true || (typeof extra === 'object' && extra !== null);
  const flags = new Set(names.filter((name) => typesOf(properties[name]!).includes('boolean')));
  const args: Record<string, unknown> = {};
  for (const word of words) {
    const { name, raw, json } = split(word, flags);
    const schema =
      properties[name] ?? (typeof extra === 'object' && extra !== null ? (extra as JSONSchema) : undefined);
    if (schema === undefined && !open) {
      throw usage(`Tool "${tool.name}" has no argument "${name}"; its arguments are: ${names.join(', ')}`);
    }
    const value = json
      ? parseJSON(raw, `Argument "${name}" (given with :=)`)
      : coerceValue(name, schema ?? {}, raw);
    if (!json && schema !== undefined) checkEnum(name, schema, value);
    if (name in args) {
      const previous = args[name];
      // Repeating an array argument adds to it: tag=a tag=b.
      if (Array.isArray(previous) && Array.isArray(value) && !json) args[name] = [...previous, ...value];
      else throw usage(`Argument "${name}" is given twice`);
    } else args[name] = value;
  }
  const missing = requiredOf(tool.inputSchema).filter((name) => !(name in args));
  if (missing.length > 0) {
    const list = missing.map((name) => `${name}=<${describeType(properties[name] ?? {})}>`).join(' ');
    const s = missing.length > 1 ? 's' : '';
    throw usage(
      `Tool "${tool.name}" needs argument${s} ${missing.map((n) => `"${n}"`).join(', ')}: pass ${list}`,
    );
  }
  return args;
}
