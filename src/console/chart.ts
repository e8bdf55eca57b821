/** A line chart of counts per time bucket, drawn as SVG (no chart library): one line per series. */
import { h, svg } from './dom.js';

export interface Series {
  name: string;
  /** A class for its colour (`in`, `out`, `net`, `failed`). */
  tone: string;
  values: number[];
}

const W = 600;
const HT = 160;
const PAD = { left: 36, right: 8, top: 8, bottom: 20 };

/** `labels` name the first, middle and last buckets on the time axis. */
export function lineChart(title: string, series: Series[], labels: [string, string, string]): HTMLElement {
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => PAD.left + (i * (W - PAD.left - PAD.right)) / (n - 1);
  const y = (v: number) => PAD.top + (HT - PAD.top - PAD.bottom) * (1 - v / max);
  const grid = (max >= 2 ? [0, max / 2, max] : [0, max]).map((v) =>
    svg(
      'g',
      {},
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: PAD.left - 4, y: y(v) + 4, 'text-anchor': 'end' }, String(Math.round(v))),
    ),
  );
  const lines = series.map((s) =>
    svg('polyline', {
      class: `line ${s.tone}`,
      points: s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
    }),
  );
  const axis = labels.map((l, i) =>
    svg(
      'text',
      { x: x((i * (n - 1)) / 2), y: HT - 4, 'text-anchor': ['start', 'middle', 'end'][i] ?? 'middle' },
      l,
    ),
  );
  const total = (s: Series) => s.values.reduce((a, b) => a + b, 0);
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title),
    svg(
      'svg',
      {
        viewBox: `0 0 ${W} ${HT}`,
        role: 'img',
        'aria-label': `${title}: ${series.map((s) => `${s.name} ${total(s)}`).join(', ')}`,
      },
      grid,
      lines,
      axis,
    ),
    h(
      'ul',
      { class: 'legend' },
      series.map((s) =>
        h('li', { class: s.tone, 'data-series': s.name }, `${s.name}: `, h('strong', {}, total(s))),
      ),
    ),
  );
}
