/** Marks every `s.*` schema node, also one made by another copy of this package. */
export const SCHEMA_BRAND = Symbol.for('mcp-live.schema');

// Type-only key for the phantom value and presence; nothing is stored under it at runtime.
declare const types: unique symbol;

/**
 * Whether a field must be in the arguments: `'optional'` (the default), `'required'`,
 * or `'defaulted'` (may be omitted on the wire, always present in the handler's arguments).
 */
export type Presence = 'optional' | 'required' | 'defaulted';

/** JSON Schema keywords as a node keeps them. */
export type Keywords = Readonly<Record<string, unknown>>;

/** Any `s.*` node, whatever it accepts. */
export type AnySchemaNode = SchemaNode<unknown, Presence>;

/** The value type a node accepts (presence not applied). */
export type InferNode<N> = N extends SchemaNode<infer T, Presence> ? T : never;

/** One immutable node of the `s` builder: its JSON Schema keywords and its presence in a parent object. */
export abstract class SchemaNode<T, P extends Presence> {
  declare readonly [types]: { readonly value: T; readonly presence: P };
  readonly [SCHEMA_BRAND] = true;
  readonly #keywords: Keywords;
  readonly #presence: P;

  protected constructor(keywords: Keywords, presence: P) {
    this.#keywords = keywords;
    this.#presence = presence;
  }

  /** Whether the field is optional, required, or has a default. */
  get presence(): P {
    return this.#presence;
  }

  protected get keywords(): Keywords {
    return this.#keywords;
  }

  /** A copy with a `description`, which clients show to the model. */
  describe(text: string): this {
    return this.with({ description: text });
  }

  /** A copy with a display `title`. */
  title(text: string): this {
    return this.with({ title: text });
  }

  /** The node's JSON Schema (2020-12 dialect), a fresh object on every call. */
  toJSONSchema(): Record<string, unknown> {
    return structuredClone(this.#keywords) as Record<string, unknown>;
  }

  protected with(patch: Keywords): this {
    return this.derive({ ...this.#keywords, ...patch }, this.#presence) as this;
  }

  protected abstract derive<Q extends Presence>(keywords: Keywords, presence: Q): SchemaNode<unknown, Q>;
}

/** True for any `s.*` node, also one made by another copy of this package. */
export function isSchemaNode(value: unknown): value is AnySchemaNode {
  return typeof value === 'object' && value !== null && SCHEMA_BRAND in value;
}
