import type { Keywords, Presence } from './schema-node.ts';
import { SchemaNode } from './schema-node.ts';

/** `s.number()` or `s.integer()`: a numeric field, narrowed to a union of literals by `.enum()`. */
export class NumberSchema<T extends number = number, P extends Presence = 'optional'> extends SchemaNode<
  T,
  P
> {
  constructor(keywords: Keywords, presence: P) {
    super(keywords, presence);
  }

  /** A copy the caller must always send. */
  required(): NumberSchema<T, 'required'> {
    return this.derive(this.keywords, 'required');
  }

  /** A copy that may be omitted; the handler then gets `value`. */
  default(value: T): NumberSchema<T, 'defaulted'> {
    return this.derive({ ...this.keywords, default: value }, 'defaulted');
  }

  /** A copy that accepts only these values; the handler's type becomes their union. */
  enum<const V extends readonly [number, ...number[]]>(values: V): NumberSchema<V[number], P> {
    return new NumberSchema({ ...this.keywords, enum: [...values] }, this.presence);
  }

  /** A copy with an inclusive `minimum`. */
  min(n: number): this {
    return this.with({ minimum: n });
  }

  /** A copy with an inclusive `maximum`. */
  max(n: number): this {
    return this.with({ maximum: n });
  }

  /** A copy whose values must be a multiple of `n`. */
  multipleOf(n: number): this {
    return this.with({ multipleOf: n });
  }

  protected derive<Q extends Presence>(keywords: Keywords, presence: Q): NumberSchema<T, Q> {
    return new NumberSchema(keywords, presence);
  }
}
