// Renders the "1 vs 3 instances" section of docs/benchmarks.md from the raw results, and writes both:
// the section replaces the one between its markers (or is appended), the raw JSON goes beside it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Machine } from '../machine.ts';
import { type Summary, summarize } from '../stats.ts';
import type { Load, Measured, ScalingWindow, WindowPlan } from './measure.ts';

export interface ScalingRun extends Measured {
  transport: 'sse' | 'streamable';
  instances: number;
}

export interface ScalingResults {
  date: string;
  machine: Machine;
  load: Load;
  plan: WindowPlan;
  mode: 'quick' | 'full';
  /** 1, 5 and 15 min load averages when the run started and when it ended. */
  loadAverage: { start: number[]; end: number[] };
  runs: ScalingRun[];
}

const START = '<!-- bench:scaling:start -->';
const END = '<!-- bench:scaling:end -->';
const LABEL = { sse: 'HTTP+SSE', streamable: 'Streamable HTTP' } as const;

const format = (n: number): string =>
  !Number.isFinite(n)
    ? 'n/a'
    : n >= 100
      ? Math.round(n).toLocaleString('en-US')
      : n.toPrecision(3).replace(/\.?0+$/, '');

function cell(summary: Summary | undefined): string {
  if (summary === undefined) return 'n/a';
  if (summary.n === 1) return format(summary.median);
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

const of = (run: ScalingRun, pick: (w: ScalingWindow) => number) => summarize(run.windows.map(pick));
const perCall = (w: ScalingWindow, seconds: number) =>
  w.calls === 0 ? Number.NaN : (seconds / w.calls) * 1e6;

function rows(runs: ScalingRun[]): string[] {
  const lines = [
    '| instances | calls/s | p50 / p99 latency (ms) | CPU µs per call: instances | proxy | redis-server | all three | cores busy (instances + proxy + redis / load generator) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    if (run.windows.length === 0) {
      lines.push(`| ${run.instances} | failed: ${run.failure ?? 'no window measured'} | | | | | | |`);
      continue;
    }
    const server = (w: ScalingWindow) => w.cpu.instances + w.cpu.proxy + w.cpu.redis;
    const latency = `${format(of(run, (w) => w.p50)?.median ?? Number.NaN)} / ${format(of(run, (w) => w.p99)?.median ?? Number.NaN)}`;
    const busy = `${format(of(run, (w) => server(w) / w.seconds)?.median ?? Number.NaN)} / ${format(of(run, (w) => w.cpu.loadGenerator / w.seconds)?.median ?? Number.NaN)}`;
    lines.push(
      `| ${run.instances} | ${cell(of(run, (w) => w.callsPerSecond))} | ${latency} | ${cell(of(run, (w) => perCall(w, w.cpu.instances)))} | ${cell(of(run, (w) => perCall(w, w.cpu.proxy)))} | ${cell(of(run, (w) => perCall(w, w.cpu.redis)))} | ${cell(of(run, (w) => perCall(w, server(w))))} | ${busy} |`,
    );
    if (run.failure !== undefined) lines.push(`| | note: ${run.failure} | | | | | | |`);
  }
  return lines;
}

/** The markdown section, markers included. */
export function renderSection(results: ScalingResults): string {
  const { machine, load, plan } = results;
  const lines = [
    START,
    '## 1 vs 3 instances',
    '',
    `> \`npm run bench:scaling${results.mode === 'quick' ? ' -- --quick' : ''}\` (bench/scaling/run.ts); raw figures in [benchmarks-scaling.json](benchmarks-scaling.json).`,
    '',
    `- Date: ${results.date.slice(0, 10)} (${results.date})`,
    `- Node: ${machine.node} on ${machine.platform}`,
    `- Machine: ${machine.cpuModel}, **${machine.cores} cores**, ${machine.memoryGiB} GiB memory. Every process below shares these ${machine.cores} cores; nothing is pinned.`,
    `- Load average (1/5/15 min) at start: ${results.loadAverage.start.map((n) => n.toFixed(2)).join(' / ')}; at end: ${results.loadAverage.end.map((n) => n.toFixed(2)).join(' / ')}. Above ~0 means other work shared the cores.`,
    `- Load: ${load.sessions} sessions × ${load.inflight} \`echo\` calls in flight each, the same for both runs, through the round-robin proxy (\`examples/scaling/round-robin-proxy.ts\`, its own process), which sends each request to the next instance. After ${plan.warmupMs} ms of warm-up, ${plan.windows} windows of ${plan.windowMs} ms; medians with min–max.`,
    '- Instances: `bench/targets/mcp-live.ts --redis URL`, each its own process, sharing one redis-server (Redis session store, event store and message bus; HTTP+SSE with a 30 s reconnect grace period, as the live example runs). With 3 instances, a request lands on the instance that holds its session one time in three; the other two are relayed to it over Redis pub/sub and answered through the instance they landed on.',
    '- CPU per call: user + system time from `/proc/<pid>/stat` over a window, divided by the calls completed in it; instances are summed; the proxy and redis-server are shown on their own, then all three together. The load generator (this process) is not included.',
    '',
    `On ${machine.cores} cores, three instances cannot be faster than one: they, the proxy, redis-server and the load generator all compete for the same two cores, so what these figures show is the cost of routing (CPU per call, latency), not the capacity of N machines. On separate machines each instance would bring its own cores; the relay's cost per call is the figure that carries over.`,
    '',
  ];
  for (const transport of ['streamable', 'sse'] as const) {
    const runs = results.runs.filter((r) => r.transport === transport);
    if (runs.length === 0) continue;
    lines.push(`### ${LABEL[transport]}`, '', ...rows(runs), '');
    const [one, three] = [1, 3].map((n) => runs.find((r) => r.instances === n));
    const median = (run: ScalingRun | undefined, pick: (w: ScalingWindow) => number) =>
      run === undefined ? undefined : of(run, pick)?.median;
    const total = (w: ScalingWindow) => perCall(w, w.cpu.instances + w.cpu.proxy + w.cpu.redis);
    const rate = (w: ScalingWindow) => w.callsPerSecond;
    const [r1, r3, c1, c3] = [
      median(one, rate),
      median(three, rate),
      median(one, total),
      median(three, total),
    ];
    if (r1 !== undefined && r3 !== undefined && c1 !== undefined && c3 !== undefined) {
      lines.push(
        `3 instances against 1: ${format(r3 / r1)}× the calls/s, ${format(c3 / c1)}× the CPU per call (instances + proxy + redis-server).`,
        '',
      );
    }
  }
  lines.push(END);
  return lines.join('\n');
}

/** Writes `benchmarks-scaling.json` and puts the section into `benchmarks.md` in `dir`; returns the paths. */
export async function writeScalingReport(results: ScalingResults, dir: string): Promise<string[]> {
  const md = join(dir, 'benchmarks.md');
  const json = join(dir, 'benchmarks-scaling.json');
  const section = renderSection(results);
  const current = await readFile(md, 'utf8').catch(() => '# Benchmarks\n');
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start !== -1 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  await writeFile(md, next);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  return [md, json];
}
