/** Something that can run out of time: `expire` is called once its deadline has passed. */
export interface Expiring {
  expire(): void;
}

/**
 * Deadlines that all have the same length (a transport's `bodyTimeout`), kept on one timer instead of
 * one per entry: entries are added in deadline order, so the timer only ever waits for the oldest.
 * Adding and removing an entry is a set operation; the timer is set again at most once per firing.
 * Most entries are removed long before their deadline (a body arrives in milliseconds), so it mostly
 * fires, finds the oldest entry still has time, and waits for that one.
 */
export class DeadlineQueue<T extends Expiring> {
  readonly #timeout: number;
  /** Insertion order is deadline order; each entry's deadline in `performance.now()` ms. */
  readonly #waiting = new Map<T, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `timeout` in ms, above 0. */
  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  get size(): number {
    return this.#waiting.size;
  }

  /** `entry` expires `timeout` ms from now unless it is removed first. */
  add(entry: T): void {
    this.#waiting.set(entry, performance.now() + this.#timeout);
    if (this.#timer === undefined) this.#arm(this.#timeout);
  }

  delete(entry: T): void {
    this.#waiting.delete(entry);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(ms)));
    // A request in flight keeps the process alive through its socket; this timer need not.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (const [entry, deadline] of this.#waiting) {
      if (deadline > now) {
        this.#arm(deadline - now);
        return;
      }
      this.#waiting.delete(entry);
      entry.expire();
    }
  }
}

const queues = new Map<number, DeadlineQueue<Expiring>>();

/** The shared queue for deadlines of `timeout` ms (one per distinct value in the process). */
export function deadlinesOf(timeout: number): DeadlineQueue<Expiring> {
  let queue = queues.get(timeout);
  if (queue === undefined) {
    queue = new DeadlineQueue(timeout);
    queues.set(timeout, queue);
  }
  return queue;
}
