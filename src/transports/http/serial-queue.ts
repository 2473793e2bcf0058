type Task = () => void | Promise<void>;

/**
 * Runs tasks one after another: synchronously while nothing is pending (an in-memory event store),
 * and in order behind a task that returned a promise (a remote one), so that appends, replays and
 * the end of a stream never overtake each other.
 */
export class SerialQueue<Owner = undefined> {
  readonly #report: (error: unknown, owner: Owner) => void;
  readonly #owner: Owner;
  /** Made when a task first waits: most queues never hold one. */
  #tasks: Task[] | undefined;
  #busy = false;

  /**
   * `report` hears of tasks that threw or rejected, with `owner` (so that a queue per stream needs no
   * closure of its own); the queue goes on with the next task.
   */
  constructor(report: (error: unknown, owner: Owner) => void, owner: Owner) {
    this.#report = report;
    this.#owner = owner;
  }

  /** Whether a task is pending: `run` would queue rather than run at once. */
  get busy(): boolean {
    return this.#busy;
  }

  run(task: Task): void {
    if (this.#busy) {
      this.#tasks ??= [];
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
        this.#report(error, this.#owner);
        result = undefined;
      }
      if (result instanceof Promise) {
        this.#busy = true;
        result.then(
          () => this.#resume(),
          (error: unknown) => {
            this.#report(error, this.#owner);
            this.#resume();
          },
        );
        return;
      }
      task = this.#tasks?.shift();
    }
  }

  #resume(): void {
    this.#busy = false;
    this.#step(this.#tasks?.shift());
  }
}

/** Calls `next` with a value that may be a promise: at once for a plain value, else once it settles. */
export function andThen<T>(value: T | Promise<T>, next: (value: T) => void): void | Promise<void> {
  return value instanceof Promise ? value.then(next) : next(value);
}
