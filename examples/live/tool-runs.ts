// A record of the long-running calls (stream_data, monitor_system): how far each got and how it ended.

export interface ToolRun {
  readonly id: number;
  readonly tool: string;
  readonly sessionId: string;
  /** Items produced (stream_data) or samples taken (monitor_system) so far. */
  produced: number;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
}

/** The most recent runs (at most 100), newest last. */
export class ToolRuns {
  readonly #runs: ToolRun[] = [];
  readonly #log: (line: string) => void;
  #next = 0;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  get all(): readonly ToolRun[] {
    return this.#runs;
  }

  /** Runs `body` as one recorded run; a rejection while `signal` is aborted counts as cancelled. */
  async track<T>(
    tool: string,
    sessionId: string,
    signal: AbortSignal,
    body: (run: ToolRun) => Promise<T>,
  ): Promise<T> {
    const run: ToolRun = { id: ++this.#next, tool, sessionId, produced: 0, status: 'running' };
    this.#runs.push(run);
    if (this.#runs.length > 100) this.#runs.shift();
    try {
      const result = await body(run);
      run.status = 'completed';
      return result;
    } catch (error) {
      run.status = signal.aborted ? 'cancelled' : 'failed';
      this.#log(`${tool} #${run.id} ${run.status} after ${run.produced} items`);
      throw error;
    }
  }
}
