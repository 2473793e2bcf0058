// Renders the "1 vs 3 instances" section of docs/benchmarks.md from the raw results, and writes both:
// the section replaces the one between its markers (or is appended), the raw JSON goes beside it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Machine } from '../machine.ts';
import { type Summary, summarize } from '../stats.ts';
import type { FanOutPlan, FanOutResult } from './fan-out.ts';
import type { CPUSeconds, Load, Measured, ScalingWindow, WindowPlan } from './measure.ts';

/** One Redis, or a Redis Cluster of three primaries with a replica each. */
export type RedisKind = 'one' | 'cluster';

export interface ScalingRun extends Measured {
  transport: 'sse' | 'streamable';
  instances: number;
  redis: RedisKind;
  /** CPU used over a window with no load, before it started. */
  idle?: CPUSeconds & { seconds: number };
  fanOut?: FanOutResult;
}

export interface ScalingResults {
  date: string;
  machine: Machine;
  load: Load;
  plan: WindowPlan;
  fanOutPlan: FanOutPlan;
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
const server = (w: ScalingWindow) => w.cpu.instances + w.cpu.proxy + w.cpu.redis;
/** Redis CPU seconds per second with no load (0 when not measured). */
const idleRedis = (run: ScalingRun) => (run.idle === undefined ? 0 : run.idle.redis / run.idle.seconds);
/** Redis CPU per call once what it burns idle is taken out. */
const netRedis = (run: ScalingRun) => (w: ScalingWindow) =>
  perCall(w, Math.max(0, w.cpu.redis - idleRedis(run) * w.seconds));
const median = (run: ScalingRun | undefined, pick: (w: ScalingWindow) => number) =>
  run === undefined ? undefined : of(run, pick)?.median;

/** "3 instances, one Redis" */
export function configLabel(run: Pick<ScalingRun, 'instances' | 'redis'>): string {
  const instances = run.instances === 1 ? '1 instance' : `${run.instances} instances`;
  return `${instances}, ${run.redis === 'one' ? 'one Redis' : 'Redis Cluster'}`;
}

function rows(runs: ScalingRun[]): string[] {
  const lines = [
    '| configuration | calls/s | p50 / p99 latency (ms) | CPU µs per call: instances | proxy | Redis (every node) | of which replicas | Redis, less its idle CPU | all three | Redis commands per call | Redis µs per command (less idle) | Redis idle (ms CPU per s) | cores busy (instances + proxy + Redis / load generator) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    const label = configLabel(run);
    if (run.windows.length === 0) {
      lines.push(`| ${label} | failed: ${run.failure ?? 'no window measured'} | | | | | | | | | | | |`);
      continue;
    }
    const latency = `${format(of(run, (w) => w.p50)?.median ?? Number.NaN)} / ${format(of(run, (w) => w.p99)?.median ?? Number.NaN)}`;
    const busy = `${format(of(run, (w) => server(w) / w.seconds)?.median ?? Number.NaN)} / ${format(of(run, (w) => w.cpu.loadGenerator / w.seconds)?.median ?? Number.NaN)}`;
    lines.push(
      `| ${label} | ${cell(of(run, (w) => w.callsPerSecond))} | ${latency} | ${cell(of(run, (w) => perCall(w, w.cpu.instances)))} | ${cell(of(run, (w) => perCall(w, w.cpu.proxy)))} | ${cell(of(run, (w) => perCall(w, w.cpu.redis)))} | ${cell(of(run, (w) => perCall(w, w.cpu.redisReplicas)))} | ${cell(of(run, netRedis(run)))} | ${cell(of(run, (w) => perCall(w, server(w))))} | ${cell(of(run, (w) => (w.calls === 0 ? Number.NaN : w.cpu.redisCommands / w.calls)))} | ${cell(of(run, (w) => (w.cpu.redisCommands === 0 ? Number.NaN : (netRedis(run)(w) * w.calls) / w.cpu.redisCommands)))} | ${run.idle === undefined ? 'n/a' : format(idleRedis(run) * 1e3)} | ${busy} |`,
    );
    if (run.failure !== undefined) lines.push(`| | note: ${run.failure} | | | | | | | | | | | |`);
  }
  return lines;
}

function fanOutRows(runs: ScalingRun[]): string[] {
  const lines = [
    '| transport | configuration | receivers (sessions + listens) | every receiver has it (p50 / p99 ms) | one delivery (p50 / p99 ms) | CPU ms per broadcast: instances | proxy | Redis (every node) | Redis commands per broadcast | Redis µs per delivery |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    const f = run.fanOut;
    if (f === undefined) continue;
    const head = `| ${LABEL[run.transport]} | ${configLabel(run)} | ${f.sessions} + ${f.listens}`;
    if (f.broadcasts === 0) {
      lines.push(`${head} | failed: ${f.failure ?? 'no broadcast measured'} | | | | | | |`);
      continue;
    }
    const per = (seconds: number) => format((seconds / f.broadcasts) * 1e3);
    const deliveries = f.broadcasts * (f.sessions + f.listens);
    lines.push(
      `${head} | ${format(f.completeP50)} / ${format(f.completeP99)} | ${format(f.deliveryP50)} / ${format(f.deliveryP99)} | ${per(f.cpu.instances)} | ${per(f.cpu.proxy)} | ${per(f.cpu.redis)} | ${format(f.cpu.redisCommands / f.broadcasts)} | ${format((f.cpu.redis / deliveries) * 1e6)} |`,
    );
    if (f.failure !== undefined) lines.push(`| | note: ${f.failure} | | | | | | | |`);
  }
  return lines;
}

function comparisons(runs: ScalingRun[]): string[] {
  const find = (instances: number, redis: RedisKind) =>
    runs.find((r) => r.instances === instances && r.redis === redis);
  const [one, three, sharded] = [find(1, 'one'), find(3, 'one'), find(3, 'cluster')];
  const total = (w: ScalingWindow) => perCall(w, server(w));
  const redisPerCall = (w: ScalingWindow) => perCall(w, w.cpu.redis);
  const rate = (w: ScalingWindow) => w.callsPerSecond;
  const lines: string[] = [];
  const [r1, r3, rc] = [median(one, rate), median(three, rate), median(sharded, rate)];
  const [c1, c3, cc] = [median(one, total), median(three, total), median(sharded, total)];
  if (r1 !== undefined && r3 !== undefined && c1 !== undefined && c3 !== undefined) {
    lines.push(
      `3 instances on one Redis against 1: ${format(r3 / r1)}× the calls/s, ${format(c3 / c1)}× the CPU per call (instances + proxy + Redis).`,
    );
  }
  const [q3, qc] = [median(three, redisPerCall), median(sharded, redisPerCall)];
  const [n3, nc] = [
    three === undefined ? undefined : median(three, netRedis(three)),
    sharded === undefined ? undefined : median(sharded, netRedis(sharded)),
  ];
  if (r3 !== undefined && rc !== undefined && c3 !== undefined && cc !== undefined) {
    lines.push(
      `3 instances on the Redis Cluster against 3 on one Redis: ${format(rc / r3)}× the calls/s, ${format(cc / c3)}× the CPU per call, Redis CPU per call ${format(qc ?? Number.NaN)} µs against ${format(q3 ?? Number.NaN)} µs (every node, replicas included), ${format(nc ?? Number.NaN)} µs against ${format(n3 ?? Number.NaN)} µs less what Redis burns idle.`,
    );
  }
  return lines.length === 0 ? [] : [...lines, ''];
}

/** The markdown section, markers included. */
export function renderSection(results: ScalingResults): string {
  const { machine, load, plan, fanOutPlan } = results;
  const lines = [
    START,
    '## 1 vs 3 instances, one Redis vs a Redis Cluster',
    '',
    `> \`npm run bench:scaling${results.mode === 'quick' ? ' -- --quick' : ''}\` (bench/scaling/run.ts); raw figures in [benchmarks-scaling.json](benchmarks-scaling.json).${results.mode === 'quick' ? ' **A quick run**: short windows and few receivers, for a check, not for planning.' : ''}`,
    '',
    `- Date: ${results.date.slice(0, 10)} (${results.date})`,
    `- Node: ${machine.node} on ${machine.platform}`,
    `- Machine: ${machine.cpuModel}, **${machine.cores} cores**, ${machine.memoryGiB} GiB memory. Every process below shares these ${machine.cores} cores; nothing is pinned.`,
    `- Load average (1/5/15 min) at start: ${results.loadAverage.start.map((n) => n.toFixed(2)).join(' / ')}; at end: ${results.loadAverage.end.map((n) => n.toFixed(2)).join(' / ')}. Above ~0 means other work shared the cores.`,
    `- Load: ${load.sessions} sessions × ${load.inflight} \`echo\` calls in flight each, the same for every configuration, through the round-robin proxy (\`examples/scaling/round-robin-proxy.ts\`, its own process), which sends each request to the next instance. After ${plan.warmupMs} ms of warm-up, ${plan.windows} windows of ${plan.windowMs} ms; medians with min–max.`,
    '- Instances: `bench/targets/mcp-live.ts --redis URL` or `--redis-cluster URL,…`, each its own process (Redis session store, event store and message bus; HTTP+SSE with a 30 s reconnect grace period, as the live example runs). With 3 instances, a request lands on the instance that holds its session one time in three; the other two are relayed to it over Redis pub/sub and answered through the instance they landed on. The Redis Cluster is six redis-server processes on this machine: 3 primaries, a replica each.',
    '- CPU per call: user + system time over a window, divided by the calls completed in it: the instances (summed) and the proxy from `/proc/<pid>/stat`, Redis from `INFO CPU` of every node (replicas included), then all three together. The load generator (this process) is not included. "Redis idle" is what every node used in one window before the load started (timers, cluster bus, replication pings); "less its idle CPU" takes that out of the per-call figure. Commands are those the primaries processed (`total_commands_processed`), our `INFO` reads included.',
    `- Broadcasts: ${fanOutPlan.sessions} sessions (each with its stream open) and, over Streamable HTTP, ${fanOutPlan.listens} MCP 2026-07-28 listen streams asking for the event (\`dev.mcp-live/events\`), all through the proxy, so spread over the instances; ${fanOutPlan.broadcasts} broadcasts one after another, each started by a \`fanout\` tool call landing on the next instance and timed until every receiver has it. CPU over all of them, per broadcast.`,
    '',
    `On ${machine.cores} cores, three instances (and six redis-servers) cannot be faster than one: they, the proxy and the load generator all compete for the same cores, so what these figures show is the cost of routing (CPU per call, latency), not the capacity of N machines. On separate machines each instance and each Redis node would bring its own cores; the costs per call and per broadcast are the figures that carry over.`,
    '',
  ];
  for (const transport of ['streamable', 'sse'] as const) {
    const runs = results.runs.filter((r) => r.transport === transport);
    if (runs.length === 0) continue;
    lines.push(`### ${LABEL[transport]}: echo calls`, '', ...rows(runs), '', ...comparisons(runs));
  }
  if (results.runs.some((r) => r.fanOut !== undefined)) {
    lines.push('### Broadcasts across instances', '', ...fanOutRows(results.runs), '');
  }
  lines.push(END);
  return lines.join('\n');
}

/** Writes `benchmarks-scaling.json` and puts the section into `benchmarks.md` in `dir`; returns the paths. */
export async function writeScalingReport(results: ScalingResults, dir: string): Promise<string[]> {
  const md = join(dir, 'benchmarks.md');
  const json = join(dir, 'benchmarks-scaling.json');
  await mkdir(dir, { recursive: true });
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
