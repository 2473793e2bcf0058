import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Goal, judgeGoals } from './goals.ts';
import type { TargetResult } from './results.ts';
import type { LevelResult } from './scenarios/scale.ts';
import type { WindowResult } from './scenarios/throughput.ts';
import { TARGETS } from './targets.ts';

const CONFIGS = ['1x1', '10x10', '100x4'];

function window(cpuMicrosPerCall: number, p99 = 10): WindowResult {
  return {
    calls: 1000,
    errors: 0,
    callsPerSecond: 1000,
    cpuMicrosPerCall,
    serverCPUShare: 1,
    clientCPUShare: 0.5,
    cpuPressure: 0,
    stealShare: 0,
    p50: p99 / 2,
    p90: p99 / 1.2,
    p99,
  };
}

interface Fake {
  /** CPU per call at 1x1, 10x10, 100x4. */
  cpu?: [number, number, number];
  p99?: number;
  levels?: Array<Partial<LevelResult> & { sessions: number }>;
  status?: TargetResult['status'];
}

function result(id: string, fake: Fake): TargetResult {
  const spec = TARGETS.find((t) => t.id === id);
  assert.ok(spec, id);
  const throughput = Object.fromEntries(
    CONFIGS.map((key, i) => [
      key,
      fake.cpu === undefined
        ? []
        : [{ config: { sessions: 1, inflight: 1 }, windows: [window(fake.cpu[i] as number, fake.p99)] }],
    ]),
  );
  const levels = (fake.levels ?? []).map((l) => ({
    openPerSecond: 1000,
    cpuMicrosPerOpen: 100,
    rssBytesPerSession: 10_240,
    heapBytesPerSession: 5_120,
    targetSessions: l.sessions,
    fanoutMs: [100],
    ...l,
  }));
  return {
    spec,
    status: fake.status ?? 'ok',
    throughput,
    input: [],
    scale: levels.length === 0 ? [] : [{ levels }],
    notes: [],
  };
}

const find = (goals: Goal[], start: string) => {
  const goal = goals.find((g) => g.goal.startsWith(start) && g.secondary !== true);
  assert.ok(goal, start);
  return goal;
};

test('HTTP+SSE against its floor: at or below it under load, up to 1.15× at 1×1', () => {
  const floor = result('floor', { cpu: [100, 60, 50] });
  const holds = judgeGoals([floor, result('mcp-live-sse', { cpu: [114, 60, 49] })], CONFIGS);
  assert.equal(find(holds, 'HTTP+SSE: server CPU per `tools/call` at or below').holds, true);
  const over = judgeGoals([floor, result('mcp-live-sse', { cpu: [100, 63, 49] })], CONFIGS);
  const goal = find(over, 'HTTP+SSE: server CPU per `tools/call` at or below');
  assert.equal(goal.holds, false);
  assert.match(goal.figures, /10×10 1\.05× \(≤ 1×\)/);
  assert.equal(goal.score, 1.05);
});

test('a window the hypervisor disturbed counts only when every window was disturbed', () => {
  const floor = result('floor', { cpu: [100, 60, 50] });
  const live = result('mcp-live-sse', { cpu: [110, 60, 50] });
  const stolen = { ...window(400), stealShare: 0.1, disturbed: true as const };
  live.throughput['1x1']![0]!.windows.push(stolen, stolen);
  const goal = find(judgeGoals([floor, live], CONFIGS), 'HTTP+SSE: server CPU per `tools/call` at or below');
  assert.match(goal.figures, /1×1 1\.10×/);
  live.throughput['1x1']![0]!.windows.shift();
  const only = find(judgeGoals([floor, live], CONFIGS), 'HTTP+SSE: server CPU per `tools/call` at or below');
  assert.match(only.figures, /1×1 4\.00×/);
});

test('Streamable HTTP and the 2026 path are judged against the JSON floor, not the SSE floor', () => {
  const goals = judgeGoals(
    [
      result('floor', { cpu: [200, 200, 200] }),
      result('floor-json', { cpu: [100, 100, 100] }),
      result('mcp-live-streamable', { cpu: [130, 120, 120] }),
    ],
    CONFIGS,
  );
  assert.equal(
    find(goals, 'Streamable HTTP (2025): server CPU per `tools/call` ≤ 1.25× the JSON').holds,
    false,
  );
  const issue12 = goals.find((g) => g.secondary === true && g.goal.startsWith('Streamable'));
  assert.equal(issue12?.holds, true, "against the SSE floor (issue 12's goal) it holds");
  assert.equal(find(goals, '2026 stateless: server CPU').holds, undefined, 'nothing measured the 2026 path');
});

test('against the best peer on the same wire: the cheapest one that ran, no other wire, no failed one', () => {
  const goals = judgeGoals(
    [
      result('mcp-live-2026', { cpu: [30, 30, 30] }),
      result('sdk2-2026', { cpu: [300, 300, 300] }),
      result('sdk-sse', { cpu: [50, 50, 50] }),
    ],
    CONFIGS,
  );
  const goal = find(goals, '2026 stateless: server CPU per `tools/call` ≤ 0.15×');
  assert.equal(goal.holds, true);
  assert.match(goal.figures, /vs SDK v2 createMcpHandler \(2026\) 0\.10×/);
  const none = judgeGoals(
    [
      result('mcp-live-sse', { cpu: [30, 30, 30] }),
      result('sdk-sse', { cpu: [60, 60, 60], status: 'failed' }),
    ],
    CONFIGS,
  );
  assert.equal(find(none, 'HTTP+SSE: server CPU per `tools/call` ≤ 0.4×').holds, undefined);
});

test('idle memory is judged from 5,000 up when the run got there', () => {
  const goals = judgeGoals(
    [
      result('floor', {
        levels: [
          { sessions: 1000, rssBytesPerSession: 10_000 },
          { sessions: 5000, rssBytesPerSession: 10_000 },
        ],
      }),
      result('mcp-live-sse', {
        levels: [
          { sessions: 1000, rssBytesPerSession: 20_000 },
          { sessions: 5000, rssBytesPerSession: 10_500 },
        ],
      }),
    ],
    CONFIGS,
  );
  const goal = find(goals, 'Idle memory per HTTP+SSE session');
  assert.equal(goal.holds, true, 'the 1,000 level (2×) is not judged');
  assert.match(goal.figures, /^5,000 1\.05×/);
});

test('fan-out to 20,000 sessions held lower by the open-file limit is judged there and says so', () => {
  const goals = judgeGoals(
    [
      result('mcp-live-sse', {
        levels: [{ sessions: 19_800, requested: 20_000, fanoutMs: [300, 350, 420] }],
      }),
    ],
    CONFIGS,
  );
  const goal = find(goals, 'A broadcast reaches 20,000');
  assert.equal(goal.holds, true);
  assert.match(goal.figures, /350 ms/);
  assert.match(goal.figures, /held at 19,800/);
  const missing = find(
    judgeGoals([result('mcp-live-2026', { levels: [{ sessions: 5000 }] })], CONFIGS),
    'One `resourceUpdated`',
  );
  assert.equal(missing.holds, undefined);
  assert.match(missing.figures, /not reached \(top level 5,000/);
});

test('p99 at 100×4 must hold on every wire to hold', () => {
  const results = [
    result('mcp-live-sse', { cpu: [1, 1, 1], p99: 10 }),
    result('sdk-sse', { cpu: [1, 1, 1], p99: 40 }),
    result('mcp-live-streamable', { cpu: [1, 1, 1], p99: 10 }),
    result('sdk-streamable', { cpu: [1, 1, 1], p99: 40 }),
    result('mcp-live-2026', { cpu: [1, 1, 1], p99: 30 }),
    result('sdk2-2026', { cpu: [1, 1, 1], p99: 40 }),
  ];
  const goal = find(judgeGoals(results, CONFIGS), 'p99 latency');
  assert.equal(goal.holds, false);
  assert.match(goal.figures, /2026 stateless 30\.0 ms vs 40\.0 ms/);
});
