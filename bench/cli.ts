// The bench runner: `npm run bench` (full, about 35 minutes, needs the machine to itself) or
// `npm run bench:quick` (a few minutes). Options:
//   --quick                 short windows, one repeat, 1,000 sessions
//   --out DIR               docs/ for full runs, .bench-out/ for quick ones (charts go to DIR/images)
//   --targets id,id         a subset of bench/targets.ts
//   --scenarios a,b         throughput, input, scale (default: all)
//   --levels N,N            the scale levels of every wire, for a short validation (e.g. --levels 500)
//   --from FILE             re-render a report from raw JSON without measuring
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { describeMachine } from './machine.ts';
import { type BenchPlan, PLANS, withLevels } from './plan.ts';
import { canReadProcStat, readOpenFileLimit } from './proc-stat.ts';
import { writeReport } from './report.ts';
import type { BenchResults, TargetResult } from './results.ts';
import { runScale } from './scenarios/scale.ts';
import {
  configKey,
  echoCall,
  inputRound,
  Load,
  type Operation,
  type ThroughputConfig,
  type ThroughputRun,
} from './scenarios/throughput.ts';
import { hasTaskset, measuredVersion, type RunningTarget, startTarget } from './spawn-target.ts';
import { type Scenario, TARGETS } from './targets.ts';
import { ownVersion, packageVersions } from './versions.ts';

const LOADGEN_CPU = 0;
const TARGET_CPU = 1;
const SCENARIOS: readonly Scenario[] = ['throughput', 'input', 'scale'];

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const from = option('from');
if (from !== undefined) {
  const saved = JSON.parse(readFileSync(from, 'utf8')) as BenchResults;
  console.error(`wrote ${(await writeReport(saved, option('out') ?? 'docs')).join(', ')}`);
  process.exit(0);
}

let plan: BenchPlan = PLANS[process.argv.includes('--quick') ? 'quick' : 'full'];
const levels = option('levels')?.split(',').map(Number);
if (levels !== undefined) {
  if (levels.some((n) => !Number.isInteger(n) || n < 1)) fail(`--levels takes counts such as 500,2000`);
  plan = withLevels(plan, levels);
}
const scenarios = (option('scenarios')?.split(',') ?? [...SCENARIOS]) as Scenario[];
const unknownScenario = scenarios.find((s) => !SCENARIOS.includes(s));
if (unknownScenario !== undefined)
  fail(`unknown scenario ${unknownScenario}; one of ${SCENARIOS.join(', ')}`);
const only = option('targets')?.split(',');
const unknownTarget = only?.find((id) => !TARGETS.some((t) => t.id === id));
if (unknownTarget !== undefined)
  fail(`unknown target ${unknownTarget}; one of ${TARGETS.map((t) => t.id).join(', ')}`);
const outDir = option('out') ?? (plan.mode === 'quick' ? '.bench-out' : 'docs');

const specs = TARGETS.filter((t) => only === undefined || only.includes(t.id));
const started = performance.now();
const loadAtStart = loadavg();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const log = (line: string) => console.error(`[${elapsed()}] ${line}`);
const overBudget = () => performance.now() - started > plan.budgetMs;

if (!canReadProcStat())
  fail('/proc/<pid>/stat is not readable here; server CPU time cannot be measured (Linux only)');
const pinned =
  hasTaskset && spawnSync('taskset', ['-a', '-pc', String(LOADGEN_CPU), String(process.pid)]).status === 0;
const pinning = pinned
  ? `load generator on CPU ${LOADGEN_CPU}, each target on CPU ${TARGET_CPU} (taskset)`
  : 'not pinned (no taskset)';

// Every phase is bounded on its own; this is the backstop should one not be. Targets exit with us (IPC).
const HARD_LIMIT_MS = plan.budgetMs + 150_000;
const watchdog = setTimeout(() => {
  log(`hard limit of ${HARD_LIMIT_MS / 1000} s reached; writing what was measured`);
  void writeReport(build(), outDir).finally(() => process.exit(2));
}, HARD_LIMIT_MS);

const results: TargetResult[] = specs.map((spec) => ({
  spec,
  status: 'ok',
  throughput: {},
  input: [],
  scale: [],
  notes: [],
}));

/** Starts a target; records why and resolves `undefined` when it cannot start. */
async function startRunning(result: TargetResult): Promise<RunningTarget | undefined> {
  const start = await startTarget(result.spec, pinned ? TARGET_CPU : undefined);
  if (start.ok) return start.target;
  result.status = start.status;
  result.reason = start.reason;
  log(`${result.spec.id}: ${start.status}: ${start.reason}`);
  return undefined;
}

/** Starts a target, runs `body`, and stops it; records why when the target cannot start. */
async function withTarget(
  result: TargetResult,
  body: (target: RunningTarget) => Promise<void>,
): Promise<void> {
  const target = await startRunning(result);
  if (target === undefined) return;
  try {
    await body(target);
  } finally {
    await target.stop();
  }
}

const runs = (result: TargetResult, scenario: Scenario) =>
  result.status === 'ok' && scenarios.includes(scenario) && result.spec.scenarios.includes(scenario);

function logWindow(id: string, key: string, repeat: number, run: ThroughputRun) {
  const w = run.windows.at(-1);
  log(
    `${id} ${key} #${repeat}: ${w ? `${w.callsPerSecond.toFixed(0)}/s, ${w.cpuMicrosPerCall.toFixed(1)} µs CPU each, p99 ${w.p99.toFixed(2)} ms` : 'no window'}${run.failure ? ` (${run.failure})` : ''}`,
  );
}

/** One load the throughput phase measures on every target that runs its scenario. */
interface Turn {
  scenario: 'throughput' | 'input';
  config: ThroughputConfig;
  operation: Operation;
  label: string;
  record(result: TargetResult, run: ThroughputRun): void;
}

const turns: Turn[] = [
  ...plan.configs.map(
    (config): Turn => ({
      scenario: 'throughput',
      config,
      operation: echoCall,
      label: configKey(config),
      record: (result, run) => {
        const key = configKey(config);
        result.throughput[key] = [...(result.throughput[key] ?? []), run];
      },
    }),
  ),
  {
    scenario: 'input',
    config: plan.inputConfig,
    operation: inputRound,
    label: `input ${configKey(plan.inputConfig)}`,
    record: (result, run) => result.input.push(run),
  },
];

// Each round starts every target once and keeps them all running; for each load, every target's
// sessions stay open and the targets take turns, one window each, so that the windows of a target and
// of the floor or peer it is compared with are seconds apart. The order rotates from window to window.
for (let repeat = 1; repeat <= plan.throughputRepeats; repeat++) {
  const round = results.filter((r) => runs(r, 'throughput') || runs(r, 'input'));
  if (round.length === 0) break;
  if (overBudget()) {
    for (const result of round) result.notes.push(`throughput repeat ${repeat} skipped: time budget spent`);
    continue;
  }
  const running = new Map<TargetResult, RunningTarget>();
  try {
    for (const result of round) {
      const target = await startRunning(result);
      if (target === undefined) continue;
      running.set(result, target);
      const warm = await Load.open(target, { sessions: 10, inflight: 10 }, plan.throughput);
      await warm.measure(plan.processWarmupMs, 0);
      await warm.close();
    }
    for (const turn of turns) {
      const loads: Array<{ result: TargetResult; load: Load }> = [];
      for (const [result, target] of running) {
        if (!runs(result, turn.scenario)) continue;
        loads.push({ result, load: await Load.open(target, turn.config, plan.throughput, turn.operation) });
      }
      for (let w = 0; w < plan.throughput.windows; w++) {
        for (let i = 0; i < loads.length; i++) {
          const { result, load } = loads[(i + w) % loads.length] as (typeof loads)[number];
          if (!load.usable) continue;
          await load.measure();
          logWindow(result.spec.id, turn.label, repeat, load.run);
        }
      }
      for (const { result, load } of loads) {
        await load.close();
        turn.record(result, load.run);
        if (load.run.failure !== undefined)
          result.notes.push(`${turn.label} repeat ${repeat}: ${load.run.failure}`);
      }
    }
  } finally {
    for (const target of running.values()) await target.stop();
  }
}

for (let repeat = 1; repeat <= plan.scaleRepeats; repeat++) {
  for (const result of results.filter((r) => runs(r, 'scale'))) {
    if (overBudget()) {
      result.notes.push(`scale repeat ${repeat} skipped: time budget spent`);
      continue;
    }
    await withTarget(result, async (target) => {
      const run = await runScale(target, plan.scale);
      result.scale.push(run);
      for (const level of run.levels) {
        const held = level.requested === undefined ? '' : ` (asked for ${level.requested})`;
        log(
          `${result.spec.id} ${level.sessions}${held} #${repeat}: ${level.openPerSecond.toFixed(0)} opens/s, ${(level.rssBytesPerSession / 1024).toFixed(1)} KiB RSS each, fan-out ${level.fanoutMs.map((ms) => ms.toFixed(1)).join('/')} ms`,
        );
      }
      if (run.failure !== undefined) {
        log(`${result.spec.id} scale #${repeat}: ${run.failure}`);
        result.notes.push(`scale repeat ${repeat}: ${run.failure}`);
      }
    });
  }
}

function build(): BenchResults {
  const limit = readOpenFileLimit();
  return {
    date: new Date().toISOString(),
    mode: plan.mode,
    machine: describeMachine(),
    pinning,
    loadAverage: { start: loadAtStart, end: loadavg() },
    plan,
    scenarios,
    versions: {
      mcpLive: measuredVersion() ?? ownVersion(),
      packages: packageVersions(new Set(specs.flatMap((s) => s.packages))),
    },
    ...(limit !== undefined && { openFileLimit: limit }),
    durationSeconds: (performance.now() - started) / 1000,
    targets: results,
  };
}
clearTimeout(watchdog);
const written = await writeReport(build(), outDir);
log(`wrote ${written.join(', ')}`);
