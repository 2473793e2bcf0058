// Turns raw results into docs/benchmarks.md (medians with min–max, ratios to the SDK and the floor)
// and keeps the raw JSON beside it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderGoals } from './goals.ts';
import type { BenchResults, TargetResult } from './results.ts';
import type { LevelResult } from './scenarios/scale.ts';
import type { WindowResult } from './scenarios/throughput.ts';
import { type Summary, summarize } from './stats.ts';
import { FLOOR_ID } from './targets.ts';

type Pick = (r: TargetResult, column: string) => number[];
interface Metric {
  title: string;
  unit: string;
  higherIsBetter: boolean;
  columns: string[];
  values: Pick;
  /** Divides raw values for display (bytes → KiB). */
  scale?: number;
}

function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const windows = (r: TargetResult, key: string): WindowResult[] =>
  (r.throughput[key] ?? []).flatMap((run) => run.windows);
const levels = (r: TargetResult, n: number): LevelResult[] =>
  r.scale.flatMap((run) => run.levels.filter((l) => l.sessions === n));
const label = (key: string) => key.replace('x', '×');

function cell(results: TargetResult[], r: TargetResult, metric: Metric, column: string): string {
  const s = summarize(metric.values(r, column).map((v) => v / (metric.scale ?? 1)));
  if (s === undefined) return '—';
  let text = s.n > 1 && s.min !== s.max ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);
  const ratio = (id: string | undefined, name: string) => {
    const ref = results.find((x) => x.spec.id === id);
    const rs = ref === undefined ? undefined : summarize(metric.values(ref, column));
    const own = summarize(metric.values(r, column)) as Summary;
    if (rs !== undefined && rs.median !== 0) text += ` · ${(own.median / rs.median).toFixed(2)}× ${name}`;
  };
  ratio(r.spec.sdk, 'SDK');
  if (r.spec.id !== FLOOR_ID) ratio(FLOOR_ID, 'floor');
  return text;
}

function table(results: TargetResult[], metric: Metric): string {
  const better = metric.higherIsBetter ? 'higher is better' : 'lower is better';
  const lines = [
    `### ${metric.title} (${metric.unit}, ${better})`,
    '',
    `| target | ${metric.columns.map(label).join(' | ')} |`,
    `| --- | ${metric.columns.map(() => '---').join(' | ')} |`,
  ];
  for (const r of results) {
    const cells =
      r.status === 'ok'
        ? metric.columns.map((c) => cell(results, r, metric, c))
        : [`${r.status === 'unavailable' ? 'not available yet' : 'failed to start'}: ${r.reason}`];
    lines.push(`| ${r.spec.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function latencyTable(results: TargetResult[], columns: string[]): string {
  const lines = [
    '### Latency per `tools/call` (ms, p50 / p90 / p99, medians over windows; lower is better)',
    '',
    `| target | ${columns.map(label).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const r of results.filter((x) => x.status === 'ok')) {
    const cells = columns.map((key) => {
      const ws = windows(r, key);
      const p = (f: (w: WindowResult) => number) => summarize(ws.map(f))?.median;
      const [a, b, c] = [p((w) => w.p50), p((w) => w.p90), p((w) => w.p99)];
      return a === undefined || b === undefined || c === undefined
        ? '—'
        : `${fmt(a)} / ${fmt(b)} / ${fmt(c)}`;
    });
    lines.push(`| ${r.spec.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function utilisationTable(results: TargetResult[], columns: string[]): string {
  const lines = [
    '### Core use during throughput windows (server / load generator / CPU pressure, medians)',
    '',
    "Server and load generator: share of one core each used. CPU pressure: share of the window in which some task on the machine (the bench's own helper threads included) waited for a CPU (`/proc/pressure/cpu`); values well above the quietest windows mean other work competed, and calls/s and latency are understated. A load generator near 1.0 means calls/s were bounded by the client; server CPU per call is still meaningful.",
    '',
    `| target | ${columns.map(label).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const r of results.filter((x) => x.status === 'ok')) {
    const cells = columns.map((key) => {
      const ws = windows(r, key);
      const m = (f: (w: WindowResult) => number) => summarize(ws.map(f))?.median;
      const parts = [m((w) => w.serverCPUShare), m((w) => w.clientCPUShare), m((w) => w.cpuPressure)];
      return parts.map((x) => (x === undefined ? '—' : x.toFixed(2))).join(' / ');
    });
    lines.push(`| ${r.spec.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Hand-written or separately generated parts of the report, kept from the previous file by their markers. */
type KeptBlock = 'notes' | 'scaling';

function keptBlock(previous: string, name: KeptBlock): string[] {
  const start = previous.indexOf(`<!-- bench:${name}:start -->`);
  const endMarker = `<!-- bench:${name}:end -->`;
  const end = previous.indexOf(endMarker, start);
  return start === -1 || end === -1 ? [] : [previous.slice(start, end + endMarker.length), ''];
}

function render(report: BenchResults, previous = ''): string {
  const { machine, plan, targets } = report;
  const configs = plan.configs.map((c) => `${c.sessions}x${c.inflight}`);
  const levelKeys = plan.scale.levels.map(String);
  const n = (key: string) => Number(key);
  const metrics: Metric[] = [
    {
      title: 'Server CPU time per `tools/call`',
      unit: 'µs',
      higherIsBetter: false,
      columns: configs,
      values: (r, k) => windows(r, k).map((w) => w.cpuMicrosPerCall),
    },
    {
      title: 'Throughput',
      unit: 'calls/s',
      higherIsBetter: true,
      columns: configs,
      values: (r, k) => windows(r, k).map((w) => w.callsPerSecond),
    },
    {
      title: 'Idle memory per session, RSS delta after GC',
      unit: 'KiB',
      higherIsBetter: false,
      columns: levelKeys,
      scale: 1024,
      values: (r, k) => levels(r, n(k)).map((l) => l.rssBytesPerSession),
    },
    {
      title: 'Idle memory per session, V8 heap delta after GC',
      unit: 'KiB',
      higherIsBetter: false,
      columns: levelKeys,
      scale: 1024,
      values: (r, k) => levels(r, n(k)).map((l) => l.heapBytesPerSession),
    },
    {
      title: 'Broadcast fan-out: from the call until every stream has the notification',
      unit: 'ms',
      higherIsBetter: false,
      columns: levelKeys,
      values: (r, k) => levels(r, n(k)).flatMap((l) => l.fanoutMs),
    },
    {
      title: 'Session open rate on the way to N sessions',
      unit: 'sessions/s',
      higherIsBetter: true,
      columns: levelKeys,
      values: (r, k) => levels(r, n(k)).map((l) => l.openPerSecond),
    },
    {
      title: 'Server CPU time per session open',
      unit: 'µs',
      higherIsBetter: false,
      columns: levelKeys,
      values: (r, k) => levels(r, n(k)).map((l) => l.cpuMicrosPerOpen),
    },
  ];
  const t = plan.throughput;
  const pressure = summarize(
    targets.flatMap((r) => Object.keys(r.throughput).flatMap((k) => windows(r, k).map((w) => w.cpuPressure))),
  );
  const shared =
    pressure !== undefined && pressure.median > 0.2
      ? [
          `> **The machine was shared during this run**: in the median throughput window some task waited for a CPU ${(pressure.median * 100).toFixed(0)}% of the time (range ${(pressure.min * 100).toFixed(0)}–${(pressure.max * 100).toFixed(0)}%; the quietest windows show what the bench causes by itself). Calls/s, latency and fan-out times are understated and noisy; server CPU time per call and memory per session are the figures to compare. Repeat on a quiet machine before drawing fine conclusions.`,
          '',
        ]
      : [];
  const notes = targets.flatMap((r) => r.notes.map((note) => `- ${r.spec.label}: ${note}`));
  return [
    '# Benchmarks',
    '',
    plan.mode === 'quick'
      ? '> **Quick run** (`npm run bench:quick`): one repeat, short windows and 1k sessions at most. Indicative only; `npm run bench` is the full run.'
      : '> Full run (`npm run bench`).',
    '',
    ...shared,
    `- Date: ${report.date.slice(0, 10)} (${report.date})`,
    `- Node: ${machine.node} on ${machine.platform}`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory`,
    `- Pinning: ${report.pinning}; loopback only`,
    `- Duration: ${report.durationSeconds.toFixed(0)} s`,
    `- Load average (1/5/15 min) at start: ${report.loadAverage.start.map((x) => x.toFixed(2)).join(' / ')}; at end: ${report.loadAverage.end.map((x) => x.toFixed(2)).join(' / ')}. Above ~0 means other work shared the 2 cores, which mostly shows in calls/s and latency; CPU time per call is less sensitive.`,
    '',
    ...renderGoals(targets, configs, plan.scale.levels),
    '',
    ...keptBlock(previous, 'notes'),
    '## Targets',
    '',
    '- **mcp-live**: `bench/targets/mcp-live.ts`, the library through its public API (`npm run bench:target`).',
    "- **SDK**: `@modelcontextprotocol/sdk` 1.x, one `McpServer` per session as its docs show, over `node:http`: `SSEServerTransport`, and the stateful `StreamableHTTPServerTransport`. Broadcast calls `sendLoggingMessage` on every session's server.",
    '- **floor**: `bench/targets/floor.ts`, a hand-written `node:http` server that speaks just enough of the HTTP+SSE wire to answer the same calls. Nothing can be much cheaper.',
    '',
    "Each target serves `echo {message}` and `broadcast {message}` (a `notifications/message` at level info to every session, answering `sent <count>`) and runs in its own process with `--expose-gc`. mcp-live and the floor send an SSE keep-alive comment every 15 s on every stream (mcp-live's default); the SDK has no keep-alive. mcp-live's `maxSessions` is raised above the largest level so that its default cap (10,000) does not end the scale runs.",
    '',
    "The load generator runs in another process: POSTs go over raw keep-alive sockets (`bench/client/http-pool.ts`, one request at a time per connection, all of a run's connections opened 32 at a time before its warm-up, so that no call waits on a TCP handshake the server's accept queue dropped), streams over `node:http`; answers are matched by JSON-RPC id.",
    '',
    '## Method',
    '',
    `- Throughput: S sessions × F echo calls in flight each. Every fresh target first gets ${plan.processWarmupMs} ms of 10×10 echo load (V8 warm-up); then per configuration, after ${t.warmupMs} ms of warm-up, ${t.windows} windows of ${t.windowMs} ms per fresh target process, ${plan.throughputRepeats} process(es) per target. Figures are medians over all windows with min–max in parentheses. Streamable HTTP sessions open no GET stream here (answers come back on each POST).`,
    '- Server CPU per call: user + system time of the target (all threads) from `/proc/<pid>/stat` across a window, divided by the calls completed in it. It stays meaningful when the load generator saturates its own core and calls/s do not.',
    `- Scale: sessions opened ${plan.scale.concurrency} at a time (stream, \`initialize\`, \`notifications/initialized\`; Streamable HTTP also opens its GET stream) up to ${plan.scale.levels.join(', ')}; at each level the target runs a forced GC and reports memory, compared with its own baseline after a warm-up; then ${plan.scale.fanouts} broadcasts are timed from the call until every session's stream has the notification. ${plan.scaleRepeats} process(es) per target.`,
    '- Ratios compare medians: `× SDK` against the SDK target speaking the same wire, `× floor` against the floor. Above 1 means more time, memory or CPU (worse) or more calls/sessions per second (better), as each table says.',
    '',
    '## Results',
    '',
    ...metrics.flatMap((m) => [table(targets, m), '']),
    latencyTable(targets, configs),
    '',
    utilisationTable(targets, configs),
    '',
    '## Failures and notes',
    '',
    ...(notes.length > 0 ? notes : ['- none']),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench            # full run, under 20 minutes; writes docs/benchmarks.md and docs/benchmarks.json',
    'npm run bench:quick      # about a minute; writes .bench-out/ (add -- --out docs to publish)',
    'npm run bench -- --targets floor,sdk-sse   # a subset',
    "npm run bench:target -- --transport sse --port 8080   # mcp-live's target alone, for your own load",
    'npm run bench:profile -- --targets mcp-live-streamable,floor   # CPU profiles under load, top frames',
    'npm run bench:heap -- --targets mcp-live-sse,floor   # heap snapshots: what one idle session holds, object by object',
    'npm run bench:scaling    # 1 vs 3 instances sharing a redis-server (needs redis-server)',
    '```',
    '',
    'Raw figures for every window, level and broadcast are in `benchmarks.json` beside this file.',
    '',
    ...keptBlock(previous, 'scaling'),
  ].join('\n');
}

/** Writes `benchmarks.md` and `benchmarks.json` into `dir`; returns their paths. */
export async function writeReport(report: BenchResults, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const md = join(dir, 'benchmarks.md');
  const json = join(dir, 'benchmarks.json');
  const previous = await readFile(md, 'utf8').catch(() => '');
  await writeFile(md, render(report, previous));
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  return [md, json];
}
