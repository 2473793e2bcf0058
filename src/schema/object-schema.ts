import type { AnySchemaNode, InferNode, Keywords, Presence } from './schema-node.ts';
import { SchemaNode } from './schema-node.ts';
import type { StringSchema } from './string-schema.ts';

/** The fields of an object: a record of `s.*` nodes. */
export type ShapeRecord = { readonly [key: string]: AnySchemaNode };

type IsPresent<N> = N extends SchemaNode<unknown, 'required' | 'defaulted'> ? true : false;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The value a shape accepts: `.required()` and `.default()` fields present, the rest optional. */
export type InferShape<S extends ShapeRecord> = Flatten<
  { -readonly [K in keyof S as IsPresent<S[K]> extends true ? K : never]: InferNode<S[K]> } & {
    -readonly [K in keyof S as IsPresent<S[K]> extends true ? never : K]?: InferNode<S[K]> | undefined;
  }
>;

/** `s.object(shape)`: an object with these fields; also a tool's whole input or output. */
export class ObjectSchema<S extends ShapeRecord, P extends Presence = 'optional'> extends SchemaNode<
  InferShape<S>,
  P
> {
  readonly #shape: S;

  constructor(shape: S, keywords: Keywords, presence: P) {
    super(keywords, presence);
    this.#shape = shape;
  }

  /** The fields, as passed to `s.object()`. */
  get shape(): S {
    return this.#shape;
  }

  /** A copy the caller must always send. */
  required(): ObjectSchema<S, 'required'> {
    return this.derive(this.keywords, 'required');
  }

  /** A copy that may be omitted; the handler then gets `value`. */
  default(value: InferShape<S>): ObjectSchema<S, 'defaulted'> {
    return this.derive({ ...this.keywords, default: structuredClone(value) }, 'defaulted');
  }

  /** A copy that rejects (`false`) or constrains (a node) fields not in the shape; extra fields stay untyped. */
  additionalProperties(allowed: boolean | AnySchemaNode): this {
    return this.with({
      additionalProperties: typeof allowed === 'boolean' ? allowed : allowed.toJSONSchema(),
    });
  }

  /** A copy with `minProperties`. */
  minProperties(n: number): this {
    return this.with({ minProperties: n });
  }

  /** A copy with `maxProperties`. */
  maxProperties(n: number): this {
    return this.with({ maxProperties: n });
  }

  /** A copy whose field names must match `names` (for example a pattern). */
  propertyNames(names: StringSchema<string, Presence>): this {
    return this.with({ propertyNames: names.toJSONSchema() });
  }

  override toJSONSchema(): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [key, node] of Object.entries(this.#shape)) {
      properties[key] = node.toJSONSchema();
      if (node.presence === 'required') required.push(key);
    }
    const schema: Record<string, unknown> = { ...super.toJSONSchema(), properties };
    if (required.length > 0) schema.required = required;
    return schema;
  }

  protected derive<Q extends Presence>(keywords: Keywords, presence: Q): ObjectSchema<S, Q> {
    return new ObjectSchema(this.#shape, keywords, presence);
  }
}
