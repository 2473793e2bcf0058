import type { Machine } from './machine.ts';
import type { BenchPlan } from './plan.ts';
import type { ScaleRun } from './scenarios/scale.ts';
import type { ThroughputRun } from './scenarios/throughput.ts';
import type { TargetSpec } from './targets.ts';

/** Everything measured for one target; `throughput` is keyed by `SxF`, one run per repeat. */
export interface TargetResult {
  spec: TargetSpec;
  status: 'ok' | 'unavailable' | 'failed';
  reason?: string;
  throughput: Record<string, ThroughputRun[]>;
  scale: ScaleRun[];
  /** Phases skipped or cut short, in words. */
  notes: string[];
}

/** The raw results, written beside the report as JSON. */
export interface BenchResults {
  date: string;
  mode: BenchPlan['mode'];
  machine: Machine;
  pinning: string;
  /** 1, 5 and 15 minute load averages of the machine as the run started and ended (others' work shows here). */
  loadAverage: { start: number[]; end: number[] };
  plan: BenchPlan;
  durationSeconds: number;
  targets: TargetResult[];
}
