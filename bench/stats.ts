/** A value over repeats: the median and the range it came from. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The p-th percentile (0–100) of values already sorted ascending, nearest-rank. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(values: number[]): Summary | undefined {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const mid = finite.length >> 1;
  const median =
    finite.length % 2 === 1
      ? (finite[mid] as number)
      : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
  return { median, min: finite[0] as number, max: finite[finite.length - 1] as number, n: finite.length };
}

/** Latencies of one measured window, kept in a fixed-size buffer (later samples are counted, not kept). */
export class LatencyRecorder {
  readonly #samples: Float64Array;
  #kept = 0;
  count = 0;
  errors = 0;

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.count++;
    if (this.#kept < this.#samples.length) this.#samples[this.#kept++] = ms;
  }

  /** The kept samples, sorted ascending. */
  sorted(): Float64Array {
    return this.#samples.slice(0, this.#kept).sort();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
