import { NumberSchema } from './number-schema.ts';
import type { Keywords, Presence } from './schema-node.ts';

/** `s.integer()`: a whole-number field; unlike `s.number()` it may be mirrored into an HTTP header. */
export class IntegerSchema<T extends number = number, P extends Presence = 'optional'> extends NumberSchema<
  T,
  P
> {
  override required(): IntegerSchema<T, 'required'> {
    return this.derive(this.keywords, 'required');
  }

  override default(value: T): IntegerSchema<T, 'defaulted'> {
    return this.derive({ ...this.keywords, default: value }, 'defaulted');
  }

  override enum<const V extends readonly [number, ...number[]]>(values: V): IntegerSchema<V[number], P> {
    return new IntegerSchema({ ...this.keywords, enum: [...values] }, this.presence);
  }

  /**
   * A copy whose value clients send in the `Mcp-Param-{name}` HTTP header (`x-mcp-header`, MCP 2026-07-28),
   * so proxies can route on it. Keep secrets out of headers.
   */
  header(name: string): this {
    return this.with({ 'x-mcp-header': name });
  }

  protected override derive<Q extends Presence>(keywords: Keywords, presence: Q): IntegerSchema<T, Q> {
    return new IntegerSchema(keywords, presence);
  }
}
