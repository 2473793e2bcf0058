/** A child signal of an `AbortScope`, and the call that forgets it once its work is done. */
export interface ScopedSignal {
  signal: AbortSignal;
  release(): void;
}

/** Hands out signals that all abort when the scope closes, without leaking listeners on long-lived signals. */
export class AbortScope {
  #children = new Set<AbortController>();
  #closed: AbortController = new AbortController();

  /** Aborts when the scope closes. */
  get signal(): AbortSignal {
    return this.#closed.signal;
  }

  /** A signal that aborts when `parent` does or when the scope closes. */
  child(parent?: AbortSignal): ScopedSignal {
    const controller = new AbortController();
    const abort = () => controller.abort(parent?.reason);
    if (this.#closed.signal.aborted) controller.abort(this.#closed.signal.reason);
    else if (parent?.aborted) abort();
    else {
      this.#children.add(controller);
      parent?.addEventListener('abort', abort, { once: true });
    }
    return {
      signal: controller.signal,
      release: () => {
        this.#children.delete(controller);
        parent?.removeEventListener('abort', abort);
      },
    };
  }

  close(reason?: unknown): void {
    this.#closed.abort(reason);
    for (const controller of this.#children) controller.abort(reason);
    this.#children.clear();
  }
}
