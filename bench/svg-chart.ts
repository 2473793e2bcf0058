// Horizontal bar charts as plain SVG text: no browser and no chart library. Pure, so that a test can
// pin what is drawn.

/** How a bar is coloured: mcp-live, a floor, a peer; or, for goals, held, not held, not measured. */
export type Tone = 'own' | 'floor' | 'peer' | 'holds' | 'fails' | 'unmeasured';

export interface Bar {
  label: string;
  /** `undefined` draws no bar and prints "n/a". */
  value: number | undefined;
  tone: Tone;
  /** Printed after the value, e.g. `0.93× floor`. */
  note?: string;
}

export interface BarGroup {
  /** A heading over the group (e.g. `10×10`); empty for none. */
  label: string;
  bars: Bar[];
}

export interface BarChart {
  title: string;
  /** Under the title, e.g. `µs per call, lower is better`. */
  subtitle: string;
  groups: BarGroup[];
  /** A dashed vertical line at this value, e.g. a limit. */
  marker?: { value: number; label: string };
  /** How a value prints. @default 3 significant digits */
  format?: (value: number) => string;
  /** Scale each group to its own longest bar: for groups in different units. @default false */
  groupScales?: boolean;
}

const COLORS: Record<Tone, string> = {
  own: '#2563eb',
  floor: '#9ca3af',
  peer: '#f59e0b',
  holds: '#16a34a',
  fails: '#dc2626',
  unmeasured: '#9ca3af',
};
const WIDTH = 800;
const LABEL_W = 290;
const BAR_X = LABEL_W + 10;
const BAR_W = 320;
const ROW = 20;
const BAR_H = 14;
const HEADING = 22;
const TOP = 52;

/** Escapes text for SVG content and attributes. */
export function escapeXML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const defaultFormat = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** The SVG document of `chart`; its height follows from the number of groups and bars. */
export function drawBarChart(chart: BarChart): string {
  const format = chart.format ?? defaultFormat;
  const longest = (groups: BarGroup[]) =>
    Math.max(
      ...groups.flatMap((g) =>
        g.bars.flatMap((b) => (b.value !== undefined && Number.isFinite(b.value) ? [b.value] : [])),
      ),
      chart.marker?.value ?? 0,
      Number.MIN_VALUE,
    );
  let max = longest(chart.groups);
  const x = (v: number) => BAR_X + (Math.max(0, v) / max) * BAR_W;
  const parts: string[] = [];
  let y = TOP;
  for (const group of chart.groups) {
    if (chart.groupScales === true) max = longest([group]);
    if (group.label !== '') {
      parts.push(`<text x="10" y="${y + 15}" class="group">${escapeXML(group.label)}</text>`);
      y += HEADING;
    }
    for (const bar of group.bars) {
      const mid = y + ROW / 2 + 4;
      parts.push(
        `<text x="${LABEL_W}" y="${mid}" class="label" text-anchor="end">${escapeXML(bar.label)}</text>`,
      );
      const shown = bar.value === undefined || !Number.isFinite(bar.value) ? 'n/a' : format(bar.value);
      const end = bar.value === undefined || !Number.isFinite(bar.value) ? BAR_X : x(bar.value);
      if (end > BAR_X) {
        const w = (end - BAR_X).toFixed(1);
        parts.push(
          `<rect x="${BAR_X}" y="${y + (ROW - BAR_H) / 2}" width="${w}" height="${BAR_H}" fill="${COLORS[bar.tone]}"/>`,
        );
      }
      const note = bar.note === undefined ? '' : ` ${bar.note}`;
      parts.push(
        `<text x="${(end + 6).toFixed(1)}" y="${mid}" class="value">${escapeXML(shown + note)}</text>`,
      );
      y += ROW;
    }
    y += 6;
  }
  if (chart.marker !== undefined) {
    const mx = x(chart.marker.value).toFixed(1);
    parts.push(`<line x1="${mx}" y1="${TOP - 4}" x2="${mx}" y2="${y - 6}" class="marker"/>`);
    parts.push(
      `<text x="${mx}" y="${TOP - 8}" class="value" text-anchor="middle">${escapeXML(chart.marker.label)}</text>`,
    );
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXML(chart.title)}">`,
    '<style>text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:12px;fill:#1f2937}.title{font-size:15px;font-weight:600}.subtitle{fill:#6b7280}.group{font-weight:600}.value{fill:#374151}.marker{stroke:#111827;stroke-dasharray:4 3;stroke-width:1}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" class="title">${escapeXML(chart.title)}</text>`,
    `<text x="10" y="38" class="subtitle">${escapeXML(chart.subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
