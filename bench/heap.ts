// What one idle session costs in memory, object by object: `npm run bench:heap -- [--targets id,id]
// [--baseline 200] [--sessions 2000] [--top 15] [--keep] [--out .bench-out/heap]`. Each target runs with
// `--heapsnapshot-signal`; after a warm-up it takes a heap snapshot at `--baseline` idle sessions and
// another at `--sessions`, and divides the difference by the sessions between them: self size by
// constructor (objects), by function and line (closures), by V8 category or type (everything else),
// beside the process's own RSS and heapUsed after a forced GC. Snapshots go to `--out` and are deleted
// afterwards unless `--keep` is given (they are tens of MB each).
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSession, SessionOptions } from './client/bench-session.ts';
import { createAgents, destroyAgents } from './client/http.ts';
import { openSessions } from './client/open-sessions.ts';
import { type HeapTotals, perSession, readHeapSnapshot } from './heap-snapshot.ts';
import { type RunningTarget, startTarget } from './spawn-target.ts';
import { sleep } from './stats.ts';
import type { MemoryReport } from './targets/harness.ts';
import { TARGETS, type TargetSpec } from './targets.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const ids = (option('targets') ?? 'mcp-live-sse,mcp-live-streamable,floor,sdk-sse').split(',');
const baseline = Number(option('baseline') ?? 200);
const sessionsCount = Number(option('sessions') ?? 2000);
const top = Number(option('top') ?? 15);
const keep = process.argv.includes('--keep');
const outDir = option('out') ?? '.bench-out/heap';
const OPEN_MS = 60_000;
const SNAPSHOT_MS = 60_000;
const HARD_LIMIT_MS = 10 * 60_000;

if (!(baseline > 0 && sessionsCount > baseline))
  throw new Error(`--sessions (${sessionsCount}) must exceed --baseline (${baseline}), which must be over 0`);
const specs = ids.map((id) => {
  const spec = TARGETS.find((t) => t.id === id);
  if (spec === undefined)
    throw new Error(`unknown target ${id}; one of ${TARGETS.map((t) => t.id).join(', ')}`);
  return spec;
});

const started = performance.now();
const log = (line: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
// Every wait below is bounded; this is the backstop. Targets exit with us (their IPC channel closes).
setTimeout(() => {
  log(`hard limit of ${HARD_LIMIT_MS / 1000} s reached`);
  process.exit(2);
}, HARD_LIMIT_MS).unref();

/** Opens a few sessions and calls through them, so that lazily built state is in the first snapshot too. */
async function warmUp(transport: TargetSpec['transport'], options: SessionOptions): Promise<void> {
  const warm: BenchSession[] = [];
  const opened = await openSessions(warm, 20, 4, transport, options, performance.now() + OPEN_MS, 1);
  if (opened.failure !== undefined) throw new Error(`warm-up: ${opened.failure}`);
  for (let i = 0; i < 20; i++) {
    await Promise.all(
      warm.map((s) => s.call('tools/call', { name: 'echo', arguments: { message: 'warm' } })),
    );
  }
  for (const session of warm) session.close();
  await sleep(500);
}

/**
 * Signals the target to write a snapshot into `dir` and returns its path once it is complete: V8 writes
 * it synchronously on the target's main thread, so once the file exists, a memory round trip (which
 * needs that thread) ends after it; the size is then checked to hold still.
 */
async function snapshot(target: RunningTarget, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(target.pid, 'SIGUSR1');
  const deadline = performance.now() + SNAPSHOT_MS;
  let file: string | undefined;
  while (file === undefined) {
    if (performance.now() > deadline) throw new Error(`no heap snapshot in ${dir} after ${SNAPSHOT_MS} ms`);
    if (target.exited !== undefined) throw new Error(`${target.spec.id} ${target.exited} while snapshotting`);
    file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file === undefined) await sleep(50);
  }
  const path = join(dir, file);
  await target.memory(SNAPSHOT_MS);
  for (let size = -1; ; await sleep(100)) {
    const now = statSync(path).size;
    if (now === size && now > 0) return path;
    if (performance.now() > deadline) throw new Error(`${path} still growing after ${SNAPSHOT_MS} ms`);
    size = now;
  }
}

interface Point {
  sessions: number;
  memory: MemoryReport;
  /** The heap snapshot taken right after `memory`, when asked for. */
  file?: string;
}

/**
 * Opens `--baseline` sessions, then `--sessions`, and reads memory at each, with a snapshot when `dir` is
 * given. Writing a snapshot leaves the target's RSS much larger, so RSS comes from a run without them.
 */
async function measure(spec: TargetSpec, dir: string | undefined): Promise<[Point, Point]> {
  const flags =
    dir === undefined
      ? []
      : [
          '--heapsnapshot-signal=SIGUSR1',
          `--diagnostic-dir=${dir}`,
          // Whole inline source maps, so that closures are placed on their TypeScript line.
          '--heap-snapshot-string-limit=16777216',
        ];
  const start = await startTarget(spec, undefined, 30_000, flags);
  if (!start.ok) throw new Error(`${start.status}: ${start.reason}`);
  const target = start.target;
  const agents = createAgents(target.base, 64);
  const options: SessionOptions = { base: target.base, agents, timeoutMs: 15_000 };
  const sessions: BenchSession[] = [];
  const reach = async (count: number): Promise<Point> => {
    const opened = await openSessions(
      sessions,
      count - sessions.length,
      32,
      spec.transport,
      options,
      performance.now() + OPEN_MS,
    );
    if (opened.failure !== undefined) throw new Error(`opening sessions up to ${count}: ${opened.failure}`);
    await sleep(500);
    const memory = await target.memory();
    log(`${spec.id}: ${count} sessions open (the target counts ${memory.sessions})`);
    if (dir === undefined) return { sessions: count, memory };
    return { sessions: count, memory, file: await snapshot(target, dir) };
  };
  try {
    await warmUp(spec.transport, options);
    const first = await reach(baseline);
    return [first, await reach(sessionsCount)];
  } finally {
    for (const session of sessions) session.close(false);
    destroyAgents(agents);
    await target.stop();
  }
}

const KiB = (bytes: number) => (bytes / 1024).toFixed(2);
const MiB = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function label(type: string, name: string): string {
  return name === '' || name === `(${type})` ? `(${type})` : `${name} (${type})`;
}

type Run = [Point, Point];

/** One figure from both points of a run: before → after, and the difference per session. */
function delta([first, second]: Run, key: 'rss' | 'heapUsed' | 'external'): string {
  const n = second.sessions - first.sessions;
  const grew = (second.memory[key] - first.memory[key]) / n;
  return `${key} ${MiB(first.memory[key])} → ${MiB(second.memory[key])} MiB, ${KiB(grew)} KiB/session`;
}

function report(spec: TargetSpec, plain: Run, snapped: Run, a: HeapTotals, b: HeapTotals): void {
  const [first, second] = snapped;
  const n = second.sessions - first.sessions;
  const counts = (run: Run) => `${run[0].memory.sessions} → ${run[1].memory.sessions}`;
  console.log(`\n=== ${spec.id} (${spec.label}): ${first.sessions} → ${second.sessions} idle sessions`);
  console.log(`sessions the target counts: ${counts(plain)} (run without snapshots), ${counts(snapped)}`);
  console.log(
    `process after GC, run without snapshots: ${delta(plain, 'rss')}; ${delta(plain, 'heapUsed')}; ${delta(plain, 'external')}`,
  );
  console.log(`process after GC, run with snapshots: ${delta(snapped, 'heapUsed')}`);
  console.log(
    `heap snapshot self size: ${MiB(a.bytes)} → ${MiB(b.bytes)} MiB, ${KiB((b.bytes - a.bytes) / n)} KiB/session, ${((b.count - a.count) / n).toFixed(1)} nodes/session`,
  );
  console.log(`${'bytes/session'.padStart(14)}${'objects/session'.padStart(17)}  what`);
  for (const row of perSession(a, b, n).slice(0, top)) {
    console.log(
      `${row.bytes.toFixed(1).padStart(14)}${row.count.toFixed(2).padStart(17)}  ${label(row.type, row.name)}`,
    );
  }
}

let failed = false;
for (const spec of specs) {
  const dir = join(outDir, `${spec.id}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const plain = await measure(spec, undefined);
    const snapped = await measure(spec, dir);
    const [first, second] = snapped as [Required<Point>, Required<Point>];
    log(`${spec.id}: reading snapshots`);
    report(spec, plain, snapped, readHeapSnapshot(first.file), readHeapSnapshot(second.file));
    if (keep) log(`${spec.id}: kept ${first.file} and ${second.file}`);
  } catch (error) {
    failed = true;
    console.log(`\n=== ${spec.id}: failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
log('done');
process.exit(failed ? 1 : 0);
