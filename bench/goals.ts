// The performance targets of issue 6, judged on a run's own figures: the table docs/benchmarks.md
// opens its results with. Medians over windows (and levels, and broadcasts), as the report's tables.
import type { TargetResult } from './results.ts';
import { summarize } from './stats.ts';
import { FLOOR_ID } from './targets.ts';

interface Goal {
  goal: string;
  /** `undefined` when the run did not measure what the goal needs. */
  holds: boolean | undefined;
  figures: string;
}

const KiB = 1024;
const median = (values: number[]) => summarize(values)?.median;
const label = (key: string) => key.replace('x', '×');
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;
const show = (x: number | undefined, digits = 2) => (x === undefined ? 'n/a' : x.toFixed(digits));

function windows(r: TargetResult | undefined, key: string) {
  return (r?.throughput[key] ?? []).flatMap((run) => run.windows);
}

function levels(r: TargetResult | undefined, sessions: number) {
  return (r?.scale ?? []).flatMap((run) => run.levels.filter((l) => l.sessions === sessions));
}

/** CPU per call of `id` over the floor's, at every configuration; holds when none is above `limit`. */
function cpuGoal(results: TargetResult[], id: string, goal: string, limit: number, configs: string[]): Goal {
  const find = (x: string) => results.find((r) => r.spec.id === x && r.status === 'ok');
  const cpu = (x: string, key: string) => median(windows(find(x), key).map((w) => w.cpuMicrosPerCall));
  const ratios = configs.map((key) => ratio(cpu(id, key), cpu(FLOOR_ID, key)));
  const measured = ratios.every((x) => x !== undefined);
  return {
    goal,
    holds: measured ? ratios.every((x) => (x as number) <= limit) : undefined,
    figures: configs.map((key, i) => `${label(key)} ${show(ratios[i])}×`).join(', '),
  };
}

export function renderGoals(results: TargetResult[], configs: string[], levelKeys: number[]): string[] {
  const find = (id: string) => results.find((r) => r.spec.id === id && r.status === 'ok');
  const sse = find('mcp-live-sse');
  const goals: Goal[] = [
    cpuGoal(results, 'mcp-live-sse', "SSE: server CPU per `tools/call` ≤ 1.3× the floor's", 1.3, configs),
    cpuGoal(
      results,
      'mcp-live-streamable',
      "Streamable HTTP: server CPU per `tools/call` ≤ 1.6× the floor's",
      1.6,
      configs,
    ),
  ];

  const rss = levelKeys.map((n) => median(levels(sse, n).map((l) => l.rssBytesPerSession / KiB)));
  // The reference figure (the SDK's 48 KiB) is at 5k sessions: judged from 5k up.
  const judged = levelKeys.flatMap((n, i) => (n >= 5000 && rss[i] !== undefined ? [rss[i] as number] : []));
  goals.push({
    goal: 'Idle memory ≤ 20 KiB per SSE session (RSS after GC, judged at 5k sessions and up)',
    holds: judged.length === 0 ? undefined : judged.every((x) => x <= 20),
    figures: levelKeys.map((n, i) => `${n.toLocaleString('en-US')}: ${show(rss[i], 1)} KiB`).join(', '),
  });

  const top = levels(sse, 10_000);
  const fanout = top.flatMap((l) => l.fanoutMs);
  const fanoutMedian = median(fanout);
  goals.push({
    goal: '10,000 live SSE sessions with keep-alive on one machine; a broadcast reaches all in ≤ 250 ms',
    holds: top.length === 0 || fanoutMedian === undefined ? undefined : fanoutMedian <= 250,
    figures:
      top.length === 0
        ? 'not reached in this run'
        : `held in ${top.length} of ${sse?.scale.length ?? 0} runs; fan-out median ${show(fanoutMedian, 0)} ms (max ${show(Math.max(...fanout), 0)} ms)`,
  });

  const p99 = (id: string) => median(windows(find(id), '100x4').map((w) => w.p99));
  const wires = [
    ['SSE', 'mcp-live-sse', 'sdk-sse'],
    ['Streamable HTTP', 'mcp-live-streamable', 'sdk-streamable'],
  ] as const;
  const latency = wires.map(([name, own, sdk]) => ({ name, own: p99(own), sdk: p99(sdk) }));
  goals.push({
    goal: "p99 latency at 100×4 ≤ 0.5× the SDK's",
    holds: latency.some((l) => ratio(l.own, l.sdk) === undefined)
      ? undefined
      : latency.every((l) => (ratio(l.own, l.sdk) as number) <= 0.5),
    figures: latency
      .map((l) => `${l.name} ${show(l.own, 1)} vs ${show(l.sdk, 1)} ms (${show(ratio(l.own, l.sdk))}×)`)
      .join('; '),
  });

  const verdict = (g: Goal) =>
    g.holds === undefined ? 'not measured' : g.holds ? '**holds**' : '**does not hold**';
  return [
    '## Performance goals (issue 6)',
    '',
    "Judged on this run's medians, with the ratios of the tables below.",
    '',
    '| target | verdict | figures |',
    '| --- | --- | --- |',
    ...goals.map((g) => `| ${g.goal} | ${verdict(g)} | ${g.figures} |`),
  ];
}
