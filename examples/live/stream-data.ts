// stream_data: produces `count` items from a real source, one progress notification per item.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { json, type McpServer, s } from '../../src/index.ts';
import { CpuMeter, collectSystemMetrics } from './metrics.ts';
import type { ToolRuns } from './tool-runs.ts';

export const STREAM_SOURCES = ['sequence', 'random', 'metrics'] as const;
export type StreamSource = (typeof STREAM_SOURCES)[number];

async function produce(source: StreamSource, index: number, meter: CpuMeter): Promise<unknown> {
  switch (source) {
    case 'sequence':
      return index;
    case 'random':
      return randomInt(0, 1_000_000);
    case 'metrics': {
      const { cpu, memory, disk, load } = await collectSystemMetrics(meter);
      return { cpu, memory, disk, load };
    }
  }
}

/** `delay`: ms between two items. */
export function registerStreamData(server: McpServer, runs: ToolRuns, delay: number): void {
  server.tool(
    'stream_data',
    {
      description:
        'Stream data with real-time updates: produces `count` items from `source` (sequence: 0, 1, 2…; ' +
        'random: random integers; metrics: a CPU/memory/disk sample per item), with a progress ' +
        'notification per item when the call has a progressToken. Cancel the call to stop it.',
      input: {
        source: s.string().enum(STREAM_SOURCES).required(),
        count: s.integer().min(1).max(10_000).default(10),
      },
      annotations: { readOnlyHint: true },
    },
    ({ source, count }, ctx) =>
      runs.track('stream_data', ctx.session.id, ctx.signal, async (run) => {
        const meter = new CpuMeter();
        const results: Array<{ index: number; at: string; value: unknown }> = [];
        for (let index = 0; index < count; index++) {
          results.push({ index, at: new Date().toISOString(), value: await produce(source, index, meter) });
          run.produced = index + 1;
          ctx.progress(index + 1, count, `Produced ${index + 1}/${count} items from ${source}`);
          // Rejects with an AbortError as soon as the client cancels or disconnects (the seed's ctx.Done()).
          // Waiting after the last item too keeps its progress apart from the result, as in the seed:
          // the official SDK client drops progress that arrives in the same read as the result.
          await sleep(delay, undefined, { signal: ctx.signal });
        }
        return json({ source, count: results.length, results });
      }),
  );
}
