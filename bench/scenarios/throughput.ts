// Calls/s, latency percentiles and server CPU per call for S sessions with F echo calls in flight each.
import type { BenchSession } from '../client/bench-session.ts';
import { createAgents, destroyAgents } from '../client/http.ts';
import { openSessions } from '../client/open-sessions.ts';
import { readCPUSeconds, readCPUStallMicros, readSteal, stealShare } from '../proc-stat.ts';
import type { RunningTarget } from '../spawn-target.ts';
import { LatencyRecorder, percentile, sleep } from '../stats.ts';

export interface ThroughputConfig {
  sessions: number;
  inflight: number;
}

export interface ThroughputPlan {
  warmupMs: number;
  windowMs: number;
  windows: number;
  timeoutMs: number;
  /**
   * A window in which the hypervisor took more than this share of the machine's CPU time (steal) is
   * kept but marked disturbed, and another is measured in its place, up to `windows` more.
   */
  maxStealShare: number;
}

export interface WindowResult {
  calls: number;
  errors: number;
  callsPerSecond: number;
  /** Server CPU time (user + system) per completed call, in microseconds. */
  cpuMicrosPerCall: number;
  /** Share of one core the server used during the window. */
  serverCPUShare: number;
  /** Share of one core the load generator used; near 1 means calls/s were bounded by the client, not the server. */
  clientCPUShare: number;
  /** Share of the window in which some task on the machine waited for a CPU (PSI); NaN where unknown. */
  cpuPressure: number;
  /** Share of the machine's CPU time the hypervisor took during the window (steal); NaN where unknown. */
  stealShare: number;
  /** More than `maxStealShare` was stolen: the figures use the other windows when there are any. */
  disturbed?: true;
  p50: number;
  p90: number;
  p99: number;
}

export interface ThroughputRun {
  config: ThroughputConfig;
  windows: WindowResult[];
  failure?: string;
}

/** One unit of load: resolves true when the target answered it right. */
export type Operation = (session: BenchSession) => Promise<boolean>;

const MESSAGE = 'hello';
const ECHO = { name: 'echo', arguments: { message: MESSAGE } };
const textOf = (result: unknown) =>
  (result as { content?: Array<{ text?: string }> } | undefined)?.content?.[0]?.text;

/** One `tools/call` of `echo`. */
export const echoCall: Operation = async (session) =>
  textOf(await session.call('tools/call', ECHO)) === MESSAGE;

const CONFIRM = { name: 'confirm', arguments: { message: MESSAGE } };
const ACCEPT = { confirm: { action: 'accept', content: { ok: true } } };

/**
 * A 2026-07-28 input round trip: `confirm` asks through `ctx.elicit` and ends with `input_required`; the
 * retry carries the answer (and the `requestState` it got, when one came) and gets the tool's result.
 */
export const inputRound: Operation = async (session) => {
  const first = (await session.call('tools/call', CONFIRM)) as
    | { resultType?: string; requestState?: unknown; inputRequests?: Record<string, unknown> }
    | undefined;
  if (first?.resultType !== 'input_required' || first.inputRequests?.confirm === undefined) return false;
  const retry = {
    ...CONFIRM,
    inputResponses: ACCEPT,
    ...(first.requestState !== undefined && { requestState: first.requestState }),
  };
  return textOf(await session.call('tools/call', retry)) === `confirmed ${MESSAGE}`;
};
const SAMPLES_PER_WINDOW = 2_000_000;
const MAX_CALLS_PER_LOOP = 10_000_000;

export const configKey = (c: ThroughputConfig): string => `${c.sessions}x${c.inflight}`;

/** Drives `operation` (echo calls, by default) from S sessions with F in flight each; windows as `plan` says. */
export async function runThroughput(
  target: RunningTarget,
  config: ThroughputConfig,
  plan: ThroughputPlan,
  operation: Operation = echoCall,
): Promise<ThroughputRun> {
  const run: ThroughputRun = { config, windows: [] };
  const agents = createAgents(target.base, Math.min(512, config.sessions * config.inflight + 8));
  const options = { base: target.base, agents, timeoutMs: plan.timeoutMs, notificationStream: false };
  const sessions: BenchSession[] = [];
  const phaseEnd = performance.now() + plan.timeoutMs * 3 + plan.warmupMs + plan.windowMs * plan.windows;
  const opened = await openSessions(sessions, config.sessions, 16, target.spec.transport, options, phaseEnd);
  if (opened.failure !== undefined) {
    run.failure = `could not open ${config.sessions} sessions: ${opened.failure}`;
  } else {
    try {
      await agents.pool.warm(config.sessions * config.inflight, plan.timeoutMs);
      await drive(target, sessions, config, plan, run, operation);
    } catch (error) {
      run.failure = `could not open ${config.sessions * config.inflight} connections: ${(error as Error).message}`;
    }
  }
  for (const session of sessions) session.close();
  await sleep(100);
  destroyAgents(agents);
  return run;
}

async function drive(
  target: RunningTarget,
  sessions: BenchSession[],
  config: ThroughputConfig,
  plan: ThroughputPlan,
  run: ThroughputRun,
  operation: Operation,
): Promise<void> {
  let recorder = new LatencyRecorder(1024);
  let stop = false;
  const loop = async (session: BenchSession) => {
    for (let calls = 0; !stop && calls < MAX_CALLS_PER_LOOP; calls++) {
      const started = performance.now();
      const current = recorder;
      try {
        if (await operation(session)) recorder.record(performance.now() - started);
        else current.errors++;
      } catch (error) {
        current.errors++;
        if (current.errors > 100) {
          run.failure ??= `more than 100 failed calls in a window (last: ${(error as Error).message})`;
          stop = true;
        }
      }
    }
  };
  const loops = sessions.flatMap((session) => Array.from({ length: config.inflight }, () => loop(session)));

  await sleep(plan.warmupMs);
  let retakes = 0;
  for (let w = 0; w < plan.windows && !stop; w++) {
    const window = new LatencyRecorder(SAMPLES_PER_WINDOW);
    recorder = window;
    const cpu0 = readCPUSeconds(target.pid);
    const own0 = readCPUSeconds(process.pid);
    const stall0 = readCPUStallMicros();
    const steal0 = readSteal();
    const t0 = performance.now();
    await sleep(plan.windowMs);
    const cpu1 = readCPUSeconds(target.pid);
    const own1 = readCPUSeconds(process.pid);
    const stall1 = readCPUStallMicros();
    const steal1 = readSteal();
    const seconds = (performance.now() - t0) / 1000;
    recorder = new LatencyRecorder(1024);
    if (target.exited !== undefined) {
      run.failure = `${target.spec.id} ${target.exited}`;
      break;
    }
    const sorted = window.sorted();
    const stolen = stealShare(steal0, steal1, seconds);
    const disturbed = stolen > plan.maxStealShare;
    if (disturbed && retakes < plan.windows) {
      retakes++;
      w--;
    }
    run.windows.push({
      calls: window.count,
      errors: window.errors,
      callsPerSecond: window.count / seconds,
      cpuMicrosPerCall: window.count === 0 ? Number.NaN : ((cpu1 - cpu0) / window.count) * 1e6,
      serverCPUShare: (cpu1 - cpu0) / seconds,
      clientCPUShare: (own1 - own0) / seconds,
      cpuPressure:
        stall0 === undefined || stall1 === undefined ? Number.NaN : (stall1 - stall0) / 1e6 / seconds,
      stealShare: stolen,
      ...(disturbed && { disturbed }),
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
    });
  }
  stop = true;
  await Promise.all(loops);
}
