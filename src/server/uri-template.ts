import { McpLiveError } from '../protocol/mcp-live-error.ts';

/** Values to expand a template with: a string, a list, or `undefined` to leave the variable out. */
export type UriTemplateValues = Record<string, string | string[] | undefined>;

/** Variables read back from a URI: a string, or a list for an exploded (`*`) variable. */
export type UriTemplateMatch = Record<string, string | string[]>;

interface Operator {
  first: string;
  sep: string;
  named: boolean;
  ifEmpty: string;
  allowReserved: boolean;
  /** Delimiters no matched value may contain, besides `sep` (see `compileExpression`). */
  chars: string;
}

interface VarSpec {
  name: string;
  explode: boolean;
  prefix: number | undefined;
}

interface Expression {
  op: string;
  operator: Operator;
  vars: VarSpec[];
}

type Capture =
  | { kind: 'value'; spec: VarSpec }
  | { kind: 'list'; spec: VarSpec; sep: string }
  | { kind: 'params'; specs: VarSpec[]; sep: string };

const operators = new Map<string, Operator>([
  ['', { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: false, chars: '/?#' }],
  ['+', { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: true, chars: '#' }],
  ['#', { first: '#', sep: ',', named: false, ifEmpty: '', allowReserved: true, chars: '' }],
  ['.', { first: '.', sep: '.', named: false, ifEmpty: '', allowReserved: false, chars: '/?#' }],
  ['/', { first: '/', sep: '/', named: false, ifEmpty: '', allowReserved: false, chars: '?#' }],
  [';', { first: ';', sep: ';', named: true, ifEmpty: '', allowReserved: false, chars: '/?#' }],
  ['?', { first: '?', sep: '&', named: true, ifEmpty: '=', allowReserved: false, chars: '#' }],
  ['&', { first: '&', sep: '&', named: true, ifEmpty: '=', allowReserved: false, chars: '#' }],
]);

const varSpecPattern =
  /^((?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*)(\*|:[1-9][0-9]{0,3})?$/;
const unreserved = /[^A-Za-z0-9\-._~]/gu;
const unreservedOrReserved = /%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/gu;

/**
 * An RFC 6570 URI template for MCP resource templates: levels 1–3 plus lists (level 4 without
 * associative arrays), parsed once, expanded with `expand` and inverted with `match`.
 * @example
 * const template = new UriTemplate('users://{id}/posts{?limit}');
 * template.expand({ id: 'ada', limit: '10' }); // 'users://ada/posts?limit=10'
 * template.match('users://ada/posts'); // { id: 'ada' }
 */
export class UriTemplate {
  readonly template: string;
  readonly variableNames: string[];
  /**
   * `[literal characters, variables]`: the more literal characters, the more specific; on a tie,
   * the fewer variables. See `UriTemplate.compare`.
   */
  readonly specificity: readonly [literals: number, variables: number];
  #parts: (string | Expression)[];
  #regExp: RegExp;
  #captures: Capture[];

  /** Parses `template`; throws `McpLiveError('INVALID_DEFINITION')` if it is malformed. */
  constructor(template: string) {
    this.template = template;
    this.#parts = parse(template);
    this.variableNames = [
      ...new Set(
        this.#parts.flatMap((part) => (typeof part === 'string' ? [] : part.vars.map((v) => v.name))),
      ),
    ];
    const literals = this.#parts.reduce((n, part) => n + (typeof part === 'string' ? part.length : 0), 0);
    this.specificity = [literals, this.variableNames.length];
    const { source, captures } = compile(this.#parts);
    this.#regExp = new RegExp(`^${source}$`);
    this.#captures = captures;
  }

  /**
   * Orders templates from most to least specific, for `Array.prototype.sort`: more literal characters
   * first; on a tie, fewer variables first; on a further tie it returns 0, so a stable sort keeps the
   * caller's registration order.
   */
  static compare(a: UriTemplate, b: UriTemplate): number {
    return b.specificity[0] - a.specificity[0] || a.specificity[1] - b.specificity[1];
  }

  /** Expands the template; `undefined` values and empty lists are left out, as RFC 6570 says. */
  expand(values: UriTemplateValues): string {
    return this.#parts
      .map((part) => (typeof part === 'string' ? part : expandExpression(part, values)))
      .join('');
  }

  /**
   * The variables of `uri` (percent-decoded) if it fits the template, else `undefined`. Literal parts
   * match exactly; `{var}` matches within one path segment; `{+var}` and `{#var}` may span `/`;
   * exploded variables give lists; query (`{?a,b}`, `{&c}`) and `{;x}` parameters match in any order,
   * may be missing, and must not include a name the template does not declare.
   */
  match(uri: string): UriTemplateMatch | undefined {
    const groups = this.#regExp.exec(uri);
    if (groups === null) return undefined;
    const found = new Map<string, { value: string | string[]; partial: boolean }>();
    const bind = (spec: VarSpec, value: string | string[]): boolean => {
      const seen = found.get(spec.name);
      if (seen === undefined || (seen.partial && spec.prefix === undefined)) {
        found.set(spec.name, { value, partial: spec.prefix !== undefined });
        return seen === undefined || sameValue(value, seen.value, seen.partial);
      }
      return sameValue(seen.value, value, spec.prefix !== undefined);
    };
    try {
      for (const [index, capture] of this.#captures.entries()) {
        const raw = groups[index + 1];
        if (raw === undefined) continue;
        if (capture.kind === 'value') {
          if (!bind(capture.spec, decodeURIComponent(raw))) return undefined;
        } else if (capture.kind === 'list') {
          if (!bind(capture.spec, raw.split(capture.sep).map(decodeURIComponent))) return undefined;
        } else if (!bindParams(raw, capture, bind)) {
          return undefined;
        }
      }
    } catch {
      return undefined; // a malformed percent-encoding: the URI does not fit
    }
    return Object.fromEntries([...found].map(([name, { value }]) => [name, value]));
  }
}

function fail(template: string, fault: string): never {
  throw new McpLiveError('INVALID_DEFINITION', `Invalid URI template "${template}": ${fault}`);
}

function parse(template: string): (string | Expression)[] {
  const parts: (string | Expression)[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{', at);
    const literal = template.slice(at, open === -1 ? undefined : open);
    const stray = literal.indexOf('}');
    if (stray !== -1) fail(template, `"}" at offset ${at + stray} closes no expression; remove it`);
    if (literal !== '') parts.push(literal);
    if (open === -1) break;
    const close = template.indexOf('}', open);
    if (close === -1) fail(template, `"{" at offset ${open} is never closed; add "}"`);
    parts.push(parseExpression(template, template.slice(open + 1, close), open));
    at = close + 1;
  }
  return parts;
}

function parseExpression(template: string, body: string, offset: number): Expression {
  if (body === '')
    fail(template, `empty expression at offset ${offset}; put a variable name in it, as in {id}`);
  const first = body[0] ?? '';
  if ('=,!@|'.includes(first)) {
    fail(template, `operator "${first}" at offset ${offset} is reserved; use none or one of + # . / ; ? &`);
  }
  const op = operators.has(first) ? first : '';
  const operator = operators.get(op)!;
  const vars = body
    .slice(op.length)
    .split(',')
    .map((spec): VarSpec => {
      const parsed = varSpecPattern.exec(spec);
      if (parsed === null) {
        const what = spec === '' ? 'a missing variable name' : `the invalid variable "${spec}"`;
        fail(
          template,
          `expression at offset ${offset} has ${what}; names use letters, digits, _ and %XX, optionally followed by * or :1 to :9999`,
        );
      }
      const modifier = parsed[2];
      return {
        name: parsed[1]!,
        explode: modifier === '*',
        prefix: modifier?.startsWith(':') ? Number(modifier.slice(1)) : undefined,
      };
    });
  return { op, operator, vars };
}

function encode(value: string, allowReserved: boolean): string {
  const encoder = new TextEncoder();
  const pattern = allowReserved ? unreservedOrReserved : unreserved;
  return value.replace(pattern, (char) =>
    char.length === 3
      ? char
      : Array.from(
          encoder.encode(char),
          (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
        ).join(''),
  );
}

function expandExpression({ operator: o, vars }: Expression, values: UriTemplateValues): string {
  const out: string[] = [];
  for (const { name, explode, prefix } of vars) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (typeof value === 'string') {
      const cut = prefix === undefined ? value : Array.from(value).slice(0, prefix).join('');
      const encoded = encode(cut, o.allowReserved);
      out.push(!o.named ? encoded : value === '' ? name + o.ifEmpty : `${name}=${encoded}`);
    } else if (!explode) {
      const joined = value.map((item) => encode(item, o.allowReserved)).join(',');
      out.push(o.named ? `${name}=${joined}` : joined);
    } else {
      const items = value.map((item) =>
        !o.named
          ? encode(item, o.allowReserved)
          : item === ''
            ? name + o.ifEmpty
            : `${name}=${encode(item, o.allowReserved)}`,
      );
      out.push(items.join(o.sep));
    }
  }
  return out.length === 0 ? '' : o.first + out.join(o.sep);
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function compile(parts: (string | Expression)[]): { source: string; captures: Capture[] } {
  let source = '';
  const captures: Capture[] = [];
  let previous: Capture | undefined;
  for (const part of parts) {
    if (typeof part === 'string') {
      source += escapeRegExp(part);
      previous = undefined;
    } else if (part.operator.named) {
      // Adjacent parameter expressions ({?a}{&b}, {;x}{;y}) share one run, parsed after matching.
      const sep = part.operator.sep;
      if (previous?.kind === 'params' && previous.sep === sep) {
        previous.specs.push(...part.vars);
        continue;
      }
      source += `(${escapeRegExp(part.operator.first)}[^${escapeRegExp(part.operator.chars)}]*)?`;
      previous = { kind: 'params', specs: [...part.vars], sep };
      captures.push(previous);
    } else {
      source += compileExpression(part, captures);
      previous = undefined;
    }
  }
  return { source, captures };
}

function compileExpression({ operator: o, vars }: Expression, captures: Capture[]): string {
  const single = vars.length === 1;
  const pieces = vars.map((spec, index) => {
    // A value spans its operator's separator only when it is exploded (then it is a list) or is
    // alone in a comma-separated expression, so `{id}` may match `a,b` but `{.ext}` never matches `.a.b`.
    const allowSep = spec.explode || (single && o.sep === ',');
    const excluded = escapeRegExp(o.chars + (allowSep ? '' : o.sep));
    const chars = excluded === '' ? '[\\s\\S]' : `[^${excluded}]`;
    // Without a leading character, an expression that is present must show its first value.
    const quantifier = index === 0 && o.first === '' ? '+?' : '*?';
    captures.push(spec.explode ? { kind: 'list', spec, sep: o.sep } : { kind: 'value', spec });
    return index === 0 ? `(${chars}${quantifier})` : `(?:${escapeRegExp(o.sep)}(${chars}${quantifier}))?`;
  });
  const body = pieces.join('');
  return o.first === '' ? body : `(?:${escapeRegExp(o.first)}${body})?`;
}

function bindParams(
  raw: string,
  capture: Extract<Capture, { kind: 'params' }>,
  bind: (spec: VarSpec, value: string | string[]) => boolean,
): boolean {
  const lists = new Map<VarSpec, string[]>();
  for (const pair of raw.slice(1).split(capture.sep)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = decodeURIComponent(eq === -1 ? '' : pair.slice(eq + 1));
    const spec = capture.specs.find((s) => s.name === name);
    if (spec === undefined) return false;
    if (!spec.explode) {
      if (!bind(spec, value)) return false;
    } else {
      lists.set(spec, [...(lists.get(spec) ?? []), value]);
    }
  }
  return [...lists].every(([spec, list]) => bind(spec, list));
}

function sameValue(full: string | string[], other: string | string[], otherIsPrefix: boolean): boolean {
  if (typeof full !== 'string' || typeof other !== 'string') {
    return JSON.stringify(full) === JSON.stringify(other);
  }
  return otherIsPrefix ? full.startsWith(other) : full === other;
}
