import type { Session } from '../../server/session.ts';

/** A session as a wire holds it: what a request naming it is checked against. */
export interface HeldSession {
  readonly session: Session | undefined;
  /** What `authenticate` returned for the request that opened it. */
  readonly principal: unknown;
  /** The path prefix it was opened under. */
  readonly base: string;
}

/** Whether principals are checked (authentication is on), and how two are compared. */
export interface Ownership {
  readonly authenticated: boolean;
  samePrincipal(sessionPrincipal: unknown, requestPrincipal: unknown): boolean;
}

export type SessionRefusal = { status: 404 } | { status: 403; message: string };

/**
 * Whether a request under `base`, made by `principal`, may use the session it named, on every wire:
 * 404 for one that is not held here (unknown, closed, opened under another mount), 403 for another
 * principal's; `undefined` when it may. Each wire words its 404, which says how to start over.
 */
export function refuseSession(
  held: HeldSession | undefined,
  base: string,
  principal: unknown,
  ownership: Ownership,
): SessionRefusal | undefined {
  const session = held?.session;
  if (held === undefined || session === undefined || session.closed || held.base !== base) {
    return { status: 404 };
  }
  if (ownership.authenticated && !ownership.samePrincipal(held.principal, principal)) {
    return { status: 403, message: `Forbidden: session "${session.id}" belongs to another principal` };
  }
  return undefined;
}

/** The 429 answer's text when `requests` more would put `session` over `max` in flight; `undefined` otherwise. */
export function refuseInFlight(session: Session, requests: number, max: number): string | undefined {
  if (session.inFlightCount + requests <= max) return undefined;
  return `Too Many Requests: session "${session.id}" has ${session.inFlightCount} requests in flight (maxInFlightPerSession is ${max}); retry when some have answered`;
}
