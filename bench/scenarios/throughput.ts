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
  /** Load a target gets before each window it measures (its turn), in ms. */
  warmupMs: number;
  windowMs: number;
  /** Windows per target and configuration: the number of turns the targets take. */
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

/**
 * S sessions open on one target, with F loops of `operation` each that run only while a window is
 * measured. Several loads can stay open at once and take turns, so that the windows of targets compared
 * with each other are measured seconds apart instead of minutes (the host's noise then hits them alike).
 */
export class Load {
  readonly target: RunningTarget;
  /** Its configuration (`run.config`), windows and failure. */
  readonly run: ThroughputRun;
  readonly #operation: Operation;
  readonly #plan: ThroughputPlan;
  readonly #agents: ReturnType<typeof createAgents>;
  readonly #sessions: BenchSession[] = [];
  #retakes = 0;

  private constructor(
    target: RunningTarget,
    config: ThroughputConfig,
    plan: ThroughputPlan,
    operation: Operation,
  ) {
    this.target = target;
    this.run = { config, windows: [] };
    this.#operation = operation;
    this.#plan = plan;
    this.#agents = createAgents(target.base, Math.min(512, config.sessions * config.inflight + 8));
  }

  /** Opens the sessions and their connections; `run.failure` says why when that fell short. */
  static async open(
    target: RunningTarget,
    config: ThroughputConfig,
    plan: ThroughputPlan,
    operation: Operation = echoCall,
  ): Promise<Load> {
    const load = new Load(target, config, plan, operation);
    const options = {
      base: target.base,
      agents: load.#agents,
      timeoutMs: plan.timeoutMs,
      notificationStream: false,
    };
    const deadline = performance.now() + plan.timeoutMs * 3;
    const opened = await openSessions(
      load.#sessions,
      config.sessions,
      16,
      target.spec.transport,
      options,
      deadline,
    );
    if (opened.failure !== undefined) {
      load.run.failure = `could not open ${config.sessions} sessions: ${opened.failure}`;
      return load;
    }
    try {
      await load.#agents.pool.warm(config.sessions * config.inflight, plan.timeoutMs);
    } catch (error) {
      load.run.failure = `could not open ${config.sessions * config.inflight} connections: ${(error as Error).message}`;
    }
    return load;
  }

  /** False once the load failed; it measures nothing more. */
  get usable(): boolean {
    return this.run.failure === undefined;
  }

  /**
   * Runs the loops for `warmupMs`, then measures `windows` windows back to back (and one more in place
   * of each the hypervisor disturbed, while the retake allowance of `plan.windows` lasts); the loops stop
   * again before it resolves. With `windows` 0 it only warms the target up.
   */
  async measure(warmupMs = this.#plan.warmupMs, windows = 1): Promise<void> {
    if (!this.usable) return;
    const plan = this.#plan;
    let recorder = new LatencyRecorder(1024);
    let stop = false;
    const loop = async (session: BenchSession) => {
      for (let calls = 0; !stop && calls < MAX_CALLS_PER_LOOP; calls++) {
        const started = performance.now();
        const current = recorder;
        try {
          if (await this.#operation(session)) current.record(performance.now() - started);
          else current.errors++;
        } catch (error) {
          current.errors++;
          if (current.errors > 100) {
            this.run.failure ??= `more than 100 failed calls in a window (last: ${(error as Error).message})`;
            stop = true;
          }
        }
      }
    };
    const loops = this.#sessions.flatMap((session) =>
      Array.from({ length: this.run.config.inflight }, () => loop(session)),
    );
    await sleep(warmupMs);
    let taken = 0;
    while (taken < windows && !stop) {
      const window = new LatencyRecorder(SAMPLES_PER_WINDOW);
      recorder = window;
      const cpu0 = readCPUSeconds(this.target.pid);
      const own0 = readCPUSeconds(process.pid);
      const stall0 = readCPUStallMicros();
      const steal0 = readSteal();
      const t0 = performance.now();
      await sleep(plan.windowMs);
      const cpu1 = readCPUSeconds(this.target.pid);
      const own1 = readCPUSeconds(process.pid);
      const stall1 = readCPUStallMicros();
      const steal1 = readSteal();
      const seconds = (performance.now() - t0) / 1000;
      recorder = new LatencyRecorder(1024);
      if (this.target.exited !== undefined) {
        this.run.failure = `${this.target.spec.id} ${this.target.exited}`;
        break;
      }
      const sorted = window.sorted();
      const stolen = stealShare(steal0, steal1, seconds);
      const disturbed = stolen > plan.maxStealShare;
      if (disturbed && this.#retakes < plan.windows) this.#retakes++;
      else taken++;
      this.run.windows.push({
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

  async close(): Promise<void> {
    for (const session of this.#sessions) session.close();
    await sleep(100);
    destroyAgents(this.#agents);
  }
}
