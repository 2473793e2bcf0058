import type { Session } from '../../server/session.ts';

/**
 * Closes sessions whose client did not complete `initialize` in time (an HTTP+SSE stream opens its
 * session before the handshake; one that never makes it would hold a slot for good). One timer
 * serves every waiting session, and runs only while some wait.
 */
export class InitializeDeadline {
  readonly #timeout: number;
  readonly #close: (session: Session, reason: string) => void;
  readonly #waiting = new Map<Session, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `timeout` in ms; 0 waits forever. */
  constructor(timeout: number, close: (session: Session, reason: string) => void) {
    this.#timeout = timeout;
    this.#close = close;
  }

  watch(session: Session): void {
    if (this.#timeout <= 0) return;
    this.#waiting.set(session, Date.now() + this.#timeout);
    if (this.#timer !== undefined) return;
    const every = Math.max(25, Math.min(1_000, Math.floor(this.#timeout / 4)));
    this.#timer = setInterval(() => this.#check(), every);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#waiting.clear();
  }

  #check(): void {
    const now = Date.now();
    for (const [session, deadline] of this.#waiting) {
      if (session.closed || session.protocolVersion !== undefined) this.#waiting.delete(session);
      else if (deadline <= now) {
        this.#waiting.delete(session);
        this.#close(
          session,
          `the client did not complete initialize within ${this.#timeout} ms (initializeTimeout)`,
        );
      }
    }
    if (this.#waiting.size === 0) this.stop();
  }
}
