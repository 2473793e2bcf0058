import type { AnySchemaNode, InferNode, Keywords, Presence } from './schema-node.ts';
import { SchemaNode } from './schema-node.ts';

/** `s.array(items)`: an array whose every item matches `items`. */
export class ArraySchema<I extends AnySchemaNode, P extends Presence = 'optional'> extends SchemaNode<
  InferNode<I>[],
  P
> {
  readonly #items: I;

  constructor(items: I, keywords: Keywords, presence: P) {
    super(keywords, presence);
    this.#items = items;
  }

  /** The schema every item must match. */
  get items(): I {
    return this.#items;
  }

  /** A copy the caller must always send. */
  required(): ArraySchema<I, 'required'> {
    return this.derive(this.keywords, 'required');
  }

  /** A copy that may be omitted; the handler then gets `value`. */
  default(value: InferNode<I>[]): ArraySchema<I, 'defaulted'> {
    return this.derive({ ...this.keywords, default: structuredClone(value) }, 'defaulted');
  }

  /** A copy with `minItems`. */
  minItems(n: number): this {
    return this.with({ minItems: n });
  }

  /** A copy with `maxItems`. */
  maxItems(n: number): this {
    return this.with({ maxItems: n });
  }

  /** A copy whose items must all differ (`uniqueItems`). */
  unique(): this {
    return this.with({ uniqueItems: true });
  }

  override toJSONSchema(): Record<string, unknown> {
    return { ...super.toJSONSchema(), items: this.#items.toJSONSchema() };
  }

  protected derive<Q extends Presence>(keywords: Keywords, presence: Q): ArraySchema<I, Q> {
    return new ArraySchema(this.#items, keywords, presence);
  }
}
