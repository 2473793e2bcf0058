import type { Machine } from './machine.ts';
import type { BenchPlan } from './plan.ts';
import type { ScaleRun } from './scenarios/scale.ts';
import type { ThroughputRun } from './scenarios/throughput.ts';
import type { Scenario, TargetSpec } from './targets.ts';

/** Everything measured for one target; `throughput` is keyed by `SxF`, one run per repeat. */
export interface TargetResult {
  spec: TargetSpec;
  status: 'ok' | 'unavailable' | 'failed';
  reason?: string;
  throughput: Record<string, ThroughputRun[]>;
  /** 2026 input round trips at the plan's `inputConfig`, one run per repeat. */
  input: ThroughputRun[];
  /** Idle sessions (listen streams on the 2026 wire) and fan-out, one run per repeat. */
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
  /** The scenarios this run measured (a validation run may leave some out). */
  scenarios: Scenario[];
  /** mcp-live's version and commit, and each peer package's version, read at run time. */
  versions: { mcpLive: string; packages: Record<string, string> };
  /** The open-file limit every process of the run had (`ulimit -n`); it caps the session levels. */
  openFileLimit?: number;
  durationSeconds: number;
  targets: TargetResult[];
}
