import { McpLiveError } from '../protocol/mcp-live-error.ts';
import { type Keywords, type Presence, SchemaNode } from './schema-node.ts';

/** Formats `ajv-formats` checks; any other name is sent to clients but not checked. */
export type StringFormat =
  | 'date-time'
  | 'date'
  | 'time'
  | 'duration'
  | 'email'
  | 'hostname'
  | 'ipv4'
  | 'ipv6'
  | 'uri'
  | 'uri-reference'
  | 'uuid'
  | 'regex'
  | (string & {});

/** `s.string()`: a string field, narrowed to a union of literals by `.enum()`. */
export class StringSchema<T extends string = string, P extends Presence = 'optional'> extends SchemaNode<
  T,
  P
> {
  constructor(keywords: Keywords, presence: P) {
    super(keywords, presence);
  }

  /** A copy the caller must always send. */
  required(): StringSchema<T, 'required'> {
    return this.derive(this.keywords, 'required');
  }

  /** A copy that may be omitted; the handler then gets `value`. */
  default(value: T): StringSchema<T, 'defaulted'> {
    return this.derive({ ...this.keywords, default: value }, 'defaulted');
  }

  /** A copy that accepts only these values; the handler's type becomes their union. */
  enum<const V extends readonly [string, ...string[]]>(values: V): StringSchema<V[number], P> {
    return new StringSchema({ ...this.keywords, enum: [...values] }, this.presence);
  }

  /** A copy with `minLength`. */
  minLength(n: number): this {
    return this.with({ minLength: n });
  }

  /** A copy with `maxLength`. */
  maxLength(n: number): this {
    return this.with({ maxLength: n });
  }

  /** A copy that must match `pattern` (unanchored, as JSON Schema reads it); a `RegExp` may not carry `i`, `m` or `s`. */
  pattern(pattern: RegExp | string): this {
    return this.with({ pattern: toPatternSource(pattern) });
  }

  /** A copy with a `format` such as `'email'`, `'uri'` or `'date-time'`. */
  format(name: StringFormat): this {
    return this.with({ format: name });
  }

  /**
   * A copy whose value clients send in the `Mcp-Param-{name}` HTTP header (`x-mcp-header`, MCP 2026-07-28),
   * so proxies can route on it. Keep secrets out of headers.
   */
  header(name: string): this {
    return this.with({ 'x-mcp-header': name });
  }

  protected derive<Q extends Presence>(keywords: Keywords, presence: Q): StringSchema<T, Q> {
    return new StringSchema(keywords, presence);
  }
}

function toPatternSource(pattern: RegExp | string): string {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const lost = typeof pattern === 'string' ? '' : pattern.flags.replace(/[^ims]/g, '');
  if (lost !== '') {
    throw new McpLiveError(
      'INVALID_DEFINITION',
      `s.string().pattern(${String(pattern)}): JSON Schema patterns have no flags, so "${lost}" would be lost; ` +
        'write it into the pattern instead (e.g. [Aa] rather than the i flag)',
    );
  }
  try {
    new RegExp(source, 'u');
  } catch (cause) {
    throw new McpLiveError(
      'INVALID_DEFINITION',
      `s.string().pattern(${JSON.stringify(source)}) is not a valid regular expression: ${(cause as Error).message}`,
      { cause },
    );
  }
  return source;
}
