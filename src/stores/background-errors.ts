import type { McpLiveError } from '../protocol/mcp-live-error.ts';

/**
 * Where a store's failures outside any call go (an outage, a malformed bus message): to the store's
 * `onError` option when the user gave one, else to the listeners attached with the store's `onError()`
 * method (the servers that use it), else to the console.
 */
export class BackgroundErrors {
  readonly #option: ((error: McpLiveError) => void) | undefined;
  readonly #listeners = new Set<(error: Error) => void>();

  constructor(option: ((error: McpLiveError) => void) | undefined) {
    this.#option = option;
  }

  /** Adds a listener; returns a function that removes it (each call its own, even for one function). */
  listen(listener: (error: Error) => void): () => void {
    const entry = (error: Error) => listener(error);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  report(error: McpLiveError): void {
    if (this.#option !== undefined) this.#option(error);
    else if (this.#listeners.size === 0) console.error(`mcp-live: ${error.message}`);
    else for (const listener of [...this.#listeners]) listener(error);
  }
}
