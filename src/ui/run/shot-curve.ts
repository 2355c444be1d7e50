/**
 * The shot curve: the selected metric against K, one line per target, with 95% CI whiskers, for one
 * source row (the first unless another is picked). Redrawn from the record as cells finish.
 */

import type { Catalog, RunConfig } from '../../core/config';
import { cellAt, indexCells, matrixLayout, type RunRecord } from '../../core/results';
import { h } from '../dom';
import { SVG_NS, cellMetric, svg } from './export-image';
import { METRIC_LABEL, type MatrixMetric } from './matrix';

export interface CurvePoint {
  k: number;
  mean: number;
  ci95: number;
}

export interface CurveSeries {
  /** Target key ("dataset/task"). */
  target: string;
  points: CurvePoint[];
}

/** One series per target column for the row `rowKey` (a `MatrixRow.id`): the finished cells with a finite mean, in K order. */
export function curveSeries(
  config: RunConfig,
  catalog: Catalog,
  record: RunRecord | undefined,
  rowKey: string,
  metric: MatrixMetric,
): { ks: number[]; series: CurveSeries[] } {
  const layout = matrixLayout(config, catalog);
  const index = indexCells(record?.cells ?? []);
  const row = layout.rows.find((r) => r.id === rowKey) ?? layout.rows[0];
  const ks = [...layout.ks].sort((a, b) => a - b);
  const series = layout.columns.map((col) => ({
    target: col.key,
    points: row
      ? ks.flatMap((k) => {
          const c = cellAt(index, row, col, k);
          if (!c) return [];
          const m = cellMetric(c, metric);
          return Number.isFinite(m.mean) ? [{ k, mean: m.mean, ci95: Number.isFinite(m.ci95) ? m.ci95 : 0 }] : [];
        })
      : [],
  }));
  return { ks, series };
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

export interface ShotCurveOptions {
  config: RunConfig;
  catalog: Catalog;
  record?: RunRecord;
  metric: MatrixMetric;
  /** The row shown, a `MatrixRow.id` (default: the first). */
  row?: string;
  onRow: (rowKey: string) => void;
}

/** The curve with its row picker and legend. */
export function renderShotCurve(o: ShotCurveOptions): HTMLElement {
  const layout = matrixLayout(o.config, o.catalog);
  const rowKey = layout.rows.some((r) => r.id === o.row) ? (o.row as string) : (layout.rows[0]?.id ?? '');
  const { ks, series } = curveSeries(o.config, o.catalog, o.record, rowKey, o.metric);

  const pick = h('select', { 'data-testid': 'shot-curve-row', 'aria-label': 'Source row of the shot curve' });
  for (const r of layout.rows) pick.append(h('option', { value: r.id, selected: r.id === rowKey }, r.label));
  pick.addEventListener('change', () => o.onRow(pick.value));

  const W = 420;
  const H = 240;
  const m = { l: 44, r: 12, t: 12, b: 34 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xOf = (k: number): number => {
    const i = ks.indexOf(k);
    return m.l + (ks.length <= 1 ? pw / 2 : (pw * i) / (ks.length - 1));
  };
  const yOf = (v: number): number => m.t + ph * (1 - Math.min(1, Math.max(0, v)));

  const plot = svg('svg', {
    xmlns: SVG_NS,
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    class: 'shot-curve-plot',
    role: 'img',
    'aria-label': `${METRIC_LABEL[o.metric]} against K`,
    'font-size': 11,
    'font-family': 'system-ui, sans-serif',
  });
  // Axes, grid and ticks.
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    const y = yOf(v);
    plot.append(
      svg('line', { x1: m.l, x2: W - m.r, y1: y, y2: y, stroke: '#ddd' }),
      svg('text', { x: m.l - 6, y: y + 4, 'text-anchor': 'end', fill: '#555' }, String(100 * v)),
    );
  }
  for (const k of ks)
    plot.append(svg('text', { x: xOf(k), y: H - m.b + 16, 'text-anchor': 'middle', fill: '#555' }, String(k)));
  plot.append(
    svg('text', { x: m.l + pw / 2, y: H - 4, 'text-anchor': 'middle' }, 'K (shots per class)'),
    svg(
      'text',
      { x: 12, y: m.t + ph / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${m.t + ph / 2})` },
      `${METRIC_LABEL[o.metric]} (%)`,
    ),
  );

  const legend = h('ul', { class: 'shot-curve-legend' });
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    const g = svg('g', { class: 'series', 'data-target': s.target });
    const d = s.points
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${xOf(p.k).toFixed(1)},${yOf(p.mean).toFixed(1)}`)
      .join(' ');
    g.append(
      svg('path', {
        d,
        fill: 'none',
        stroke: colour,
        'stroke-width': 2,
        'data-testid': 'shot-curve-line',
        'data-target': s.target,
        'data-points': s.points.length,
      }),
    );
    for (const p of s.points) {
      const x = xOf(p.k);
      const lo = yOf(p.mean - p.ci95);
      const hi = yOf(p.mean + p.ci95);
      g.append(
        svg('line', { x1: x, x2: x, y1: lo, y2: hi, stroke: colour, class: 'whisker' }),
        svg('line', { x1: x - 4, x2: x + 4, y1: lo, y2: lo, stroke: colour }),
        svg('line', { x1: x - 4, x2: x + 4, y1: hi, y2: hi, stroke: colour }),
        svg(
          'circle',
          {
            cx: x,
            cy: yOf(p.mean),
            r: 3.5,
            fill: colour,
            class: 'point',
            'data-testid': 'shot-curve-point',
            'data-k': p.k,
            'data-mean': p.mean,
          },
          svg('title', {}, `${s.target}, K = ${p.k}: ${(100 * p.mean).toFixed(1)} ± ${(100 * p.ci95).toFixed(1)}`),
        ),
      );
    }
    plot.append(g);
    legend.append(
      h('li', {}, h('span', { class: 'swatch', style: `background:${colour}` }), ` ${s.target} (${s.points.length})`),
    );
  });

  return h(
    'figure',
    { class: 'shot-curve', 'data-testid': 'shot-curve', 'data-row': rowKey, 'data-metric': o.metric },
    h('figcaption', {}, `${METRIC_LABEL[o.metric]} against K (mean ± 95% CI), source `, pick),
    plot,
    legend,
  );
}
