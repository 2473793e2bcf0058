// Turns raw results into docs/benchmarks.md: the goals and a chart per figure first, then the targets
// with their versions, the method, and the detail tables; keeps the raw JSON and the charts beside it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildCharts, type ChartFile } from './charts.ts';
import { windowsOf } from './figures.ts';
import { judgeGoals, renderGoals } from './goals.ts';
import { renderTables } from './report-tables.ts';
import type { BenchResults, TargetResult } from './results.ts';
import { summarize } from './stats.ts';
import { drawBarChart } from './svg-chart.ts';
import { WIRE_NAMES } from './targets.ts';

/** Hand-written or separately generated parts of the report, kept from the previous file by their markers. */
type KeptBlock = 'findings' | 'scaling';

function keptBlock(previous: string, name: KeptBlock): string[] {
  const start = previous.indexOf(`<!-- bench:${name}:start -->`);
  const endMarker = `<!-- bench:${name}:end -->`;
  const end = previous.indexOf(endMarker, start);
  return start === -1 || end === -1 ? [] : [previous.slice(start, end + endMarker.length), ''];
}

const image = (charts: readonly ChartFile[], path: string): string[] => {
  const chart = charts.find((c) => c.path === path);
  return chart === undefined ? [] : [`![${chart.chart.title}](${path})`, ''];
};

function figures(charts: readonly ChartFile[]): string[] {
  const section = (title: string, text: string, paths: string[]) => {
    const images = paths.flatMap((p) => image(charts, p));
    return images.length === 0 ? [] : [`### ${title}`, '', text, '', ...images];
  };
  return [
    '## Figures',
    '',
    'Blue: mcp-live. Grey: the hand-written floor of the wire. Amber: peers. Every figure is a median; the tables at the end give the ranges and the ratios.',
    '',
    ...section(
      'Server CPU time per `tools/call`',
      'User + system time of the server process per completed call, at S sessions × F calls in flight.',
      ['images/bench-cpu-sse.svg', 'images/bench-cpu-streamable.svg', 'images/bench-cpu-2026.svg'],
    ),
    ...section(
      'p99 latency per `tools/call`',
      'Under load, latency follows CPU per call: the server core is saturated.',
      ['images/bench-p99-sse.svg', 'images/bench-p99-streamable.svg', 'images/bench-p99-2026.svg'],
    ),
    ...section(
      'Idle memory per session and per listen stream',
      'RSS growth after a forced GC, divided by the sessions (or 2026 `subscriptions/listen` streams) held.',
      ['images/bench-memory-sse.svg', 'images/bench-memory-streamable.svg', 'images/bench-memory-listen.svg'],
    ),
    ...section(
      'Fan-out',
      'From the call (`broadcast`, or `touch`, which calls `resourceUpdated`) until every stream has the notification.',
      ['images/bench-fanout-sse.svg', 'images/bench-fanout-streamable.svg', 'images/bench-fanout-listen.svg'],
    ),
    ...section(
      '2026 input round trip',
      'A tool that asks through `ctx.elicit` answers `input_required`; the retry carries the answer (and the sealed `requestState`) and gets the result.',
      ['images/bench-input.svg'],
    ),
  ];
}

/** What a reader of the targets table should know about the peers this run measured. */
function notesOnPeers(targets: readonly TargetResult[]): string[] {
  const has = (prefix: string) => targets.some((r) => r.spec.id.startsWith(prefix));
  return [
    ...(has('fastmcp')
      ? [
          '- fastmcp speaks no 2026-07-28 (its README says so): on the 2026 wire the official SDK v2 is the only peer.',
          "- Installing fastmcp 4.20.16 on Node 20 prints one `EBADENGINE` warning: its dependency `mcp-proxy` 6.7 depends on `pipenet` (Node ≥ 22), which only mcp-proxy's command-line tunnel loads; fastmcp's server never does, and runs here.",
        ]
      : []),
    ...(has('sdk2-2026') || has('mcp-live')
      ? [
          "- Every target keeps its documented defaults except the caps that would end a scale run early: mcp-live's `maxSessions` and `maxSubscriptions` (10,000 each) and the SDK v2 `createMcpHandler`'s `maxSubscriptions` (1,024) are raised above the largest level.",
        ]
      : []),
  ];
}

function targetsSection(report: BenchResults): string[] {
  const { packages, mcpLive } = report.versions;
  const version = (r: TargetResult) =>
    r.spec.role === 'mcp-live'
      ? `mcp-live ${mcpLive}`
      : r.spec.packages.length === 0
        ? '—'
        : r.spec.packages.map((p) => `\`${p}\` ${packages[p] ?? '?'}`).join(', ');
  const missing = report.targets.filter((r) => r.status !== 'ok');
  return [
    '## Targets',
    '',
    'Each in its own process with `--expose-gc`, serving `echo`, `broadcast` (a `notifications/message` to every session), and on the 2026 wire `confirm` (an input round) and `touch` (`resourceUpdated("bench://live")`), each set up as its own docs show. Versions are read from each package at run time.',
    '',
    '| target | wire | versions | setup |',
    '| --- | --- | --- | --- |',
    ...report.targets.map(
      (r) => `| ${r.spec.label} | ${WIRE_NAMES[r.spec.transport]} | ${version(r)} | ${r.spec.setup} |`,
    ),
    '',
    ...(missing.length === 0
      ? []
      : [
          'Not measured in this run:',
          '',
          ...missing.map(
            (r) =>
              `- ${r.spec.label}: ${r.status === 'unavailable' ? 'not available' : 'failed to start'}: ${r.reason}`,
          ),
          '',
        ]),
    ...notesOnPeers(report.targets),
    '',
  ];
}

function method(report: BenchResults): string[] {
  const { plan } = report;
  const t = plan.throughput;
  const levels = (Object.entries(plan.scale.levels) as Array<[keyof typeof WIRE_NAMES, number[]]>)
    .map(([wire, ls]) => `${WIRE_NAMES[wire]} ${ls.map((n) => n.toLocaleString('en-US')).join(', ')}`)
    .join('; ');
  const limit = report.openFileLimit;
  return [
    '## Method',
    '',
    `- **Calls**: S sessions (2026: clients) × F echo calls in flight each. In each of ${plan.throughputRepeats} round(s), every target runs in a fresh process warmed up for ${plan.processWarmupMs} ms; then, configuration by configuration, every target holds its sessions open and the targets take turns: one window of ${t.windowMs} ms each, after ${t.warmupMs} ms of load, ${t.windows} turns, the order rotating from turn to turn. A target's windows and those of the floor or peer it is compared with are thus seconds apart, and the host's noise falls on both alike. Server CPU per call is the target's user + system time (\`/proc/<pid>/stat\`) over a window, divided by the calls completed in it. On a virtual machine the host may take CPU time from it (steal, in \`/proc/stat\`), and each wake-up then costs the guest several times as much; a window in which it took more than ${(t.maxStealShare * 100).toFixed(0)}% is measured again (up to ${t.windows} more per configuration), and the figures read the undisturbed windows when there are any.`,
    `- **Idle streams**: sessions (HTTP+SSE, Streamable HTTP with its GET stream) or 2026 listen streams opened ${plan.scale.concurrency} at a time up to ${levels}; at each level the target reports its memory after a forced GC against its own baseline, then ${plan.scale.fanouts} notifications are timed until every stream has them. ${plan.scaleRepeats} process(es) per target.${limit === undefined ? '' : ` Each process may hold ${limit.toLocaleString('en-US')} open files here (\`ulimit -n\`), so a level above about ${(limit - 200).toLocaleString('en-US')} sessions is held at that.`}`,
    `- **Machine**: the load generator and the target are pinned to a core each where \`taskset\` exists; everything runs over loopback. The load generator writes requests on raw keep-alive sockets (\`bench/client/http-pool.ts\`) and answers the servers' pings.`,
    '',
  ];
}

function render(report: BenchResults, charts: readonly ChartFile[], previous: string): string {
  const { machine, plan, targets } = report;
  const configs = plan.configs.map((c) => `${c.sessions}x${c.inflight}`);
  const goals = judgeGoals(targets, configs);
  const pressure = summarize(
    targets.flatMap((r) =>
      Object.keys(r.throughput).flatMap((k) => windowsOf(r, k).map((w) => w.cpuPressure)),
    ),
  );
  const shared =
    pressure !== undefined && pressure.median > 0.2
      ? [
          `> **The machine was shared during this run**: in the median window some task waited for a CPU ${(pressure.median * 100).toFixed(0)}% of the time (${(pressure.min * 100).toFixed(0)}–${(pressure.max * 100).toFixed(0)}%). Calls/s, latency and fan-out are understated; CPU per call and memory are the figures to compare.`,
          '',
        ]
      : [];
  const notes = targets.flatMap((r) => r.notes.map((note) => `- ${r.spec.label}: ${note}`));
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# Benchmarks',
    '',
    'mcp-live against a hand-written floor per wire and every peer on the same wire, in one run on one machine: the official SDK 1.x, the official SDK v2 and fastmcp.',
    '',
    plan.mode === 'quick'
      ? '> **Quick run** (`npm run bench:quick`): one repeat, short windows, small levels. Indicative only; `npm run bench` is the full run.'
      : '> Full run (`npm run bench`).',
    '',
    ...shared,
    `${report.date.slice(0, 10)} · ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB · Node ${machine.node} · ${report.pinning} · ${report.durationSeconds.toFixed(0)} s · load average ${load(report.loadAverage.start)} at the start, ${load(report.loadAverage.end)} at the end`,
    '',
    ...renderGoals(
      goals,
      charts.some((c) => c.path === 'images/bench-goals.svg') ? 'images/bench-goals.svg' : undefined,
    ),
    '',
    ...figures(charts),
    ...keptBlock(previous, 'findings'),
    ...targetsSection(report),
    ...method(report),
    '## Tables',
    '',
    'Medians with min–max in parentheses; `× floor` against the floor of the same wire, `× best peer` against the best peer on it (below 1 means less time, memory or CPU than it; more calls or opens per second above 1).',
    '',
    ...renderTables(report),
    '## Failures and notes',
    '',
    ...(notes.length > 0 ? notes : ['- none']),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench            # full run, about 35 minutes on a quiet machine; writes docs/benchmarks.md, .json and docs/images/bench-*.svg',
    'npm run bench:quick      # a few minutes; writes .bench-out/ (add -- --out docs to publish)',
    'npm run bench:quick -- --targets floor-listen,mcp-live-2026 --scenarios scale --levels 500   # a short check',
    "npm run bench:target -- --transport sse --port 8080   # mcp-live's target alone, for your own load",
    'npm run bench:profile -- --targets mcp-live-streamable,floor   # CPU profiles under load, top frames',
    'npm run bench:profile -- --targets floor-json-2026,mcp-live-2026 --no-prof --perf   # the whole process per call with Linux perf: V8 builtins, Node, kernel',
    'npm run bench:heap -- --targets mcp-live-sse,floor   # heap snapshots: what one idle session holds',
    'npm run bench:async -- --wire 2026   # promises, ticks and timers one tools/call makes: steady on a noisy host',
    'npm run bench:scaling    # 1 vs 3 instances sharing a redis-server (needs redis-server)',
    '```',
    '',
    'Raw figures for every window, level and broadcast are in `benchmarks.json` beside this file.',
    '',
    ...keptBlock(previous, 'scaling'),
  ].join('\n');
}

/** Writes `benchmarks.md`, `benchmarks.json` and the charts (`images/bench-*.svg`) into `dir`; returns the paths. */
export async function writeReport(report: BenchResults, dir: string): Promise<string[]> {
  await mkdir(join(dir, 'images'), { recursive: true });
  const md = join(dir, 'benchmarks.md');
  const json = join(dir, 'benchmarks.json');
  const previous = await readFile(md, 'utf8').catch(() => '');
  const charts = buildCharts(
    report,
    judgeGoals(
      report.targets,
      report.plan.configs.map((c) => `${c.sessions}x${c.inflight}`),
    ),
  );
  for (const chart of charts) {
    await mkdir(dirname(join(dir, chart.path)), { recursive: true });
    await writeFile(join(dir, chart.path), drawBarChart(chart.chart));
  }
  await writeFile(md, render(report, charts, previous));
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  return [md, json, `${charts.length} charts in ${join(dir, 'images')}`];
}
