// Which charts a run draws: one per figure and wire (server CPU per call, p99, idle memory, fan-out,
// input rounds) and one of the goals, each as `images/bench-<name>.svg` beside the report.
import type { TransportKind } from './client/open-sessions.ts';
import {
  configLabel,
  cpuPerCall,
  fanoutOf,
  fmt,
  inputWindowsOf,
  levelLabel,
  median,
  p99Of,
  reachedLevels,
  rssPerSession,
} from './figures.ts';
import type { Goal } from './goals.ts';
import type { BenchResults, TargetResult } from './results.ts';
import type { Bar, BarChart, BarGroup, Tone } from './svg-chart.ts';
import { WIRE_NAMES } from './targets.ts';

export interface ChartFile {
  /** Path relative to the report, e.g. `images/bench-cpu-sse.svg`. */
  path: string;
  chart: BarChart;
}

const TONE: Record<TargetResult['spec']['role'], Tone> = { 'mcp-live': 'own', floor: 'floor', peer: 'peer' };
const WIRE_FILE: Record<TransportKind, string> = { sse: 'sse', streamable: 'streamable', stateless: '2026' };
const ORDER: Record<TargetResult['spec']['role'], number> = { floor: 0, 'mcp-live': 1, peer: 2 };

/** The ok targets on `wire` that measured something with `has`, floors first, then mcp-live, then peers. */
function onWire(targets: readonly TargetResult[], wire: TransportKind, has: (r: TargetResult) => boolean) {
  return targets
    .filter((r) => r.status === 'ok' && r.spec.transport === wire && has(r))
    .sort((a, b) => ORDER[a.spec.role] - ORDER[b.spec.role]);
}

function groups<K>(
  keys: readonly K[],
  label: (key: K) => string,
  targets: readonly TargetResult[],
  value: (r: TargetResult, key: K) => number | undefined,
): BarGroup[] {
  return keys.map((key) => ({
    label: label(key),
    bars: targets.map((r): Bar => ({ label: r.spec.label, value: value(r, key), tone: TONE[r.spec.role] })),
  }));
}

function perWire(report: BenchResults): ChartFile[] {
  const configs = report.plan.configs.map((c) => `${c.sessions}x${c.inflight}`);
  const files: ChartFile[] = [];
  for (const wire of ['sse', 'streamable', 'stateless'] as const) {
    const name = WIRE_NAMES[wire];
    const calls = onWire(report.targets, wire, (r) => Object.keys(r.throughput).length > 0);
    if (calls.length > 0) {
      files.push({
        path: `images/bench-cpu-${WIRE_FILE[wire]}.svg`,
        chart: {
          title: `${name}: server CPU time per tools/call`,
          subtitle: 'µs per call, median over windows; lower is better',
          groups: groups(configs, (k) => `${configLabel(k)} (sessions × calls in flight)`, calls, cpuPerCall),
          format: fmt,
        },
      });
      files.push({
        path: `images/bench-p99-${WIRE_FILE[wire]}.svg`,
        chart: {
          title: `${name}: p99 latency per tools/call`,
          subtitle: 'ms, median over windows; lower is better',
          groups: groups(configs, (k) => configLabel(k), calls, p99Of),
          format: fmt,
        },
      });
    }
    const idle = onWire(report.targets, wire, (r) => reachedLevels(r).length > 0);
    if (idle.length === 0) continue;
    const levels = [...new Set(idle.flatMap(reachedLevels))].sort((a, b) => a - b);
    const what = wire === 'stateless' ? 'listen stream' : 'session';
    const file = wire === 'stateless' ? 'listen' : WIRE_FILE[wire];
    files.push({
      path: `images/bench-memory-${file}.svg`,
      chart: {
        title: `${name}: idle memory per ${what}`,
        subtitle: 'KiB of RSS after GC, over the baseline; lower is better',
        groups: groups(
          levels,
          (n) => `${levelLabel(n)} ${what}s`,
          idle,
          (r, n) => {
            const bytes = rssPerSession(r, n);
            return bytes === undefined ? undefined : bytes / 1024;
          },
        ),
        format: fmt,
      },
    });
    files.push({
      path: `images/bench-fanout-${file}.svg`,
      chart: {
        title: `${name}: one ${wire === 'stateless' ? 'resourceUpdated' : 'broadcast'} until every ${what} has it`,
        subtitle: 'ms, median over broadcasts; lower is better',
        groups: groups(levels, (n) => `${levelLabel(n)} ${what}s`, idle, fanoutOf),
        format: fmt,
      },
    });
  }
  const rounds = onWire(report.targets, 'stateless', (r) => r.input.length > 0);
  if (rounds.length > 0) {
    const cpu = (r: TargetResult) => median(inputWindowsOf(r).map((w) => w.cpuMicrosPerCall));
    const p99 = (r: TargetResult) => median(inputWindowsOf(r).map((w) => w.p99));
    files.push({
      path: 'images/bench-input.svg',
      chart: {
        title: '2026 input round trip: input_required, then the retry with the answer',
        subtitle: `at ${configLabel(`${report.plan.inputConfig.sessions}x${report.plan.inputConfig.inflight}`)}; lower is better`,
        groups: [
          { label: 'server CPU per round trip (µs)', bars: rounds.map((r) => bar(r, cpu(r))) },
          { label: 'p99 per round trip (ms)', bars: rounds.map((r) => bar(r, p99(r))) },
        ],
        format: fmt,
        groupScales: true,
      },
    });
  }
  return files;
}

const bar = (r: TargetResult, value: number | undefined): Bar => ({
  label: r.spec.label,
  value,
  tone: TONE[r.spec.role],
});

function goalsChart(goals: readonly Goal[]): ChartFile {
  const primary = goals.filter((g) => g.secondary !== true);
  return {
    path: 'images/bench-goals.svg',
    chart: {
      title: 'Goals: the measured value over its limit',
      subtitle: "the worst of each goal's checks; at or left of the line, the goal holds",
      groups: [
        {
          label: '',
          bars: primary.map((g, i) => ({
            label: `${i + 1}. ${g.short}`,
            value: g.score,
            tone: g.holds === undefined ? 'unmeasured' : g.holds ? 'holds' : 'fails',
          })),
        },
      ],
      marker: { value: 1, label: 'limit' },
      format: (x) => `${x.toFixed(2)}`,
    },
  };
}

/** Every chart of a run: the goals first. */
export function buildCharts(report: BenchResults, goals: readonly Goal[]): ChartFile[] {
  return [goalsChart(goals), ...perWire(report)];
}
