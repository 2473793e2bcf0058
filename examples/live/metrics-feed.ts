// Samples the system at a fixed interval while the server runs, and tells listeners of each sample.
import { CpuMeter, collectSystemMetrics, type SystemMetrics } from './metrics.ts';

export type SampleListener = (sample: SystemMetrics) => void;

export class MetricsFeed {
  readonly interval: number;
  readonly #meter = new CpuMeter();
  readonly #listeners = new Set<SampleListener>();
  #latest: SystemMetrics | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #onError: (error: unknown) => void;

  /** `interval` is in ms; failures to sample go to `onError`. */
  constructor(interval: number, onError: (error: unknown) => void) {
    this.interval = interval;
    this.#onError = onError;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#tick(), this.interval);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }

  /** The latest sample; the first call before any tick takes one (its CPU figure covers the time since start). */
  async current(): Promise<SystemMetrics> {
    return this.#latest ?? (await this.#sample());
  }

  onSample(listener: SampleListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #sample(): Promise<SystemMetrics> {
    this.#latest = await collectSystemMetrics(this.#meter);
    return this.#latest;
  }

  async #tick(): Promise<void> {
    try {
      const sample = await this.#sample();
      for (const listener of this.#listeners) listener(sample);
    } catch (error) {
      this.#onError(error);
    }
  }
}
