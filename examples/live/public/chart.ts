// A small line chart of CPU and memory percentages on a canvas: no library, no inline styles.

export interface Point {
  time: number;
  cpu: number;
  memory: number;
}

const SERIES = [
  { key: 'cpu', color: '#1f4fd1' },
  { key: 'memory', color: '#e07a10' },
] as const;

/** Draws the last points, oldest on the left, on a 0–100 % scale sized to the canvas's CSS box. */
export function drawChart(canvas: HTMLCanvasElement, points: readonly Point[]): void {
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
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.lineWidth = 1;
  for (const pct of [0, 25, 50, 75, 100]) {
    const y = top + plotH * (1 - pct / 100);
    g.strokeStyle = pct === 0 ? '#9aa3b5' : '#e3e7ef';
    g.beginPath();
    g.moveTo(left, Math.round(y) + 0.5);
    g.lineTo(left + plotW, Math.round(y) + 0.5);
    g.stroke();
    g.fillStyle = '#6b7386';
    g.textAlign = 'right';
    g.fillText(`${pct}%`, left - 6, y);
  }
  const span = 60; // samples across the width
  const step = plotW / (span - 1);
  const shown = points.slice(-span);
  const x0 = left + plotW - (shown.length - 1) * step;
  g.textAlign = 'left';
  g.fillText(shown.length > 1 ? `last ${shown.length} samples` : 'waiting for samples…', left, height - 8);
  for (const { key, color } of SERIES) {
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    shown.forEach((p, i) => {
      const y = top + plotH * (1 - Math.min(100, Math.max(0, p[key])) / 100);
      if (i === 0) g.moveTo(x0 + i * step, y);
      else g.lineTo(x0 + i * step, y);
    });
    g.stroke();
    const last = shown.at(-1);
    if (last !== undefined) {
      g.fillStyle = color;
      g.beginPath();
      g.arc(x0 + (shown.length - 1) * step, top + plotH * (1 - last[key] / 100), 3, 0, 2 * Math.PI);
      g.fill();
    }
  }
}
