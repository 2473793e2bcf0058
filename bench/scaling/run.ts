// `npm run bench:scaling`: throughput and CPU per call with 1 and with 3 instances of the mcp-live bench
// target behind the round-robin proxy, sharing one redis-server, under the same load. Writes the
// "1 vs 3 instances" section of docs/benchmarks.md and docs/benchmarks-scaling.json.
//
// Options: --quick (short windows, writes to .bench-out/), --out DIR, --transports streamable,sse,
// --sessions S --inflight F (default 10 × 10), --redis URL (an existing local Redis instead of a fresh one).
import { loadavg } from 'node:os';
import { createClient } from 'redis';
import { startRedisServer } from '../../test/stores/redis-server.ts';
import { describeMachine } from '../machine.ts';
import { canReadProcStat } from '../proc-stat.ts';
import { type RunningTarget, startTarget } from '../spawn-target.ts';
import type { TargetSpec } from '../targets.ts';
import { measure, type WindowPlan } from './measure.ts';
import { type ScalingResults, type ScalingRun, writeScalingReport } from './report.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const quick = process.argv.includes('--quick');
const outDir = option('out') ?? (quick ? '.bench-out' : 'docs');
const transports = (option('transports') ?? 'streamable,sse').split(',') as Array<'sse' | 'streamable'>;
const load = { sessions: Number(option('sessions') ?? 10), inflight: Number(option('inflight') ?? 10) };
const plan: WindowPlan = quick
  ? { warmupMs: 1_500, windowMs: 1_000, windows: 3, timeoutMs: 10_000 }
  : { warmupMs: 4_000, windowMs: 3_000, windows: 5, timeoutMs: 15_000 };
const INSTANCE_COUNTS = [1, 3];

const started = performance.now();
const loadAtStart = loadavg();
const log = (line: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);

if (!canReadProcStat()) {
  console.error(
    'bench:scaling: /proc/<pid>/stat is not readable here; CPU time cannot be measured (Linux only)',
  );
  process.exit(1);
}
if (transports.some((t) => t !== 'sse' && t !== 'streamable')) {
  console.error(`bench:scaling: --transports takes sse and/or streamable (got ${option('transports')})`);
  process.exit(2);
}

const ownRedis = option('redis') === undefined ? await startRedisServer() : undefined;
const redisUrl = option('redis') ?? (ownRedis?.url as string);
const admin = createClient({ url: redisUrl });
admin.on('error', () => {});
await admin.connect();
const info = await admin.sendCommand(['INFO', 'server']);
const redisPid = Number(/process_id:(\d+)/.exec(String(info))?.[1]);

const running: RunningTarget[] = [];
async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((t) => t.stop()));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

/** What a process started here is to the main bench's report: nothing (it is not one of its targets). */
const UNLISTED = { role: 'mcp-live', scenarios: [], packages: [], setup: '' } as const;

async function start(spec: TargetSpec): Promise<RunningTarget> {
  const result = await startTarget(spec, undefined);
  if (!result.ok) throw new Error(`${spec.id} did not start: ${result.reason}`);
  running.push(result.target);
  return result.target;
}

async function runOne(transport: 'sse' | 'streamable', count: number): Promise<ScalingRun> {
  await admin.sendCommand(['FLUSHALL']);
  const instances: RunningTarget[] = [];
  for (let i = 1; i <= count; i++) {
    instances.push(
      await start({
        id: `instance-${i}`,
        label: `mcp-live ${transport} instance ${i}`,
        transport,
        script: 'bench/targets/mcp-live.ts',
        args: ['--transport', transport, '--redis', redisUrl],
        ...UNLISTED,
      }),
    );
  }
  const proxy = await start({
    id: 'proxy',
    label: 'round-robin proxy',
    transport,
    script: 'examples/scaling/round-robin-proxy.ts',
    args: instances.map((i) => i.base.origin),
    ...UNLISTED,
  });
  log(
    `${transport}, ${count} instance(s): pids ${instances.map((i) => i.pid).join(' ')}, proxy ${proxy.pid}`,
  );
  const processes = {
    instances: instances.map((i) => i.pid),
    proxy: proxy.pid,
    redis: Number.isInteger(redisPid) ? redisPid : undefined,
  };
  const measured = await measure(proxy.base, transport, load, plan, processes);
  await stopAll();
  const rate = measured.windows.map((w) => Math.round(w.callsPerSecond)).join(' ');
  log(`  calls/s per window: ${rate || '-'}${measured.failure === undefined ? '' : `; ${measured.failure}`}`);
  return { transport, instances: count, ...measured };
}

const runs: ScalingRun[] = [];
try {
  for (const transport of transports) {
    for (const count of INSTANCE_COUNTS) runs.push(await runOne(transport, count));
  }
} finally {
  await stopAll();
  await admin.close().catch(() => admin.destroy());
  await ownRedis?.close();
}

const results: ScalingResults = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  load,
  plan,
  mode: quick ? 'quick' : 'full',
  loadAverage: { start: loadAtStart, end: loadavg() },
  runs,
};
const written = await writeScalingReport(results, outDir);
log(`wrote ${written.join(' and ')}`);
