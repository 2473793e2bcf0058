import type { Keywords, Presence } from './schema-node.ts';
import { SchemaNode } from './schema-node.ts';

/** `s.boolean()`: a boolean field. */
export class BooleanSchema<P extends Presence = 'optional'> extends SchemaNode<boolean, P> {
  constructor(keywords: Keywords, presence: P) {
    super(keywords, presence);
  }

  /** A copy the caller must always send. */
  required(): BooleanSchema<'required'> {
    return this.derive(this.keywords, 'required');
  }

  /** A copy that may be omitted; the handler then gets `value`. */
  default(value: boolean): BooleanSchema<'defaulted'> {
    return this.derive({ ...this.keywords, default: value }, 'defaulted');
  }

  /**
   * A copy whose value clients send in the `Mcp-Param-{name}` HTTP header (`x-mcp-header`, MCP 2026-07-28),
   * as `true` or `false`, so proxies can route on it.
   */
  header(name: string): this {
    return this.with({ 'x-mcp-header': name });
  }

  protected derive<Q extends Presence>(keywords: Keywords, presence: Q): BooleanSchema<Q> {
    return new BooleanSchema(keywords, presence);
  }
}
