// What `perf record -e cpu-clock` says a target spent per call, where V8's own profiler cannot look:
// its builtins and runtime (property lookups that miss V8's caches, map lookups, JSON), Node's C++,
// libc and the kernel, beside the JavaScript V8 compiled (named through `--perf-basic-prof`).
// `npm run bench:profile -- --perf` records one and reads it with `perf report`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { attachTool } from './attached-tool.ts';

export interface PerfSummary {
  /** CPU time the samples stand for, in ns (cpu-clock counts nanoseconds). */
  nanoseconds: number;
  /** Nanoseconds by object file (`node`, `[kernel.kallsyms]`, `[JIT]` for compiled JavaScript), largest first. */
  objects: Array<[string, number]>;
  /** Nanoseconds by symbol (`object symbol`), largest first. */
  symbols: Array<[string, number]>;
}

// `    1.64%  node               [.] Builtins_KeyedLoadIC_Megamorphic`: the object file may hold spaces
// (`[JIT] tid 4242`), so the line is read around the `[.]` (user) or `[k]` (kernel) marker.
const ROW = /^\s*([\d.]+)%\s+(.+?)\s+\[[.k]\]\s+(.*?)\s*$/;
const EVENTS = /^# Event count \(approx\.\): (\d+)/m;

/** `perf record` of `pid` into `file` until `stop`; `--perf-basic-prof` in the target names its JIT code. */
export function recordPerf(pid: number, file: string): { stop(): Promise<void> } {
  const perf = attachTool(
    'perf',
    ['record', '-e', 'cpu-clock', '-F', '4999', '-p', String(pid), '-o', file],
    2000,
  );
  return {
    async stop() {
      const err = await perf.stop();
      // perf exits non-zero when interrupted, as it is here: what counts is that it wrote its file.
      if (!existsSync(file)) throw new Error(`perf record failed: ${err}`);
    },
  };
}

/** `perf report` of `file`, in the form `summarizePerf` reads. */
export function readPerfReport(file: string): string {
  const args = ['report', '-i', file, '--stdio', '--no-children', '--sort', 'dso,sym', '-g', 'none'];
  const run = spawnSync('perf', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`perf report failed: ${run.stderr}`);
  return run.stdout;
}

/** Reads `perf report --stdio --no-children --sort dso,sym -g none` output. */
export function summarizePerf(text: string, root = process.cwd()): PerfSummary {
  const events = EVENTS.exec(text);
  if (events === null) throw new Error('perf report printed no event count: was anything recorded?');
  const nanoseconds = Number(events[1]);
  const objects = new Map<string, number>();
  const symbols = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ns: number) => map.set(key, (map.get(key) ?? 0) + ns);
  for (const line of text.split('\n')) {
    const row = ROW.exec(line);
    if (row === null) continue;
    const ns = (Number(row[1]) / 100) * nanoseconds;
    // One thread id per JIT map: all of them are the target's compiled JavaScript.
    const object = row[2]!.startsWith('[JIT]') ? '[JIT]' : row[2]!;
    add(objects, object, ns);
    add(symbols, `${object} ${shorten(row[3]!, root)}`, ns);
  }
  const largest = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { nanoseconds, objects: largest(objects), symbols: largest(symbols) };
}

/** `JS:*get file:///app/dist/x.js:39:8` as `JS:*get dist/x.js:39:8`. */
function shorten(symbol: string, root: string): string {
  return symbol.replace(/file:\/\/(\/\S+)/, (_match, path: string) => relative(root, path));
}

/** The summary in µs per call: the total, every object file, and the `top` symbols. */
export function formatPerf(summary: PerfSummary, calls: number, top: number): string {
  const perCall = (ns: number) => `${microsPerCall(ns, calls).toFixed(2).padStart(7)} µs/call`;
  const lines = [`sampled: ${perCall(summary.nanoseconds).trim()} (cpu-clock, profiler overhead included)`];
  lines.push('', 'by object file');
  for (const [object, ns] of summary.objects) lines.push(`  ${perCall(ns)}  ${object}`);
  lines.push('', 'by symbol');
  for (const [symbol, ns] of summary.symbols.slice(0, top)) lines.push(`  ${perCall(ns)}  ${symbol}`);
  return lines.join('\n');
}

/** One target's summary and the calls it stands for, for `formatPerfComparison`. */
export interface PerfRun {
  id: string;
  summary: PerfSummary;
  calls: number;
}

/**
 * `run` against `base` in µs per call: every object file, then the `top` symbols whose cost differs
 * the most, in either direction. Where one call's difference lies when no single function shows it.
 */
export function formatPerfComparison(base: PerfRun, run: PerfRun, top: number): string {
  const perCall = (entries: Array<[string, number]>, calls: number) =>
    new Map(entries.map(([key, ns]) => [key, microsPerCall(ns, calls)]));
  const rows = (a: Map<string, number>, b: Map<string, number>) =>
    [...new Set([...a.keys(), ...b.keys()])].map((key): [string, number, number] => [
      key,
      a.get(key) ?? 0,
      b.get(key) ?? 0,
    ]);
  const line = ([key, a, b]: [string, number, number]) =>
    `  ${a.toFixed(2).padStart(7)} ${b.toFixed(2).padStart(7)} ${signed(b - a)}  ${key}`;
  const total = (r: PerfRun) => microsPerCall(r.summary.nanoseconds, r.calls);
  const lines = [
    `${run.id} against ${base.id}: ${total(run).toFixed(2)} against ${total(base).toFixed(2)} µs per call (${signed(total(run) - total(base))})`,
    '',
    `by object file (${base.id}, ${run.id}, difference)`,
  ];
  const objects = rows(perCall(base.summary.objects, base.calls), perCall(run.summary.objects, run.calls));
  for (const row of objects.sort((x, y) => y[2] - y[1] - (x[2] - x[1]))) lines.push(line(row));
  lines.push('', `by symbol, the ${top} largest differences`);
  const symbols = rows(perCall(base.summary.symbols, base.calls), perCall(run.summary.symbols, run.calls));
  symbols.sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1]));
  for (const row of symbols.slice(0, top)) lines.push(line(row));
  return lines.join('\n');
}

function microsPerCall(nanoseconds: number, calls: number): number {
  return nanoseconds / calls / 1000;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
}
