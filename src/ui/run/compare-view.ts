/**
 * "Compare": a shared result (a) next to a run of this browser (b), cell by cell, for one metric. Each
 * row gives both means with their CIs, the difference b - a in points, and marks differences beyond the
 * CIs (`compareRuns`: |d| > sqrt(ci_a^2 + ci_b^2)). A shared result's values are rounded to 0.1 points,
 * so an exact reproduction shows differences of at most 0.05 points. Text only, built with h().
 */

import { describeMethod } from '../../core/config';
import { compareRuns, indexCells, type CellComparison, type MetricDiff, type RunRecord } from '../../core/results';
import { h } from '../dom';
import { METRIC_LABEL, type MatrixMetric } from './matrix';

function points(x: number, signed = false): string {
  if (!Number.isFinite(x)) return '—';
  const s = (100 * x).toFixed(1);
  return signed && x >= 0 ? `+${s}` : s;
}

function value(mean: number, ci: number): string {
  return Number.isFinite(mean) ? `${points(mean)} ± ${Number.isFinite(ci) ? points(ci) : '?'}` : '—';
}

/** The comparison table of `shared` (a) and `local` (b) for `metric`. */
export function renderComparison(
  shared: RunRecord,
  local: RunRecord,
  metric: MatrixMetric,
  labels: { a: string; b: string },
): HTMLElement {
  const cmp = compareRuns(shared, local);
  const byKey = (r: RunRecord) => indexCells(r.cells);
  const cellsA = byKey(shared);
  const cellsB = byKey(local);
  const ci = (cells: ReturnType<typeof byKey>, key: string): number => cells.get(key)?.[metric].ci95 ?? NaN;
  const row = (c: CellComparison): HTMLElement => {
    const d: MetricDiff = c[metric];
    return h(
      'tr',
      {
        class: d.beyond ? 'beyond' : '',
        'data-testid': 'compare-row',
        'data-cell': c.key,
        'data-diff': d.diff,
        'data-beyond': d.beyond ? 'true' : 'false',
      },
      h('th', { scope: 'row' }, c.method === 'protonet' ? c.source : `${c.source} · ${describeMethod(c.method)}`),
      h('td', {}, `${c.target.dataset} / ${c.target.task}`),
      h('td', {}, String(c.k)),
      h('td', { 'data-testid': 'compare-a' }, value(d.a, ci(cellsA, c.key))),
      h('td', { 'data-testid': 'compare-b' }, value(d.b, ci(cellsB, c.key))),
      h('td', { 'data-testid': 'compare-diff' }, points(d.diff, true)),
      h('td', {}, d.beyond ? `beyond the CIs (±${points(d.threshold)})` : `within ±${points(d.threshold)}`),
    );
  };
  const missing = (label: string, keys: string[]): HTMLElement | string =>
    keys.length > 0 ? h('p', { class: 'warning' }, `Only in ${label} (${keys.length}): ${keys.join(', ')}`) : '';
  return h(
    'div',
    { class: 'compare', 'data-testid': 'compare', 'data-beyond': cmp.beyond, 'data-cells': cmp.cells.length },
    h(
      'p',
      { 'data-testid': 'compare-summary' },
      `${METRIC_LABEL[metric]}: ${cmp.cells.length} cells in both; ${cmp.beyond} differ beyond the CIs ` +
        `(accuracy or AUROC). Difference = ${labels.b} − ${labels.a}, in points.`,
    ),
    cmp.notes.length > 0
      ? h('ul', { class: 'compare-notes', 'data-testid': 'compare-notes' }, ...cmp.notes.map((n) => h('li', {}, n)))
      : '',
    missing(labels.a, cmp.onlyA),
    missing(labels.b, cmp.onlyB),
    h(
      'table',
      { class: 'compare-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Source'),
          h('th', { scope: 'col' }, 'Target'),
          h('th', { scope: 'col' }, 'K'),
          h('th', { scope: 'col' }, labels.a),
          h('th', { scope: 'col' }, labels.b),
          h('th', { scope: 'col' }, 'Difference'),
          h('th', { scope: 'col' }, 'Beyond the CIs?'),
        ),
      ),
      h('tbody', {}, ...cmp.cells.map(row)),
    ),
  );
}
