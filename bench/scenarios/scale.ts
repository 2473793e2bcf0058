// Many idle sessions (or, on the 2026 wire, listen streams): how fast they open, what each costs in
// memory once the target has collected its garbage, and how long one notification takes to reach every
// one of them: a broadcast to sessions, `resourceUpdated` to listen streams.
import type { BenchSession } from '../client/bench-session.ts';
import { createAgents, destroyAgents } from '../client/http.ts';
import { openSessions, type TransportKind } from '../client/open-sessions.ts';
import { LIVE_URI } from '../client/stateless-session.ts';
import { readCPUSeconds, readOpenFileLimit } from '../proc-stat.ts';
import type { RunningTarget } from '../spawn-target.ts';
import { sleep } from '../stats.ts';
import type { MemoryReport } from '../targets/harness.ts';

export interface ScalePlan {
  /** Sessions (listen streams on the 2026 wire) to hold, level by level, per wire. */
  levels: Record<TransportKind, number[]>;
  concurrency: number;
  fanouts: number;
  settleMs: number;
  timeoutMs: number;
  /** The longest one level's opening may take. */
  rampMs: number;
}

export interface LevelResult {
  sessions: number;
  /** The level the plan asked for, when the open-file limit held this one lower. */
  requested?: number;
  /** Sessions opened per second on the way to this level (stream, initialize, initialized). */
  openPerSecond: number;
  cpuMicrosPerOpen: number;
  rssBytesPerSession: number;
  heapBytesPerSession: number;
  targetSessions: number;
  /** Milliseconds from sending `broadcast` until every session's stream had the notification. */
  fanoutMs: number[];
}

export interface ScaleRun {
  baseline?: MemoryReport;
  levels: LevelResult[];
  failure?: string;
}

const asError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const POOLED = 64;
/** Files a process holds besides its sessions' sockets: stdio, IPC, epoll, the listening socket, the pool. */
const FILES_BESIDES_SESSIONS = POOLED + 136;

/**
 * The levels a process can hold: each session holds one socket in the target and one here, and neither
 * process may open more files than the limit they share (`ulimit -n`).
 */
export function reachableLevels(
  levels: readonly number[],
  fileLimit: number | undefined,
): Array<{ sessions: number; requested?: number }> {
  const most = fileLimit === undefined ? Number.POSITIVE_INFINITY : fileLimit - FILES_BESIDES_SESSIONS;
  const out: Array<{ sessions: number; requested?: number }> = [];
  for (const level of levels) {
    if (level <= most) out.push({ sessions: level });
    else if (most > (out.at(-1)?.sessions ?? 0)) out.push({ sessions: most, requested: level });
  }
  return out;
}

export async function runScale(target: RunningTarget, plan: ScalePlan): Promise<ScaleRun> {
  const run: ScaleRun = { levels: [] };
  const agents = createAgents(target.base, POOLED);
  const options = { base: target.base, agents, timeoutMs: plan.timeoutMs };
  const sessions: BenchSession[] = [];
  try {
    await warmUp(target, options);
    run.baseline = await target.memory();
    for (const { sessions: level, requested } of reachableLevels(
      plan.levels[target.spec.transport],
      readOpenFileLimit(),
    )) {
      const failure = await reach(target, sessions, level, plan, options, run, requested);
      if (failure !== undefined) {
        run.failure = `failed at ${sessions.length} sessions on the way to ${level}: ${failure}`;
        break;
      }
    }
  } catch (error) {
    run.failure = `failed at ${sessions.length} sessions: ${asError(error)}`;
  } finally {
    for (const session of sessions) session.close(false);
    destroyAgents(agents);
  }
  return run;
}

async function warmUp(target: RunningTarget, options: Parameters<typeof openSessions>[4]): Promise<void> {
  const warm: BenchSession[] = [];
  const opened = await openSessions(
    warm,
    20,
    4,
    target.spec.transport,
    options,
    performance.now() + 30_000,
    1,
  );
  if (opened.failure !== undefined) throw new Error(`warm-up: ${opened.failure}`);
  for (let i = 0; i < 20; i++) {
    await Promise.all(
      warm.map((s) => s.call('tools/call', { name: 'echo', arguments: { message: 'warm' } })),
    );
  }
  await fanout(warm, target.spec.transport, 'warm-up', options.timeoutMs);
  for (const session of warm) session.close();
  await sleep(500);
}

async function reach(
  target: RunningTarget,
  sessions: BenchSession[],
  level: number,
  plan: ScalePlan,
  options: Parameters<typeof openSessions>[4],
  run: ScaleRun,
  requested: number | undefined,
): Promise<string | undefined> {
  const before = sessions.length;
  const cpu0 = readCPUSeconds(target.pid);
  const opened = await openSessions(
    sessions,
    level - before,
    plan.concurrency,
    target.spec.transport,
    options,
    performance.now() + plan.rampMs,
  );
  const cpu1 = readCPUSeconds(target.pid);
  if (opened.failure !== undefined) return opened.failure;
  await sleep(plan.settleMs);
  const memory = await target.memory();
  const baseline = run.baseline as MemoryReport;
  const result: LevelResult = {
    sessions: level,
    ...(requested !== undefined && { requested }),
    openPerSecond: (opened.opened / opened.elapsedMs) * 1000,
    cpuMicrosPerOpen: ((cpu1 - cpu0) / opened.opened) * 1e6,
    rssBytesPerSession: (memory.rss - baseline.rss) / level,
    heapBytesPerSession: (memory.heapUsed - baseline.heapUsed) / level,
    targetSessions: memory.sessions,
    fanoutMs: [],
  };
  run.levels.push(result);
  for (let i = 0; i < plan.fanouts; i++) {
    try {
      result.fanoutMs.push(
        await fanout(sessions, target.spec.transport, `fanout-${level}-${i}`, plan.timeoutMs),
      );
    } catch (error) {
      return `broadcast to ${level}: ${asError(error)}`;
    }
    await sleep(100);
  }
  return target.exited === undefined ? undefined : `${target.spec.id} ${target.exited}`;
}

/** What reaches every session: a broadcast `token`, or on the 2026 wire an update of `LIVE_URI`. */
function notificationFor(transport: TransportKind, token: string) {
  if (transport === 'stateless') {
    return {
      call: { name: 'touch', arguments: { uri: LIVE_URI } },
      // One round at a time, each waited for: every update of the URI that arrives now is this round's.
      matches: (method: string, params: unknown) =>
        method === 'notifications/resources/updated' &&
        (params as { uri?: unknown } | undefined)?.uri === LIVE_URI,
    };
  }
  return {
    call: { name: 'broadcast', arguments: { message: token } },
    matches: (method: string, params: unknown) =>
      method === 'notifications/message' && (params as { data?: unknown } | undefined)?.data === token,
  };
}

/** Sends the notification from the first session and times until every session has received it. */
async function fanout(
  sessions: BenchSession[],
  transport: TransportKind,
  token: string,
  timeoutMs: number,
): Promise<number> {
  const expected = sessions.length;
  const { call: request, matches } = notificationFor(transport, token);
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const onNotification = (method: string, params: unknown) => {
    if (matches(method, params) && ++received === expected) done();
  };
  for (const session of sessions) session.onNotification = onNotification;
  const started = performance.now();
  const call = (sessions[0] as BenchSession).call('tools/call', request);
  call.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([all, late]);
  clearTimeout(timer);
  const elapsed = performance.now() - started;
  for (const session of sessions) session.onNotification = undefined;
  if (received < expected)
    throw new Error(`${received} of ${expected} sessions had the notification after ${timeoutMs} ms`);
  const result = (await call) as { content?: Array<{ text?: string }> } | undefined;
  const text = result?.content?.[0]?.text ?? '';
  if (!/^sent\b/.test(text)) throw new Error(`broadcast answered ${JSON.stringify(text)}`);
  return elapsed;
}
