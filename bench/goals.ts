// The performance goals of issue 18 (and, as a secondary table, issue 12's), judged on one run's own
// ratios: medians over windows, levels and broadcasts, as the report's tables show them.
import type { TransportKind } from './client/open-sessions.ts';
import {
  bestPeer,
  configLabel,
  cpuPerCall,
  fanoutOf,
  finder,
  fmt,
  levelLabel,
  levelsOf,
  p99Of,
  ratio,
  reachedLevels,
  rssPerSession,
} from './figures.ts';
import type { TargetResult } from './results.ts';
import { CALL_FLOOR, STREAM_FLOOR, WIRE_NAMES } from './targets.ts';

export interface Goal {
  goal: string;
  /** A few words for the goals chart. */
  short: string;
  /** `undefined` when the run did not measure what the goal needs. */
  holds: boolean | undefined;
  figures: string;
  /** The worst measured value over its limit (1 is the limit itself); what the goals chart draws. */
  score?: number;
  /** Issue 12's goals, kept as a secondary table. */
  secondary?: boolean;
}

const OWN: Readonly<Record<TransportKind, string>> = {
  sse: 'mcp-live-sse',
  streamable: 'mcp-live-streamable',
  stateless: 'mcp-live-2026',
};
const WIRES: readonly TransportKind[] = ['sse', 'streamable', 'stateless'];
const SHORT_WIRE: Readonly<Record<TransportKind, string>> = {
  sse: 'HTTP+SSE',
  streamable: 'Streamable',
  stateless: '2026',
};

interface Check {
  /** Where it was measured, e.g. `10×10`. */
  label: string;
  value: number | undefined;
  limit: number;
  /** How `value` reads, e.g. `0.93×` or `181 ms`. */
  shown?: string;
}

/** A goal from checks that must all hold; unmeasured when any check has no value. */
function fromChecks(goal: string, short: string, checks: Check[], extra = ''): Goal {
  const measured = checks.length > 0 && checks.every((c) => c.value !== undefined);
  const scores = checks.flatMap((c) => (c.value === undefined ? [] : [c.value / c.limit]));
  const figures = checks
    .map(
      (c) =>
        `${c.label} ${c.value === undefined ? 'n/a' : (c.shown ?? `${c.value.toFixed(2)}×`)} (≤ ${c.limit}${c.shown?.endsWith('ms') ? ' ms' : '×'})`,
    )
    .join(', ');
  return {
    goal,
    short,
    holds: measured ? checks.every((c) => (c.value as number) <= c.limit) : undefined,
    figures: figures + extra,
    ...(scores.length > 0 && { score: Math.max(...scores) }),
  };
}

/** CPU per call of mcp-live on `wire` over the floor `floorId`'s, at each configuration with its limit. */
function floorGoal(
  results: readonly TargetResult[],
  wire: TransportKind,
  floorId: string,
  limits: Record<string, number>,
  goal: string,
  short: string,
): Goal {
  const find = finder(results);
  const checks = Object.entries(limits).map(([key, limit]) => ({
    label: configLabel(key),
    value: ratio(cpuPerCall(find(OWN[wire]), key), cpuPerCall(find(floorId), key)),
    limit,
  }));
  return fromChecks(goal, short, checks);
}

/** CPU per call of mcp-live on `wire` over the best peer's on the same wire, at each configuration. */
function peerGoal(
  results: readonly TargetResult[],
  wire: TransportKind,
  limit: number,
  configs: string[],
): Goal {
  const find = finder(results);
  const checks = configs.map((key) => {
    const best = bestPeer(results, wire, (r) => cpuPerCall(r, key));
    return {
      label: `${configLabel(key)}${best === undefined ? '' : ` vs ${best.result.spec.label}`}`,
      value: ratio(cpuPerCall(find(OWN[wire]), key), best?.value),
      limit,
    };
  });
  return fromChecks(
    `${WIRE_NAMES[wire]}: server CPU per \`tools/call\` ≤ ${limit}× the best peer's on the wire`,
    `${SHORT_WIRE[wire]} CPU per call vs best peer`,
    checks,
  );
}

/** Idle memory per session (or listen stream) of mcp-live over its floor's, from 5,000 up (or the top level). */
function memoryGoal(
  results: readonly TargetResult[],
  wire: TransportKind,
  limit: number,
  what: string,
): Goal {
  const find = finder(results);
  const own = find(OWN[wire]);
  const floor = find(STREAM_FLOOR[wire] ?? '');
  const both = reachedLevels(own).filter((n) => reachedLevels(floor).includes(n));
  const judged = both.filter((n) => n >= 5000);
  const levels = judged.length > 0 ? judged : both.slice(-1);
  const checks = levels.map((n) => ({
    label: levelLabel(n),
    value: ratio(rssPerSession(own, n), rssPerSession(floor, n)),
    limit,
  }));
  const note = judged.length === 0 && levels.length > 0 ? ' (below 5,000: indicative only)' : '';
  return fromChecks(
    `Idle memory per ${what} (RSS after GC) ≤ ${limit}× the floor's`,
    `memory per ${what} vs floor`,
    checks,
    note,
  );
}

/** Median fan-out of mcp-live on `wire` at `level` (as asked; held lower by the file limit, it says so). */
function fanoutGoal(
  results: readonly TargetResult[],
  wire: TransportKind,
  level: number,
  limitMs: number,
  goal: string,
  short: string,
): Goal {
  const own = finder(results)(OWN[wire]);
  const held = levelsOf(own, level);
  const value = fanoutOf(own, level);
  const actual = held.find((l) => l.requested !== undefined)?.sessions;
  const top = reachedLevels(own).at(-1);
  const extra =
    held.length > 0
      ? actual === undefined
        ? ''
        : `; held at ${levelLabel(actual)}: the open-file limit of each process is below ${levelLabel(level)} sessions`
      : top === undefined
        ? '; not measured in this run'
        : `; not reached (top level ${levelLabel(top)}: ${fmt(fanoutOf(own, top) ?? Number.NaN)} ms)`;
  const check = { label: levelLabel(level), value, limit: limitMs, shown: `${fmt(value ?? Number.NaN)} ms` };
  return fromChecks(goal, short, [check], extra);
}

/** p99 latency at 100×4 of mcp-live over the best peer's, on every wire. */
function latencyGoal(results: readonly TargetResult[], limit: number): Goal {
  const find = finder(results);
  const checks = WIRES.map((wire) => {
    const best = bestPeer(results, wire, (r) => p99Of(r, '100x4'));
    const own = p99Of(find(OWN[wire]), '100x4');
    const peer = best === undefined ? 'no peer' : `${fmt(best.value)} ms (${best.result.spec.label})`;
    return {
      label: `${WIRE_NAMES[wire]} ${own === undefined ? 'n/a' : `${fmt(own)} ms`} vs ${peer}:`,
      value: ratio(own, best?.value),
      limit,
    };
  });
  return fromChecks(
    `p99 latency at 100×4 ≤ ${limit}× the best peer's, on every wire`,
    'p99 at 100×4 vs best peer',
    checks,
  );
}

/** Every goal, issue 18's first, then issue 12's (`secondary`). */
export function judgeGoals(results: readonly TargetResult[], configs: string[]): Goal[] {
  const all = (limit: number) => Object.fromEntries(configs.map((key) => [key, limit]));
  return [
    floorGoal(
      results,
      'sse',
      CALL_FLOOR.sse,
      { ...all(1), '1x1': 1.15 },
      "HTTP+SSE: server CPU per `tools/call` at or below the SSE floor's under load, ≤ 1.15× at 1×1",
      'HTTP+SSE CPU per call vs floor',
    ),
    floorGoal(
      results,
      'streamable',
      CALL_FLOOR.streamable,
      all(1.25),
      "Streamable HTTP (2025): server CPU per `tools/call` ≤ 1.25× the JSON floor's",
      'Streamable CPU per call vs JSON floor',
    ),
    floorGoal(
      results,
      'stateless',
      CALL_FLOOR.stateless,
      all(1.25),
      "2026 stateless: server CPU per `tools/call` ≤ 1.25× the JSON floor's",
      '2026 CPU per call vs JSON floor',
    ),
    peerGoal(results, 'sse', 0.4, configs),
    peerGoal(results, 'streamable', 0.2, configs),
    peerGoal(results, 'stateless', 0.15, configs),
    memoryGoal(results, 'sse', 1.1, 'HTTP+SSE session'),
    memoryGoal(results, 'stateless', 1.2, 'listen stream'),
    fanoutGoal(
      results,
      'stateless',
      10_000,
      200,
      'One `resourceUpdated` reaches 10,000 listen streams in ≤ 200 ms',
      'resourceUpdated to 10,000 listens',
    ),
    fanoutGoal(
      results,
      'sse',
      20_000,
      400,
      'A broadcast reaches 20,000 HTTP+SSE sessions in ≤ 400 ms',
      'broadcast to 20,000 SSE sessions',
    ),
    latencyGoal(results, 0.4),
    {
      ...floorGoal(
        results,
        'sse',
        CALL_FLOOR.sse,
        all(1.3),
        "HTTP+SSE: server CPU per `tools/call` ≤ 1.3× the SSE floor's",
        'HTTP+SSE CPU per call vs SSE floor',
      ),
      secondary: true,
    },
    {
      ...floorGoal(
        results,
        'streamable',
        CALL_FLOOR.sse,
        all(1.6),
        "Streamable HTTP: server CPU per `tools/call` ≤ 1.6× the SSE floor's",
        'Streamable CPU per call vs SSE floor',
      ),
      secondary: true,
    },
  ];
}

export const verdict = (g: Goal): string =>
  g.holds === undefined ? 'not measured' : g.holds ? '**holds**' : '**does not hold**';

/** The goals as markdown tables: issue 18's, then issue 12's. */
export function renderGoals(goals: readonly Goal[], chart: string | undefined): string[] {
  const row = (g: Goal) => `| ${g.goal} | ${verdict(g)} | ${g.figures} |`;
  const primary = goals.filter((g) => g.secondary !== true);
  const secondary = goals.filter((g) => g.secondary === true);
  const held = primary.filter((g) => g.holds === true).length;
  return [
    '## Goals',
    '',
    `${held} of ${primary.length} hold in this run. Each is judged on this run's own medians: ratios to a floor or to the best peer on the same wire, measured side by side.`,
    '',
    ...(chart === undefined ? [] : [`![Each goal: the measured value over its limit](${chart})`, '']),
    '| goal | verdict | figures |',
    '| --- | --- | --- |',
    ...primary.map(row),
    '',
    "Issue 12's goals, against the HTTP+SSE floor:",
    '',
    '| goal | verdict | figures |',
    '| --- | --- | --- |',
    ...secondary.map(row),
  ];
}
