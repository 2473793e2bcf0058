import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawBarChart, escapeXML } from './svg-chart.ts';

const widths = (svg: string) =>
  [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

test('bars are as long as their values, the longest filling the bar area', () => {
  const svg = drawBarChart({
    title: 'CPU',
    subtitle: 'µs per call',
    groups: [
      {
        label: '10×10',
        bars: [
          { label: 'floor', value: 50, tone: 'floor' },
          { label: 'mcp-live', value: 100, tone: 'own' },
        ],
      },
    ],
  });
  const [floor, own] = widths(svg);
  assert.equal(own, 2 * (floor as number));
  assert.match(svg, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /fill="#2563eb"/, 'mcp-live is drawn in its own colour');
  assert.match(svg, />10×10</);
});

test('a missing value draws no bar and says n/a; a marker draws a line with its label', () => {
  const svg = drawBarChart({
    title: 'Goals',
    subtitle: 'over the limit',
    groups: [{ label: '', bars: [{ label: 'not run', value: undefined, tone: 'unmeasured' }] }],
    marker: { value: 1, label: 'limit' },
  });
  assert.equal(widths(svg).length, 0);
  assert.match(svg, />n\/a</);
  assert.match(svg, /<line [^>]*class="marker"/);
  assert.match(svg, />limit</);
});

test('labels are escaped, so a target name cannot break the document', () => {
  assert.equal(escapeXML(`a<b>&"c'`), 'a&#60;b&#62;&#38;&#34;c&#39;');
  const svg = drawBarChart({
    title: 'x < y',
    subtitle: '',
    groups: [{ label: 'S&P', bars: [{ label: '<script>', value: 1, tone: 'peer' }] }],
  });
  assert.doesNotMatch(svg, /<script>/);
  assert.match(svg, /S&#38;P/);
});

test('the height grows with the bars, so no bar is cut off', () => {
  const height = (n: number) => {
    const bars = Array.from({ length: n }, (_, i) => ({
      label: `t${i}`,
      value: i + 1,
      tone: 'peer' as const,
    }));
    const svg = drawBarChart({ title: 't', subtitle: '', groups: [{ label: 'g', bars }] });
    return Number(/height="(\d+)"/.exec(svg)?.[1]);
  };
  assert.ok(height(10) > height(2));
  const svg = drawBarChart({
    title: 't',
    subtitle: '',
    groups: [{ label: 'g', bars: [{ label: 'a', value: 1, tone: 'own' }] }],
  });
  const h = Number(/height="(\d+)"/.exec(svg)?.[1]);
  const lastY = Math.max(...[...svg.matchAll(/ y="([\d.]+)"/g)].map((m) => Number(m[1])));
  assert.ok(lastY < h);
});

test('groups in different units may each have their own scale', () => {
  const chart = (groupScales: boolean) =>
    drawBarChart({
      title: 't',
      subtitle: '',
      groupScales,
      groups: [
        { label: 'µs', bars: [{ label: 'a', value: 5000, tone: 'own' }] },
        { label: 'ms', bars: [{ label: 'a', value: 50, tone: 'own' }] },
      ],
    });
  const [us, ms] = widths(chart(true));
  assert.equal(us, ms, 'each fills its own scale');
  const [shared, small] = widths(chart(false));
  assert.equal(shared, 100 * (small as number));
});
