// The figures the goals, tables and charts read from raw results: medians over windows, levels and
// broadcasts, found by target id, and the best peer on a wire.
import type { TransportKind } from './client/open-sessions.ts';
import type { TargetResult } from './results.ts';
import type { LevelResult } from './scenarios/scale.ts';
import type { WindowResult } from './scenarios/throughput.ts';
import { summarize } from './stats.ts';

export const median = (values: number[]): number | undefined => summarize(values)?.median;

/** The windows a figure reads: those the hypervisor did not disturb, or every one if none is left. */
export function undisturbed(windows: WindowResult[]): WindowResult[] {
  const kept = windows.filter((w) => w.disturbed !== true);
  return kept.length > 0 ? kept : windows;
}

export const windowsOf = (r: TargetResult | undefined, key: string): WindowResult[] =>
  undisturbed((r?.throughput[key] ?? []).flatMap((run) => run.windows));

export const inputWindowsOf = (r: TargetResult | undefined): WindowResult[] =>
  undisturbed((r?.input ?? []).flatMap((run) => run.windows));

/** The level a result stands for: the one the plan asked for, even where the file limit held it lower. */
export const levelKey = (l: LevelResult): number => l.requested ?? l.sessions;

export const levelsOf = (r: TargetResult | undefined, level: number): LevelResult[] =>
  (r?.scale ?? []).flatMap((run) => run.levels.filter((l) => levelKey(l) === level));

/** Every level some run of `r` reached, ascending. */
export const reachedLevels = (r: TargetResult | undefined): number[] =>
  [...new Set((r?.scale ?? []).flatMap((run) => run.levels.map(levelKey)))].sort((a, b) => a - b);

/** Finds an ok target by id. */
export function finder(results: readonly TargetResult[]): (id: string) => TargetResult | undefined {
  return (id) => results.find((r) => r.spec.id === id && r.status === 'ok');
}

export const cpuPerCall = (r: TargetResult | undefined, key: string) =>
  median(windowsOf(r, key).map((w) => w.cpuMicrosPerCall));
export const p99Of = (r: TargetResult | undefined, key: string) =>
  median(windowsOf(r, key).map((w) => w.p99));
export const rssPerSession = (r: TargetResult | undefined, level: number) =>
  median(levelsOf(r, level).map((l) => l.rssBytesPerSession));
export const fanoutOf = (r: TargetResult | undefined, level: number) =>
  median(levelsOf(r, level).flatMap((l) => l.fanoutMs));

/** The ok peer on `transport` with the lowest `value` (the best one), and that value. */
export function bestPeer(
  results: readonly TargetResult[],
  transport: TransportKind,
  value: (r: TargetResult) => number | undefined,
): { result: TargetResult; value: number } | undefined {
  let best: { result: TargetResult; value: number } | undefined;
  for (const r of results) {
    if (r.status !== 'ok' || r.spec.role !== 'peer' || r.spec.transport !== transport) continue;
    const v = value(r);
    if (v !== undefined && Number.isFinite(v) && (best === undefined || v < best.value))
      best = { result: r, value: v };
  }
  return best;
}

export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

/** A number as the report prints it: 3 significant digits below 1000, grouped thousands above. */
export function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export const configLabel = (key: string): string => key.replace('x', '×');
export const levelLabel = (n: number): string => n.toLocaleString('en-US');
