import type { ScalePlan } from './scenarios/scale.ts';
import type { ThroughputConfig, ThroughputPlan } from './scenarios/throughput.ts';

export interface BenchPlan {
  mode: 'quick' | 'full';
  /** Fresh target processes per target for the throughput runs, and for the scale runs. */
  throughputRepeats: number;
  scaleRepeats: number;
  configs: ThroughputConfig[];
  /** The load the 2026 input round trips are measured at (each a `confirm` call and its retry). */
  inputConfig: ThroughputConfig;
  /** Echo load (10×10) each fresh target gets before anything is measured, so that V8 has optimized the hot path. */
  processWarmupMs: number;
  throughput: ThroughputPlan;
  scale: ScalePlan;
  /** The whole run stops starting new phases after this long. */
  budgetMs: number;
}

const CONFIGS: ThroughputConfig[] = [
  { sessions: 1, inflight: 1 },
  { sessions: 10, inflight: 10 },
  { sessions: 100, inflight: 4 },
];

export const PLANS: Record<BenchPlan['mode'], BenchPlan> = {
  quick: {
    mode: 'quick',
    throughputRepeats: 1,
    scaleRepeats: 1,
    configs: CONFIGS,
    inputConfig: { sessions: 10, inflight: 10 },
    processWarmupMs: 1500,
    throughput: { warmupMs: 700, windowMs: 600, windows: 3, timeoutMs: 10_000, maxStealShare: 0.02 },
    scale: {
      levels: { sse: [1000], streamable: [1000], stateless: [1000] },
      concurrency: 32,
      fanouts: 3,
      settleMs: 300,
      timeoutMs: 15_000,
      rampMs: 60_000,
    },
    budgetMs: 300_000,
  },
  full: {
    mode: 'full',
    // Three rounds, so that one disturbed round (it happens on a shared machine, most at 1×1) cannot move a median.
    throughputRepeats: 3,
    scaleRepeats: 1,
    configs: CONFIGS,
    inputConfig: { sessions: 10, inflight: 10 },
    processWarmupMs: 4000,
    throughput: { warmupMs: 1000, windowMs: 2000, windows: 3, timeoutMs: 15_000, maxStealShare: 0.02 },
    scale: {
      // 20,000 HTTP+SSE sessions is issue 18's goal; the other wires stop at 10,000 listen streams or sessions.
      levels: {
        sse: [1000, 5000, 10_000, 20_000],
        streamable: [1000, 5000, 10_000],
        stateless: [1000, 5000, 10_000],
      },
      concurrency: 64,
      fanouts: 5,
      settleMs: 1000,
      timeoutMs: 30_000,
      rampMs: 90_000,
    },
    // Windows the hypervisor disturbed are measured again, which may add a few minutes on a busy host.
    budgetMs: 45 * 60_000,
  },
};

/** `plan` with the scale levels of every wire replaced by `levels` (a short validation run). */
export function withLevels(plan: BenchPlan, levels: number[]): BenchPlan {
  return {
    ...plan,
    scale: { ...plan.scale, levels: { sse: levels, streamable: levels, stateless: levels } },
  };
}
