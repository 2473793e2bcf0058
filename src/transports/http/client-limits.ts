import type { HTTPRequestInfo } from './exchange.ts';
import { isLoopbackAddress } from './origin-guard.ts';

/** Names the client a request comes from, for `maxSessionsPerClient`; `undefined`: not counted. */
export type ClientKey = (req: HTTPRequestInfo, principal: unknown) => string | undefined;

/**
 * The default client of a request: its principal when `authenticate` gave one, else the address of
 * the connection's peer. A loopback peer is not counted: it is this machine, often a reverse proxy
 * in front of every client (give such a deployment a `clientKey` that reads the address it forwards).
 */
export const defaultClientKey: ClientKey = (req, principal) => {
  if (principal !== undefined) return principalKey(principal);
  const address = req.remoteAddress;
  return address === undefined || isLoopbackAddress(address) ? undefined : `address ${address}`;
};

function principalKey(principal: unknown): string | undefined {
  if (typeof principal === 'string') return `principal ${principal}`;
  if (typeof principal !== 'object' || principal === null) return `principal ${String(principal)}`;
  try {
    return `principal ${JSON.stringify(principal)}`;
  } catch {
    return undefined;
  }
}

/**
 * Counts what each client holds: sessions, and stateless requests in flight (a 2026-07-28 listen
 * stream is one), across every wire of an engine.
 */
export class ClientLimits {
  readonly #max: number;
  readonly #key: ClientKey;
  readonly #held = new Map<string, number>();

  constructor(max: number, key: ClientKey) {
    this.#max = max;
    this.#key = key;
  }

  /**
   * Takes one slot for the request's client: the key to `release` it with (`null` for a client not
   * counted), or `undefined` when the client holds its maximum already.
   */
  take(req: HTTPRequestInfo, principal: unknown): string | null | undefined {
    const key = this.#key(req, principal);
    if (key === undefined) return null;
    const held = this.#held.get(key) ?? 0;
    if (held >= this.#max) return undefined;
    this.#held.set(key, held + 1);
    return key;
  }

  /** Holds `key`'s slot for as long as `session` is open. */
  holdFor(key: string | null, session: { onClosed(listener: () => void): void }): void {
    if (key === null) return;
    session.onClosed(() => this.release(key));
  }

  release(key: string | null): void {
    if (key === null) return;
    const held = this.#held.get(key);
    if (held === undefined) return;
    if (held <= 1) this.#held.delete(key);
    else this.#held.set(key, held - 1);
  }

  /** The text of the 429 for a client at its maximum. */
  refusal(): string {
    return `Too Many Requests: this client holds its maximum of ${this.#max} sessions and requests in flight (maxSessionsPerClient); close one, or retry later`;
  }
}
