// The report's detail tables: every figure for every target, medians with min–max, and each value's
// ratio to its wire's floor and (for mcp-live) to the best peer on the wire.
import {
  bestPeer,
  configLabel,
  fmt,
  inputWindowsOf,
  levelLabel,
  levelsOf,
  median,
  reachedLevels,
  windowsOf,
} from './figures.ts';
import type { BenchResults, TargetResult } from './results.ts';
import type { WindowResult } from './scenarios/throughput.ts';
import { summarize } from './stats.ts';
import { CALL_FLOOR, STREAM_FLOOR } from './targets.ts';

interface Metric {
  title: string;
  unit: string;
  higherIsBetter: boolean;
  columns: string[];
  /** What each column is (a configuration or a level), for the header. */
  heading: (column: string) => string;
  values: (r: TargetResult, column: string) => number[];
  /** The floor a row is compared with. */
  floor: (r: TargetResult) => string | undefined;
  /** Divides raw values for display (bytes → KiB). */
  scale?: number;
}

const WIRE_ORDER = { sse: 0, streamable: 1, stateless: 2 } as const;
const ROLE_ORDER = { floor: 0, 'mcp-live': 1, peer: 2 } as const;

function sorted(targets: readonly TargetResult[]): TargetResult[] {
  return [...targets].sort(
    (a, b) =>
      WIRE_ORDER[a.spec.transport] - WIRE_ORDER[b.spec.transport] ||
      ROLE_ORDER[a.spec.role] - ROLE_ORDER[b.spec.role],
  );
}

function cell(results: readonly TargetResult[], r: TargetResult, metric: Metric, column: string): string {
  const raw = metric.values(r, column);
  const s = summarize(raw.map((v) => v / (metric.scale ?? 1)));
  if (s === undefined) return '—';
  let text = s.n > 1 && s.min !== s.max ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);
  const own = median(raw) as number;
  const floorId = metric.floor(r);
  const floor = results.find((x) => x.spec.id === floorId && x.status === 'ok');
  const floorValue = floor === undefined || floor === r ? undefined : median(metric.values(floor, column));
  if (floorValue !== undefined && floorValue !== 0) text += ` · ${(own / floorValue).toFixed(2)}× floor`;
  if (r.spec.role === 'mcp-live') {
    const sign = metric.higherIsBetter ? -1 : 1;
    const best = bestPeer(results, r.spec.transport, (p) => {
      const v = median(metric.values(p, column));
      return v === undefined ? undefined : sign * v;
    });
    if (best !== undefined && best.value !== 0)
      text += ` · ${(own / (sign * best.value)).toFixed(2)}× best peer`;
  }
  return text;
}

function table(results: readonly TargetResult[], metric: Metric): string[] {
  const rows = sorted(results).filter((r) => metric.columns.some((c) => metric.values(r, c).length > 0));
  if (rows.length === 0 || metric.columns.length === 0) return [];
  return [
    `### ${metric.title} (${metric.unit}, ${metric.higherIsBetter ? 'higher' : 'lower'} is better)`,
    '',
    `| target | ${metric.columns.map(metric.heading).join(' | ')} |`,
    `| --- | ${metric.columns.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (r) => `| ${r.spec.label} | ${metric.columns.map((c) => cell(results, r, metric, c)).join(' | ')} |`,
    ),
    '',
  ];
}

function windowTable(
  title: string,
  results: readonly TargetResult[],
  columns: string[],
  windows: (r: TargetResult, column: string) => WindowResult[],
  show: (ws: WindowResult[]) => string,
): string[] {
  const rows = sorted(results).filter((r) => columns.some((c) => windows(r, c).length > 0));
  if (rows.length === 0) return [];
  return [
    title,
    '',
    `| target | ${columns.map(configLabel).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.spec.label} | ${columns.map((c) => show(windows(r, c))).join(' | ')} |`),
    '',
  ];
}

const medianOf = (ws: WindowResult[], f: (w: WindowResult) => number) => median(ws.map(f));

/** Every detail table of a run, in the report's order. */
export function renderTables(report: BenchResults): string[] {
  const { plan, targets } = report;
  const configs = plan.configs.map((c) => `${c.sessions}x${c.inflight}`);
  const levels = [...new Set(targets.flatMap(reachedLevels))].sort((a, b) => a - b).map(String);
  const n = Number;
  const callFloor = (r: TargetResult) => CALL_FLOOR[r.spec.transport];
  const streamFloor = (r: TargetResult) => STREAM_FLOOR[r.spec.transport];
  const level = (
    title: string,
    unit: string,
    higher: boolean,
    values: Metric['values'],
    scale?: number,
  ): Metric => ({
    title,
    unit,
    higherIsBetter: higher,
    columns: levels,
    heading: (c) => levelLabel(n(c)),
    values,
    floor: streamFloor,
    ...(scale !== undefined && { scale }),
  });
  const call = (title: string, unit: string, higher: boolean, f: (w: WindowResult) => number): Metric => ({
    title,
    unit,
    higherIsBetter: higher,
    columns: configs,
    heading: configLabel,
    values: (r, k) => windowsOf(r, k).map(f),
    floor: callFloor,
  });
  const metrics: Metric[] = [
    call('Server CPU time per `tools/call`', 'µs', false, (w) => w.cpuMicrosPerCall),
    call('Throughput', 'calls/s', true, (w) => w.callsPerSecond),
    level(
      'Idle memory per session or listen stream, RSS delta after GC',
      'KiB',
      false,
      (r, k) => levelsOf(r, n(k)).map((l) => l.rssBytesPerSession),
      1024,
    ),
    level(
      'Idle memory per session or listen stream, V8 heap delta after GC',
      'KiB',
      false,
      (r, k) => levelsOf(r, n(k)).map((l) => l.heapBytesPerSession),
      1024,
    ),
    level('Fan-out: from the call until every stream has the notification', 'ms', false, (r, k) =>
      levelsOf(r, n(k)).flatMap((l) => l.fanoutMs),
    ),
    level('Open rate on the way to N', 'per s', true, (r, k) =>
      levelsOf(r, n(k)).map((l) => l.openPerSecond),
    ),
    level('Server CPU time per open', 'µs', false, (r, k) =>
      levelsOf(r, n(k)).map((l) => l.cpuMicrosPerOpen),
    ),
  ];
  const input = `${plan.inputConfig.sessions}x${plan.inputConfig.inflight}`;
  const inputMetric = (
    title: string,
    unit: string,
    higher: boolean,
    f: (w: WindowResult) => number,
  ): Metric => ({
    title,
    unit,
    higherIsBetter: higher,
    columns: [input],
    heading: configLabel,
    values: (r) => inputWindowsOf(r).map(f),
    floor: callFloor,
  });
  const latency = (ws: WindowResult[]) => {
    const [a, b, c] = [medianOf(ws, (w) => w.p50), medianOf(ws, (w) => w.p90), medianOf(ws, (w) => w.p99)];
    return a === undefined || b === undefined || c === undefined ? '—' : `${fmt(a)} / ${fmt(b)} / ${fmt(c)}`;
  };
  const cores = (ws: WindowResult[]) =>
    [
      medianOf(ws, (w) => w.serverCPUShare),
      medianOf(ws, (w) => w.clientCPUShare),
      medianOf(ws, (w) => w.cpuPressure),
      medianOf(ws, (w) => w.stealShare),
    ]
      .map((x) => (x === undefined ? '—' : x.toFixed(2)))
      .join(' / ');
  return [
    ...metrics.flatMap((m) => table(targets, m)),
    ...windowTable(
      '### Latency per `tools/call` (ms, p50 / p90 / p99, medians over windows; lower is better)',
      targets,
      configs,
      windowsOf,
      latency,
    ),
    ...table(
      targets,
      inputMetric(
        '2026 input round trip: server CPU time',
        'µs per round trip',
        false,
        (w) => w.cpuMicrosPerCall,
      ),
    ),
    ...table(
      targets,
      inputMetric('2026 input round trip: p99 latency', 'ms', false, (w) => w.p99),
    ),
    ...windowTable(
      '### Core use during throughput windows (server / load generator / CPU pressure / steal, medians)',
      targets,
      configs,
      windowsOf,
      cores,
    ),
  ];
}
