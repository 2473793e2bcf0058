// A small line chart of CPU and memory percentages on a canvas: no library, no inline styles. Time runs
// left to right; where the page heard nothing (disconnected), the lines break over a shaded band.

export interface Point {
  /** When the page got the sample (ms since the epoch). */
  time: number;
  cpu: number;
  memory: number;
  /** The page was disconnected between the sample before and this one. */
  gapBefore?: boolean;
}

const SERIES = [
  { key: 'cpu', color: '#1f4fd1' },
  { key: 'memory', color: '#e07a10' },
] as const;

/** Samples across the width. */
const SPAN = 60;

/** The usual time between two samples: the median step, outside gaps. */
function stepOf(points: readonly Point[]): number {
  const steps = points
    .flatMap((p, i) => (i === 0 || p.gapBefore ? [] : [p.time - points[i - 1]!.time]))
    .filter((step) => step > 0)
    .sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 1_000;
}

/**
 * Draws the last `SPAN` sample intervals, newest on the right, on a 0–100 % scale sized to the canvas's
 * CSS box. With `offlineSince`, the right edge is now and the time since then is shown as a gap.
 */
export function drawChart(canvas: HTMLCanvasElement, points: readonly Point[], offlineSince?: number): void {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  if (g === null) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const left = 36;
  const top = 8;
  const plotW = width - left - 8;
  const plotH = height - top - 20;
  const step = stepOf(points);
  const shownMs = step * (SPAN - 1);
  const end = offlineSince === undefined ? (points.at(-1)?.time ?? 0) : Date.now();
  const x = (time: number) => left + plotW * (1 - (end - time) / shownMs);
  const y = (pct: number) => top + plotH * (1 - Math.min(100, Math.max(0, pct)) / 100);
  const shown = points.filter((p) => p.time >= end - shownMs);
  // A break: the page was disconnected, or heard nothing for several samples.
  const breaks = (p: Point, i: number) => i > 0 && (p.gapBefore || p.time - shown[i - 1]!.time > 3 * step);

  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  const gaps: Array<[number, number]> = shown.flatMap((p, i) =>
    breaks(p, i) ? [[shown[i - 1]!.time, p.time] as [number, number]] : [],
  );
  const last = shown.at(-1);
  if (offlineSince !== undefined && last !== undefined) gaps.push([last.time, end]);
  for (const [from, to] of gaps) {
    const x0 = Math.max(left, x(from));
    g.fillStyle = '#eef0f5';
    g.fillRect(x0, top, x(to) - x0, plotH);
    if (x(to) - x0 > 60) {
      g.fillStyle = '#6b7386';
      g.textAlign = 'center';
      g.fillText('disconnected', (x0 + x(to)) / 2, top + 12);
    }
  }
  g.lineWidth = 1;
  for (const pct of [0, 25, 50, 75, 100]) {
    g.strokeStyle = pct === 0 ? '#9aa3b5' : '#e3e7ef';
    g.beginPath();
    g.moveTo(left, Math.round(y(pct)) + 0.5);
    g.lineTo(left + plotW, Math.round(y(pct)) + 0.5);
    g.stroke();
    g.fillStyle = '#6b7386';
    g.textAlign = 'right';
    g.fillText(`${pct}%`, left - 6, y(pct));
  }
  g.textAlign = 'left';
  const seconds = Math.round(shownMs / 1_000);
  g.fillText(shown.length > 1 ? `last ${seconds} s` : 'waiting for samples…', left, height - 8);
  for (const { key, color } of SERIES) {
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    shown.forEach((p, i) => {
      if (i === 0 || breaks(p, i)) g.moveTo(x(p.time), y(p[key]));
      else g.lineTo(x(p.time), y(p[key]));
    });
    g.stroke();
    if (last !== undefined) {
      g.fillStyle = color;
      g.beginPath();
      g.arc(x(last.time), y(last[key]), 3, 0, 2 * Math.PI);
      g.fill();
    }
  }
}
