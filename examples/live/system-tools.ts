// monitor_system and metrics://current: the seed's placeholders, measuring the real machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { json, type McpServer, s } from '../../src/index.ts';
import { CpuMeter, collectSystemMetrics, pickMetrics, type SystemMetrics } from './metrics.ts';
import type { MetricsFeed } from './metrics-feed.ts';
import type { ToolRuns } from './tool-runs.ts';
import type { TopicHub } from './topics.ts';

export const METRICS_URI = 'metrics://current';

export function registerSystemTools(
  server: McpServer,
  hub: TopicHub,
  feed: MetricsFeed,
  runs: ToolRuns,
): void {
  server.tool(
    'monitor_system',
    {
      description:
        'Monitor system metrics in real-time: samples CPU %, memory, disk and load average every ' +
        '`interval` seconds for `duration` seconds, sends each sample as a system_metrics notification, ' +
        'and returns them all. Cancel the call to stop early.',
      input: {
        duration: s.number().min(0.1).max(3600).default(60).describe('Seconds to monitor'),
        interval: s.number().min(0.1).max(60).default(5).describe('Seconds between samples'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ duration, interval }, ctx) =>
      runs.track('monitor_system', ctx.session.id, ctx.signal, async (run) => {
        const meter = new CpuMeter();
        const samples: SystemMetrics[] = [];
        const end = Date.now() + duration * 1000;
        for (let left = end - Date.now(); left > 0; left = end - Date.now()) {
          // Rejects with an AbortError as soon as the client cancels or goes away.
          await sleep(Math.min(interval * 1000, left), undefined, { signal: ctx.signal });
          const sample = await collectSystemMetrics(meter);
          samples.push(sample);
          run.produced = samples.length;
          ctx.notify('system_metrics', { ...sample });
        }
        return json({ duration, interval, samples: samples.length, metrics: samples });
      }),
  );

  server.resource(
    METRICS_URI,
    {
      name: 'Current System Metrics',
      description: `Real-time system metrics, sampled every ${feed.interval} ms; subscribe to hear when they change`,
      mimeType: 'application/json',
    },
    async () => JSON.stringify(await feed.current()),
  );

  let last: string | undefined;
  feed.onSample((sample) => {
    const { timestamp: _t, ...values } = sample;
    const key = JSON.stringify(values);
    if (key !== last) void server.resourceUpdated(METRICS_URI);
    last = key;
    hub.publishLocal('metrics', (filter) => pickMetrics(sample, filter));
  });
}
