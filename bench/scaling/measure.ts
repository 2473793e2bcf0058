// Drives S sessions × F echo calls in flight through the proxy and measures, per window, calls/s,
// latency and the CPU time of every process that serves them: the instances (summed) and the proxy from
// /proc/<pid>/stat, Redis from INFO CPU of every node (one Redis, or every node of a cluster), and the
// load generator itself.
import type { BenchSession } from '../client/bench-session.ts';
import { createAgents, destroyAgents } from '../client/http.ts';
import { openSessions, type TransportKind } from '../client/open-sessions.ts';
import { readCPUSeconds } from '../proc-stat.ts';
import { LatencyRecorder, percentile, sleep } from '../stats.ts';

export interface Load {
  sessions: number;
  inflight: number;
}

export interface WindowPlan {
  warmupMs: number;
  windowMs: number;
  windows: number;
  timeoutMs: number;
}

/** The processes whose CPU time is measured, and how to read Redis's. */
export interface Processes {
  instances: number[];
  proxy: number;
  /** CPU seconds every Redis node has used so far (INFO CPU, summed), and the replicas' part of it. */
  redis: () => Promise<{ total: number; replicas: number; commands: number }>;
}

/** CPU seconds (user + system) in a window, by process group; `redis` is every Redis node's. */
export interface CPUSeconds {
  instances: number;
  proxy: number;
  redis: number;
  /** The part of `redis` that replicas used (0 with one Redis). */
  redisReplicas: number;
  /** Commands the Redis primaries processed (not CPU: a count, subtracted the same way). */
  redisCommands: number;
  loadGenerator: number;
}

/** Reads the CPU time of the processes that serve the load, to subtract two readings. */
export interface CPUMeter {
  read(): Promise<CPUSeconds>;
  minus(a: CPUSeconds, b: CPUSeconds): CPUSeconds;
}

export function cpuMeter(processes: Processes): CPUMeter {
  return {
    async read() {
      const redis = await processes.redis();
      return {
        instances: processes.instances.reduce((sum, pid) => sum + readCPUSeconds(pid), 0),
        proxy: readCPUSeconds(processes.proxy),
        redis: redis.total,
        redisReplicas: redis.replicas,
        redisCommands: redis.commands,
        loadGenerator: readCPUSeconds(process.pid),
      };
    },
    minus: (a, b) => ({
      instances: a.instances - b.instances,
      proxy: a.proxy - b.proxy,
      redis: a.redis - b.redis,
      redisReplicas: a.redisReplicas - b.redisReplicas,
      redisCommands: a.redisCommands - b.redisCommands,
      loadGenerator: a.loadGenerator - b.loadGenerator,
    }),
  };
}

export interface ScalingWindow {
  seconds: number;
  calls: number;
  errors: number;
  callsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  cpu: CPUSeconds;
}

export interface Measured {
  windows: ScalingWindow[];
  failure?: string;
}

const MESSAGE = 'hello';
const ECHO = { name: 'echo', arguments: { message: MESSAGE } };

/** Opens the sessions at `base` (the proxy), drives echo calls, and measures `plan.windows` windows. */
export async function measure(
  base: URL,
  transport: TransportKind,
  load: Load,
  plan: WindowPlan,
  meter: CPUMeter,
): Promise<Measured> {
  const result: Measured = { windows: [] };
  const agents = createAgents(base, Math.min(512, load.sessions * load.inflight + 8));
  const options = { base, agents, timeoutMs: plan.timeoutMs, notificationStream: false };
  const sessions: BenchSession[] = [];
  const deadline = performance.now() + plan.timeoutMs * 3;
  const opened = await openSessions(sessions, load.sessions, 8, transport, options, deadline);
  if (opened.failure !== undefined) {
    result.failure = `could not open ${load.sessions} sessions: ${opened.failure}`;
  } else {
    await drive(sessions, load, plan, meter, result);
  }
  for (const session of sessions) session.close();
  await sleep(200);
  destroyAgents(agents);
  return result;
}

async function drive(
  sessions: BenchSession[],
  load: Load,
  plan: WindowPlan,
  meter: CPUMeter,
  result: Measured,
): Promise<void> {
  let recorder = new LatencyRecorder(1024);
  let stop = false;
  const loop = async (session: BenchSession) => {
    while (!stop) {
      const started = performance.now();
      const current = recorder;
      try {
        const reply = (await session.call('tools/call', ECHO)) as
          | { content?: Array<{ text?: string }> }
          | undefined;
        if (reply?.content?.[0]?.text === MESSAGE) current.record(performance.now() - started);
        else current.errors++;
      } catch (error) {
        current.errors++;
        if (current.errors > 100) {
          result.failure ??= `more than 100 failed calls in a window (last: ${(error as Error).message})`;
          stop = true;
        }
      }
    }
  };
  const loops = sessions.flatMap((session) => Array.from({ length: load.inflight }, () => loop(session)));

  await sleep(plan.warmupMs);
  for (let w = 0; w < plan.windows && !stop; w++) {
    const window = new LatencyRecorder(1_000_000);
    recorder = window;
    let before: CPUSeconds;
    let after: CPUSeconds;
    const t0 = performance.now();
    try {
      before = await meter.read();
      await sleep(plan.windowMs);
      after = await meter.read();
    } catch (error) {
      result.failure = `a measured process is gone: ${(error as Error).message}`;
      break;
    }
    const seconds = (performance.now() - t0) / 1000;
    recorder = new LatencyRecorder(1024);
    const sorted = window.sorted();
    result.windows.push({
      seconds,
      calls: window.count,
      errors: window.errors,
      callsPerSecond: window.count / seconds,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      cpu: meter.minus(after, before),
    });
  }
  stop = true;
  await Promise.all(loops);
}
