// Times broadcasts across instances: S sessions (2025, each with its stream open) and, over Streamable
// HTTP, L listen streams (MCP 2026-07-28, asking for the event through the dev.mcp-live/events
// extension) connect through the proxy; one broadcast after another is started by a tool call landing
// on the next instance, and each is timed until every receiver has it. The CPU time of the instances,
// the proxy and Redis over all broadcasts is divided by the broadcasts and by the deliveries.
import { connect, type McpClient } from '../../src/client/index.ts';
import type { BenchSession } from '../client/bench-session.ts';
import { createAgents, destroyAgents } from '../client/http.ts';
import { openSessions, type TransportKind } from '../client/open-sessions.ts';
import { percentile, sleep } from '../stats.ts';
import type { CPUMeter, CPUSeconds } from './measure.ts';

export interface FanOutPlan {
  sessions: number;
  listens: number;
  broadcasts: number;
  timeoutMs: number;
}

export interface FanOutResult {
  sessions: number;
  listens: number;
  broadcasts: number;
  /** ms from the tool call to the last receiver having the broadcast: p50 and p99 over broadcasts. */
  completeP50: number;
  completeP99: number;
  /** ms from the tool call to one receiver having it: p50 and p99 over every delivery. */
  deliveryP50: number;
  deliveryP99: number;
  /** CPU seconds over all broadcasts. */
  cpu: CPUSeconds;
  failure?: string;
}

const METHOD = 'bench/fanout';

export async function measureFanOut(
  base: URL,
  transport: TransportKind,
  plan: FanOutPlan,
  meter: CPUMeter,
): Promise<FanOutResult> {
  const listens = transport === 'streamable' ? plan.listens : 0;
  const result: FanOutResult = {
    sessions: 0,
    listens: 0,
    broadcasts: 0,
    completeP50: Number.NaN,
    completeP99: Number.NaN,
    deliveryP50: Number.NaN,
    deliveryP99: Number.NaN,
    cpu: { instances: 0, proxy: 0, redis: 0, redisReplicas: 0, redisCommands: 0, loadGenerator: 0 },
  };
  const agents = createAgents(base, Math.min(512, plan.sessions + 8));
  const sessions: BenchSession[] = [];
  const clients: McpClient[] = [];
  /** Per broadcast number, when each receiver had it. */
  const arrivals = new Map<number, number[]>();
  const arrived = (params: unknown) => {
    const n = (params as { n?: unknown } | undefined)?.n;
    if (typeof n === 'number') arrivals.get(n)?.push(performance.now());
  };
  try {
    const options = { base, agents, timeoutMs: plan.timeoutMs, notificationStream: true };
    const deadline = performance.now() + plan.timeoutMs * 4;
    const opened = await openSessions(sessions, plan.sessions, 8, transport, options, deadline);
    if (opened.failure !== undefined)
      throw new Error(`could not open ${plan.sessions} sessions: ${opened.failure}`);
    for (const session of sessions) {
      session.onNotification = (method, params) => {
        if (method === METHOD) arrived(params);
      };
    }
    for (let i = 0; i < listens; i++) {
      const client = await connect(new URL('mcp', base), {
        protocol: '2026-07-28',
        requestTimeout: plan.timeoutMs,
      });
      clients.push(client);
      client.onNotification(METHOD, arrived);
      await client.listen({ 'dev.mcp-live/events': { methods: [METHOD] } });
    }
    result.sessions = sessions.length;
    result.listens = clients.length;
    const receivers = sessions.length + clients.length;
    await sleep(500);
    const completes: number[] = [];
    const deliveries: number[] = [];
    const before = await meter.read();
    for (let n = 1; n <= plan.broadcasts; n++) {
      arrivals.set(n, []);
      const t0 = performance.now();
      await sessions[n % sessions.length]!.call('tools/call', { name: 'fanout', arguments: { n } });
      const until = t0 + plan.timeoutMs;
      while (arrivals.get(n)!.length < receivers && performance.now() < until) await sleep(2);
      const times = arrivals.get(n)!;
      if (times.length < receivers)
        throw new Error(`broadcast ${n} reached ${times.length} of ${receivers} receivers`);
      completes.push(Math.max(...times) - t0);
      for (const at of times) deliveries.push(at - t0);
      result.broadcasts = n;
    }
    result.cpu = meter.minus(await meter.read(), before);
    completes.sort((a, b) => a - b);
    deliveries.sort((a, b) => a - b);
    result.completeP50 = percentile(completes, 50);
    result.completeP99 = percentile(completes, 99);
    result.deliveryP50 = percentile(deliveries, 50);
    result.deliveryP99 = percentile(deliveries, 99);
  } catch (error) {
    result.failure = (error as Error).message;
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    for (const session of sessions) session.close();
    await sleep(200);
    destroyAgents(agents);
  }
  return result;
}
