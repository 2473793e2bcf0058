// `npm run bench:scaling`: the cost of scaling out, under the same load, for 1 instance on one Redis,
// 3 instances on one Redis, and 3 instances on a Redis Cluster (3 primaries, a replica each), every
// instance its own process behind the round-robin proxy. Per configuration: echo calls (calls/s,
// latency, CPU per call of the instances, the proxy and every Redis node, read from INFO CPU), then
// broadcasts to sessions and 2026-07-28 listen streams spread over the instances (time until every
// receiver has one, CPU per broadcast). Writes the "1 vs 3 instances" section of docs/benchmarks.md and
// docs/benchmarks-scaling.json.
//
// Options: --quick (short windows and fewer receivers, writes to .bench-out/), --out DIR,
// --transports streamable,sse, --configs one,three,cluster, --sessions S --inflight F (echo load,
// default 10 × 10), --fanout-sessions N --fanout-listens L --broadcasts B (default 300, 30, 40),
// --redis URL (an existing local Redis for the one-Redis runs instead of a fresh one).
import { loadavg } from 'node:os';
import { createClient } from 'redis';
import { type RedisClusterServer, startRedisCluster } from '../../test/stores/redis-cluster.ts';
import { findRedisBinary, startRedisServer } from '../../test/stores/redis-server.ts';
import { describeMachine } from '../machine.ts';
import { canReadProcStat } from '../proc-stat.ts';
import { type RunningTarget, startTarget } from '../spawn-target.ts';
import { sleep } from '../stats.ts';
import type { TargetSpec } from '../targets.ts';
import { type FanOutPlan, measureFanOut } from './fan-out.ts';
import { cpuMeter, measure, type WindowPlan } from './measure.ts';
import { openRedisCPU } from './redis-cpu.ts';
import { type RedisKind, type ScalingResults, type ScalingRun, writeScalingReport } from './report.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

interface Config {
  id: 'one' | 'three' | 'cluster';
  instances: number;
  redis: RedisKind;
}

const CONFIGS: Config[] = [
  { id: 'one', instances: 1, redis: 'one' },
  { id: 'three', instances: 3, redis: 'one' },
  { id: 'cluster', instances: 3, redis: 'cluster' },
];

const quick = process.argv.includes('--quick');
const outDir = option('out') ?? (quick ? '.bench-out' : 'docs');
const transports = (option('transports') ?? 'streamable,sse').split(',') as Array<'sse' | 'streamable'>;
const chosen = (option('configs') ?? 'one,three,cluster').split(',');
const configs = CONFIGS.filter((c) => chosen.includes(c.id));
const load = { sessions: Number(option('sessions') ?? 10), inflight: Number(option('inflight') ?? 10) };
const plan: WindowPlan = quick
  ? { warmupMs: 1_500, windowMs: 1_000, windows: 3, timeoutMs: 10_000 }
  : { warmupMs: 4_000, windowMs: 3_000, windows: 5, timeoutMs: 15_000 };
const fanPlan: FanOutPlan = {
  sessions: Number(option('fanout-sessions') ?? (quick ? 60 : 300)),
  listens: Number(option('fanout-listens') ?? (quick ? 9 : 30)),
  broadcasts: Number(option('broadcasts') ?? (quick ? 10 : 40)),
  timeoutMs: plan.timeoutMs,
};

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
if (configs.length !== chosen.length) {
  console.error(`bench:scaling: --configs takes one, three and/or cluster (got ${option('configs')})`);
  process.exit(2);
}

const running: RunningTarget[] = [];
async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((t) => t.stop()));
}

const needsOne = configs.some((c) => c.redis === 'one');
const ownRedis = needsOne && option('redis') === undefined ? await startRedisServer() : undefined;
const redisUrl = option('redis') ?? ownRedis?.url;
let cluster: RedisClusterServer | undefined;
async function cleanUp(): Promise<void> {
  await stopAll();
  await ownRedis?.close();
  await cluster?.close();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}
if (configs.some((c) => c.redis === 'cluster')) {
  const [server, cli] = [findRedisBinary('redis-server'), findRedisBinary('redis-cli')];
  if (server === undefined || cli === undefined) {
    await cleanUp();
    console.error(
      'bench:scaling: the cluster runs need redis-server and redis-cli (apt-get install redis-server)',
    );
    process.exit(1);
  }
  log('starting a Redis Cluster: 3 primaries, a replica each');
  cluster = await startRedisCluster(server, cli);
}

/** Every node's URL, and the primaries' (what FLUSHALL must reach). */
async function nodesOf(kind: RedisKind): Promise<{ all: string[]; primaries: string[] }> {
  if (kind === 'one') return { all: [redisUrl!], primaries: [redisUrl!] };
  const primaries = (await cluster!.topology()).filter((n) => n.role === 'primary' && n.slots.length > 0);
  return { all: cluster!.urls, primaries: primaries.map((n) => `redis://127.0.0.1:${n.port}`) };
}

async function flush(urls: string[]): Promise<void> {
  for (const url of urls) {
    const client = createClient({ url });
    client.on('error', () => {});
    await client.connect();
    await client.sendCommand(['FLUSHALL']);
    client.destroy();
  }
}

/** What a process started here is to the main bench's report: nothing (it is not one of its targets). */
const UNLISTED = { role: 'mcp-live', scenarios: [], packages: [], setup: '' } as const;

async function start(spec: TargetSpec): Promise<RunningTarget> {
  const result = await startTarget(spec, undefined);
  if (!result.ok) throw new Error(`${spec.id} did not start: ${result.reason}`);
  running.push(result.target);
  return result.target;
}

async function runOne(transport: 'sse' | 'streamable', config: Config): Promise<ScalingRun> {
  const nodes = await nodesOf(config.redis);
  await flush(nodes.primaries);
  const where =
    config.redis === 'one' ? ['--redis', redisUrl!] : ['--redis-cluster', cluster!.urls.join(',')];
  const instances: RunningTarget[] = [];
  for (let i = 1; i <= config.instances; i++) {
    instances.push(
      await start({
        id: `instance-${i}`,
        label: `mcp-live ${transport} instance ${i}`,
        transport,
        script: 'bench/targets/mcp-live.ts',
        args: ['--transport', transport, ...where],
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
    `${transport}, ${config.instances} instance(s) on ${config.redis === 'one' ? 'one Redis' : 'a Redis Cluster'}: pids ${instances.map((i) => i.pid).join(' ')}, proxy ${proxy.pid}`,
  );
  const redisCPU = await openRedisCPU(nodes.all);
  const meter = cpuMeter({
    instances: instances.map((i) => i.pid),
    proxy: proxy.pid,
    redis: () => redisCPU.read(),
  });
  try {
    // What Redis burns with nothing to do (cron, cluster bus, replication pings), to tell from the load.
    const before = await meter.read();
    const t0 = performance.now();
    await sleep(plan.windowMs);
    const idle = { ...meter.minus(await meter.read(), before), seconds: (performance.now() - t0) / 1000 };
    const measured = await measure(proxy.base, transport, load, plan, meter);
    const rate = measured.windows.map((w) => Math.round(w.callsPerSecond)).join(' ');
    log(
      `  calls/s per window: ${rate || '-'}${measured.failure === undefined ? '' : `; ${measured.failure}`}`,
    );
    const fanOut = await measureFanOut(proxy.base, transport, fanPlan, meter);
    log(
      `  ${fanOut.broadcasts} broadcasts to ${fanOut.sessions} sessions + ${fanOut.listens} listens: every receiver after ${fanOut.completeP50.toFixed(1)} ms (p50)${fanOut.failure === undefined ? '' : `; ${fanOut.failure}`}`,
    );
    return { transport, instances: config.instances, redis: config.redis, idle, ...measured, fanOut };
  } finally {
    await redisCPU.close();
    await stopAll();
  }
}

const runs: ScalingRun[] = [];
try {
  for (const transport of transports) {
    for (const config of configs) runs.push(await runOne(transport, config));
  }
} finally {
  await cleanUp();
}

const results: ScalingResults = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  load,
  plan,
  fanOutPlan: fanPlan,
  mode: quick ? 'quick' : 'full',
  loadAverage: { start: loadAtStart, end: loadavg() },
  runs,
};
const written = await writeScalingReport(results, outDir);
log(`wrote ${written.join(' and ')}`);
