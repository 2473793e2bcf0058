// Profiles targets under echo load: `node --import tsx bench/profile.ts [--targets id,id] [--sessions 10]
// [--inflight 10] [--seconds 8] [--top 30] [--out .bench-out/profiles] [--node-flags "..."]`, or summarises a saved profile:
// `node --import tsx bench/profile.ts --from file.cpuprofile`. Each target runs with `node --cpu-prof`
// on its own core; the summary covers only the measured window (not start-up or warm-up), as self and
// inclusive time per function and self time per file, in µs per call. `--no-prof` only measures
// /proc CPU per call (quicker to compare changes than `npm run bench:quick`, and without its noise).
// `--alloc` also samples what the target allocates in the window (freed objects included), per call.
// `--perf` records the target with Linux `perf` (cpu-clock) over the window and prints µs per call by
// object file and symbol: V8's builtins and runtime, Node's C++, libc and the kernel, which V8's
// profiler does not see (use with `--no-prof`); with several targets, each is compared with the first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type AllocationProfile, formatAllocations, summarizeAllocations } from './alloc-report.ts';
import { type AttachedTool, attachTool } from './attached-tool.ts';
import type { BenchSession } from './client/bench-session.ts';
import { createAgents, destroyAgents } from './client/http.ts';
import { openSessions } from './client/open-sessions.ts';
import {
  formatPerf,
  formatPerfComparison,
  type PerfRun,
  readPerfReport,
  recordPerf,
  summarizePerf,
} from './perf-report.ts';
import { readCPUSeconds, readSteal, stealShare } from './proc-stat.ts';
import { buildIfNeeded, hasTaskset, startTarget } from './spawn-target.ts';
import { sleep } from './stats.ts';
import { TARGETS } from './targets.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CPUProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A window of the profile, in ms from its start. */
interface Window {
  fromMs: number;
  toMs: number;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const ROOT = process.cwd();

function frameKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  const file = frame.url.startsWith('file://') ? relative(ROOT, frame.url.slice(7)) : frame.url;
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

function fileKey(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const file = frame.url.startsWith('file://') ? relative(ROOT, frame.url.slice(7)) : frame.url;
  const modules = file.indexOf('node_modules/');
  return modules === -1 ? file : file.slice(modules);
}

/** Self and inclusive time per function, and self time per file, over the samples inside `window`. */
export function summarize(
  profile: CPUProfile,
  window: Window | undefined,
): {
  totalMs: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
  files: Map<string, number>;
} {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let at = 0;
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const t = at / 1000;
    if (window !== undefined && (t < window.fromMs || t > window.toMs)) continue;
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)') continue;
    totalMs += ms;
    add(self, frameKey(node.callFrame), ms);
    add(files, fileKey(node.callFrame), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const key = frameKey(byId.get(id)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, ms);
    }
  }
  return { totalMs, self, inclusive, files };
}

function report(profile: CPUProfile, window: Window | undefined, calls: number | undefined, top: number) {
  const { totalMs, self, inclusive, files } = summarize(profile, window);
  const per = (ms: number) =>
    calls === undefined ? `${ms.toFixed(0)} ms` : `${((ms * 1000) / calls).toFixed(1)} µs/call`;
  const table = (title: string, map: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
    for (const [key, ms] of rows) {
      console.log(`${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${per(ms).padStart(14)}  ${key}`);
    }
  };
  console.log(
    `busy (not idle) samples: ${totalMs.toFixed(0)} ms${calls === undefined ? '' : `, ${calls} calls, ${per(totalMs)}`}`,
  );
  table('self time by file', files, 20);
  table('self time by function', self, top);
  table('inclusive time by function', inclusive, top);
}

async function largestProfile(dir: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length >= 2 || (files.length === 1 && i > 20)) {
      const sized = files.map((f) => ({ f, size: statSync(join(dir, f)).size }));
      sized.sort((a, b) => b.size - a.size);
      return join(dir, sized[0]!.f);
    }
    await sleep(100);
  }
  throw new Error(`no profile written in ${dir}`);
}

const top = Number(option('top') ?? 30);
const from = option('from');
if (from !== undefined) {
  report(JSON.parse(readFileSync(from, 'utf8')) as CPUProfile, undefined, undefined, top);
  process.exit(0);
}

const ids = (option('targets') ?? 'mcp-live-sse,mcp-live-streamable').split(',');
const sessionsCount = Number(option('sessions') ?? 10);
const inflight = Number(option('inflight') ?? 10);
const seconds = Number(option('seconds') ?? 8);
const outDir = option('out') ?? '.bench-out/profiles';
const profiling = !process.argv.includes('--no-prof');
// `--syscalls`: counts the target's system calls in the window with `strace -c` (slows it: use with
// `--no-prof`, and read the counts per call, not the CPU).
const counting = process.argv.includes('--syscalls');
// `--alloc`: V8's sampling heap profiler in the target over the window (it slows the target: read the
// bytes per call, not the CPU).
const allocating = process.argv.includes('--alloc');
const recording = process.argv.includes('--perf');
if (recording && spawnSync('perf', ['--version']).status !== 0) {
  throw new Error('--perf needs Linux perf on the PATH (Debian: apt-get install linux-perf)');
}

function countSyscalls(pid: number): AttachedTool {
  return attachTool('strace', ['-c', '-f', '-p', String(pid)]);
}

/** strace's table, as calls per `tools/call`. */
function printSyscalls(table: string, calls: number): void {
  const rows: Array<[string, number]> = [];
  for (const line of table.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const name = cols.at(-1);
    // % time, seconds, usecs/call, calls, [errors,] syscall
    if (cols.length >= 5 && /^\d/.test(cols[0]!) && name !== 'total') rows.push([name!, Number(cols[3])]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  console.log(`system calls per call: ${rows.map(([n, c]) => `${n} ${(c / calls).toFixed(2)}`).join(', ')}`);
}
mkdirSync(outDir, { recursive: true });
/** Every target's perf summary, compared with the first's at the end. */
const perfRuns: PerfRun[] = [];
const pinned = hasTaskset && spawnSync('taskset', ['-a', '-pc', '0', String(process.pid)]).status === 0;

for (const id of ids) {
  const spec = TARGETS.find((t) => t.id === id);
  if (spec === undefined)
    throw new Error(`unknown target ${id}; one of ${TARGETS.map((t) => t.id).join(', ')}`);
  // tsx's loader runs in a worker thread that writes a profile of its own: one folder per run, the
  // main thread's profile is the largest file in it.
  const dir = join(outDir, `${id}-${sessionsCount}x${inflight}`);
  if (profiling || allocating || recording) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const flags = profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  // V8 logs code events for --perf-basic-prof too, in the working directory unless told where.
  if (recording) flags.push('--perf-basic-prof', `--logfile=${join(dir, 'v8.log')}`);
  // `--node-flags "--no-turbo-inlining"` shows the self time of functions V8 would inline into others.
  flags.push(...(option('node-flags')?.split(' ').filter(Boolean) ?? []));
  // Before the clock starts: the profile's window is timed from the spawn.
  buildIfNeeded(spec);
  const spawned = performance.now();
  const start = await startTarget(spec, pinned ? 1 : undefined, 30_000, flags);
  if (!start.ok) {
    console.log(`${id}: ${start.status}: ${start.reason}`);
    continue;
  }
  const target = start.target;
  const agents = createAgents(target.base, Math.min(512, sessionsCount * inflight + 8));
  const options = { base: target.base, agents, timeoutMs: 15_000, notificationStream: false };
  const sessions: BenchSession[] = [];
  const opened = await openSessions(sessions, sessionsCount, 16, spec.transport, options, Infinity);
  if (opened.failure !== undefined) throw new Error(`${id}: ${opened.failure}`);
  let stop = false;
  let calls = 0;
  const echo = { name: 'echo', arguments: { message: 'hello' } };
  const loop = async (session: BenchSession) => {
    while (!stop) {
      await session.call('tools/call', echo);
      calls++;
    }
  };
  const loops = sessions.flatMap((s) => Array.from({ length: inflight }, () => loop(s)));
  await sleep(3000);
  if (allocating) await target.startAllocations();
  const calls0 = calls;
  const cpu0 = readCPUSeconds(target.pid);
  const steal0 = readSteal();
  const fromMs = performance.now() - spawned;
  const syscalls = counting ? countSyscalls(target.pid) : undefined;
  const perfData = join(dir, 'perf.data');
  const perf = recording ? recordPerf(target.pid, perfData) : undefined;
  await sleep(seconds * 1000);
  const counted = await syscalls?.stop();
  await perf?.stop();
  const toMs = performance.now() - spawned;
  const cpu1 = readCPUSeconds(target.pid);
  const steal1 = readSteal();
  const stolen = stealShare(steal0, steal1, seconds);
  const steal = Number.isNaN(stolen) ? '' : `, steal ${(stolen * 100).toFixed(1)}%`;
  const windowCalls = calls - calls0;
  const allocations = join(dir, 'allocations.heapprofile');
  if (allocating) await target.stopAllocations(allocations);
  stop = true;
  await Promise.all(loops);
  for (const session of sessions) session.close();
  await sleep(100);
  destroyAgents(agents);
  await target.stop();
  console.log(
    `\n=== ${id} ${sessionsCount}×${inflight}: ${windowCalls} calls in ${seconds} s (${(windowCalls / seconds).toFixed(0)}/s), /proc CPU ${(((cpu1 - cpu0) / windowCalls) * 1e6).toFixed(1)} µs/call${steal}${profiling ? ' (profiler overhead included)' : ''}`,
  );
  if (counted !== undefined) printSyscalls(counted, windowCalls);
  if (recording) {
    const summary = summarizePerf(readPerfReport(perfData));
    perfRuns.push({ id, summary, calls: windowCalls });
    console.log(`${perfData}\n${formatPerf(summary, windowCalls, top)}`);
    // The JIT symbol map Node wrote for perf (it grows with the process's life).
    rmSync(`/tmp/perf-${target.pid}.map`, { force: true });
  }
  if (allocating) {
    const profile = JSON.parse(readFileSync(allocations, 'utf8')) as AllocationProfile;
    console.log(`${allocations}\n${formatAllocations(summarizeAllocations(profile), windowCalls, top)}`);
  }
  if (!profiling) continue;
  const file = await largestProfile(dir);
  console.log(file);
  // The profile's clock starts a little after the spawn: the window is widened by nothing, only clipped.
  report(JSON.parse(readFileSync(file, 'utf8')) as CPUProfile, { fromMs, toMs }, windowCalls, top);
}

// With two targets or more, each against the first: where their difference per call lies.
for (const run of perfRuns.slice(1)) console.log(`\n=== ${formatPerfComparison(perfRuns[0]!, run, top)}`);
