import type { JSONRPCNotification, RequestId } from '../protocol/jsonrpc.ts';
import { MetaKey } from '../protocol/request-meta.ts';

/** Stands for the subscription id while the shared part is encoded; nothing else encodes to it. */
const MARK = '\u0000mcp-live:subscription-id\u0000';
const MARK_JSON = JSON.stringify(MARK);

/**
 * One notification as each listen stream gets it: the same method and params, with that stream's
 * subscription id in `_meta`. What the streams share is encoded once, on the first stream that needs
 * it; each stream's JSON is then that text with its id in place, instead of a whole encoding per stream
 * (a `resourceUpdated` may reach ten thousand streams).
 */
export class ListenNotification {
  readonly #method: string;
  readonly #params: Record<string, unknown>;
  /** The JSON before and after the subscription id; null when it cannot be shared (JSON refuses the params). */
  #parts: readonly [string, string] | null | undefined;

  constructor(method: string, params: Record<string, unknown>) {
    this.#method = method;
    this.#params = params;
  }

  /** The notification for the stream of subscription `id`. */
  message(id: RequestId): JSONRPCNotification {
    return { jsonrpc: '2.0', method: this.#method, params: this.#tagged(id) };
  }

  /** Its JSON text, or `undefined` when it is not shared (the channel then encodes, and reports, itself). */
  json(id: RequestId): string | undefined {
    this.#parts ??= this.#split();
    return this.#parts === null ? undefined : `${this.#parts[0]}${JSON.stringify(id)}${this.#parts[1]}`;
  }

  #tagged(id: RequestId | typeof MARK): Record<string, unknown> {
    // Object.assign, not `{ ...a, b }`: V8 (Node 20) takes a slow path for a spread with more keys
    // after it, and this runs once per listen stream of a broadcast.
    const meta: Record<string, unknown> = Object.assign({}, this.#params._meta);
    meta[MetaKey.SubscriptionId] = id;
    const params: Record<string, unknown> = Object.assign({}, this.#params);
    params._meta = meta;
    return params;
  }

  #split(): readonly [string, string] | null {
    let text: string;
    try {
      text = JSON.stringify({ jsonrpc: '2.0', method: this.#method, params: this.#tagged(MARK) });
    } catch {
      return null;
    }
    const at = text.indexOf(MARK_JSON);
    // The mark once, where the id goes: anything else (params that spell it) is encoded per stream.
    if (at === -1 || text.indexOf(MARK_JSON, at + 1) !== -1) return null;
    return [text.slice(0, at), text.slice(at + MARK_JSON.length)];
  }
}
