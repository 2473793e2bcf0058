// The System card: figures and a chart of the samples the server pushes: system_metrics notifications
// to a session (subscribe_updates("metrics")), or, on 2026-07-28, a read of metrics://current each time
// the listen says it was updated.
import type { McpClient } from '../../../src/client/index.ts';
import { drawChart, type Point } from './chart.ts';
import { $, readJSON } from './dom.ts';

export const METRICS_URI = 'metrics://current';

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
let lastSample: string | undefined;
let offlineSince: number | undefined;
let offlineTimer: ReturnType<typeof setInterval> | undefined;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const redraw = () => drawChart($<HTMLCanvasElement>('chart'), points, offlineSince);

export function showMetrics(m: Metrics): void {
  if (m.timestamp === lastSample) return;
  lastSample = m.timestamp;
  const time = Date.now();
  points.push({ time, cpu: m.cpu, memory: m.memory, gapBefore: offlineSince !== undefined });
  setOffline(false);
  while (points.length > 1_000 || (points[0] !== undefined && points[0].time < time - 3_600_000))
    points.shift();
  $('cpu').textContent = `${m.cpu.toFixed(1)} %`;
  $('memory').textContent = `${m.memory.toFixed(1)} %`;
  $('memory-detail').textContent = `${gib(m.memoryBytes.used)} of ${gib(m.memoryBytes.total)}`;
  $('disk').textContent = `${m.disk.toFixed(1)} %`;
  $('disk-detail').textContent = `${gib(m.diskBytes.used)} of ${gib(m.diskBytes.total)}`;
  $('load').textContent = m.load.map((l) => l.toFixed(2)).join(' ');
  $('load-detail').textContent = `1, 5, 15 min · ${m.cores} cores`;
  redraw();
}

/**
 * While offline the chart's right edge moves on with the clock, so the time without samples shows as
 * a gap; the next sample starts a new line after it.
 */
export function setOffline(offline: boolean): void {
  if (offline === (offlineSince !== undefined)) return;
  clearInterval(offlineTimer);
  offlineSince = offline ? Date.now() : undefined;
  offlineTimer = offline ? setInterval(redraw, 1_000) : undefined;
  $('metrics-card').dataset.offline = String(offline);
  redraw();
}

/** Takes the samples the server pushes; call before asking for them. */
export function hearMetrics(client: McpClient): void {
  client.onNotification('system_metrics', (params) => showMetrics(params as unknown as Metrics));
  client.onNotification('notifications/resources/updated', ({ uri }) => {
    if (uri !== METRICS_URI) return;
    readJSON<Metrics>(client, METRICS_URI).then(showMetrics, () => {});
  });
}

/** Shows the current sample, and says how the next ones come. */
export async function loadMetrics(client: McpClient): Promise<void> {
  showMetrics(await readJSON<Metrics>(client, METRICS_URI));
  $('metrics-how').textContent =
    client.transport === 'stateless'
      ? `${METRICS_URI} · subscriptions/listen`
      : `${METRICS_URI} · subscribe_updates("metrics")`;
}

/** Redraws the chart to the new size when the window changes; once per page. */
export function setupMetrics(): void {
  addEventListener('resize', redraw);
}
