/** A JSON Schema as found in a tool's `inputSchema`. */
export type JSONSchema = Record<string, unknown>;

/** One argument of a tool, as `mcp-live tools` lists it. */
export interface ArgumentInfo {
  name: string;
  type: string;
  required: boolean;
  /** The schema's `default`, when it has one. */
  default?: unknown;
  description?: string;
}

function isSchema(value: unknown): value is JSONSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
}

/** The JSON types a schema accepts (`type`, or the members of `anyOf`/`oneOf`, or its `enum`/`const` values); empty means any. */
export function typesOf(schema: JSONSchema): string[] {
  const { type } = schema;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  const members = [schema.anyOf, schema.oneOf].find(Array.isArray);
  if (members !== undefined) {
    const types = members.filter(isSchema).map(typesOf);
    // A member that accepts anything makes the union accept anything.
    return types.some((t) => t.length === 0) ? [] : [...new Set(types.flat())];
  }
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonType))];
  if ('const' in schema) return [jsonType(schema.const)];
  return [];
}

/** The properties of an object schema, each as a schema. */
export function propertiesOf(schema: JSONSchema): Record<string, JSONSchema> {
  const out: Record<string, JSONSchema> = {};
  if (!isSchema(schema.properties)) return out;
  for (const [name, value] of Object.entries(schema.properties)) out[name] = isSchema(value) ? value : {};
  return out;
}

/** The names an object schema requires. */
export function requiredOf(schema: JSONSchema): string[] {
  return Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
}

/** The item schema of an array schema, `{}` when it names none. */
export function itemsOf(schema: JSONSchema): JSONSchema {
  return isSchema(schema.items) ? schema.items : {};
}

/** A short, readable type: `string`, `integer`, `"fast" | "slow"`, `string[]`, `number | null`, `any`. */
export function describeType(schema: JSONSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const members = [schema.anyOf, schema.oneOf].find(Array.isArray);
  if (members !== undefined && schema.type === undefined) {
    return [...new Set(members.filter(isSchema).map(describeType))].join(' | ') || 'any';
  }
  const types = typesOf(schema);
  if (types.length === 0) return 'any';
  return types
    .map((type) => {
      if (type !== 'array') return type;
      const item = describeType(itemsOf(schema));
      return item.includes(' ') ? `(${item})[]` : `${item}[]`;
    })
    .join(' | ');
}

/** The arguments a tool's input schema declares, in declaration order. */
export function describeArguments(inputSchema: JSONSchema): ArgumentInfo[] {
  const required = new Set(requiredOf(inputSchema));
  return Object.entries(propertiesOf(inputSchema)).map(([name, schema]) => {
    const info: ArgumentInfo = { name, type: describeType(schema), required: required.has(name) };
    if ('default' in schema) info.default = schema.default;
    const description = schema.description ?? schema.title;
    if (typeof description === 'string') info.description = description;
    return info;
  });
}
