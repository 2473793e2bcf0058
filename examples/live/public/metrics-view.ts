// The System card: figures and a chart of the samples the server pushes (subscribe_updates("metrics")).
import type { McpClient } from '../../../src/client/index.ts';
import { drawChart, type Point } from './chart.ts';
import { $, readJSON } from './dom.ts';

export interface Metrics {
  timestamp: string;
  cpu: number;
  memory: number;
  disk: number;
  load: [number, number, number];
  cores: number;
  memoryBytes: { total: number; used: number };
  diskBytes: { total: number; used: number };
}

const points: Point[] = [];
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const redraw = () => drawChart($<HTMLCanvasElement>('chart'), points);

export function showMetrics(m: Metrics): void {
  points.push({ time: Date.parse(m.timestamp), cpu: m.cpu, memory: m.memory });
  if (points.length > 120) points.shift();
  $('cpu').textContent = `${m.cpu.toFixed(1)} %`;
  $('memory').textContent = `${m.memory.toFixed(1)} %`;
  $('memory-detail').textContent = `${gib(m.memoryBytes.used)} of ${gib(m.memoryBytes.total)}`;
  $('disk').textContent = `${m.disk.toFixed(1)} %`;
  $('disk-detail').textContent = `${gib(m.diskBytes.used)} of ${gib(m.diskBytes.total)}`;
  $('load').textContent = m.load.map((l) => l.toFixed(2)).join('  ');
  $('load-detail').textContent = `1, 5, 15 min · ${m.cores} cores`;
  redraw();
}

/** Shows the current sample, then asks for one notification per sample. */
export async function startMetrics(client: McpClient): Promise<void> {
  client.onNotification('system_metrics', (params) => showMetrics(params as unknown as Metrics));
  showMetrics(await readJSON<Metrics>(client, 'metrics://current'));
  await client.callTool('subscribe_updates', { topic: 'metrics' });
}

/** Redraws the chart to the new size when the window changes; once per page. */
export function setupMetrics(): void {
  addEventListener('resize', redraw);
}
