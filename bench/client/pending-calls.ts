interface Entry {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Reply {
  id?: unknown;
  result?: unknown;
  error?: { code?: number; message?: string };
}

/** A session's JSON-RPC requests awaiting an answer, each failing on its own after `timeoutMs`. */
export class PendingCalls {
  #next = 1;
  readonly #entries = new Map<number, Entry>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Reserves an id and the promise its answer settles. */
  add(method: string): { id: number; answer: Promise<unknown> } {
    const id = this.#next++;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#entries.delete(id);
        reject(new Error(`${method} got no answer in ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#entries.set(id, { resolve, reject, timer });
    });
    return { id, answer };
  }

  /** Settles the call a response answers; false when it answers nothing pending. */
  settle(message: Reply): boolean {
    const entry = typeof message.id === 'number' ? this.#entries.get(message.id) : undefined;
    if (entry === undefined) return false;
    this.#entries.delete(message.id as number);
    clearTimeout(entry.timer);
    if (message.error !== undefined) {
      entry.reject(new Error(`error ${message.error.code}: ${message.error.message}`));
    } else {
      entry.resolve(message.result);
    }
    return true;
  }

  fail(id: number, error: Error): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    clearTimeout(entry.timer);
    entry.reject(error);
  }

  failAll(error: Error): void {
    for (const id of [...this.#entries.keys()]) this.fail(id, error);
  }
}
