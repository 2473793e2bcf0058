type Task = () => void | Promise<void>;

/**
 * Runs tasks one after another: synchronously while nothing is pending (an in-memory event store),
 * and in order behind a task that returned a promise (a remote one), so that appends, replays and
 * the end of a stream never overtake each other.
 */
export class SerialQueue {
  readonly #report: (error: unknown) => void;
  #tasks: Task[] = [];
  #busy = false;

  /** `report` hears of tasks that threw or rejected; the queue goes on with the next one. */
  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  /** Whether a task is pending: `run` would queue rather than run at once. */
  get busy(): boolean {
    return this.#busy;
  }

  run(task: Task): void {
    if (this.#busy) {
      this.#tasks.push(task);
      return;
    }
    this.#step(task);
  }

  #step(task: Task | undefined): void {
    while (task !== undefined) {
      let result: void | Promise<void>;
      try {
        result = task();
      } catch (error) {
        this.#report(error);
        result = undefined;
      }
      if (result instanceof Promise) {
        this.#busy = true;
        result.then(
          () => this.#resume(),
          (error: unknown) => {
            this.#report(error);
            this.#resume();
          },
        );
        return;
      }
      task = this.#tasks.shift();
    }
  }

  #resume(): void {
    this.#busy = false;
    this.#step(this.#tasks.shift());
  }
}

/** Calls `next` with a value that may be a promise: at once for a plain value, else once it settles. */
export function andThen<T>(value: T | Promise<T>, next: (value: T) => void): void | Promise<void> {
  return value instanceof Promise ? value.then(next) : next(value);
}
