/**
 * The cross-domain matrix, one table per K: rows are the sources, columns the target tasks grouped by
 * domain (`matrixLayout`). A finished cell shows "mean ± CI" (percent) and its colour (from chance to
 * perfect); its title (and, for keyboard users, the focus line under the table) gives the mean, the 95%
 * CI, episodes, N/K/Q, chance and time. Cells of a source in the target's own domain are marked in-domain.
 * Text only, built with h().
 */

import { cellColours } from './colours';
import {
  cellKey,
  checkAgainstCatalog,
  ciKindOf,
  findDataset,
  parseSourceKey,
  type Catalog,
  type RunConfig,
  type SourceSpec,
} from '../../core/config';
import {
  CHANCE_AUROC,
  cellAt,
  indexCells,
  matrixLayout,
  type CellResult,
  type CiKind,
  type MatrixColumn,
  type RunRecord,
} from '../../core/results';
import { h } from '../dom';

export type MatrixMetric = 'accuracy' | 'auroc';

export const METRIC_LABEL: Record<MatrixMetric, string> = { accuracy: 'Accuracy', auroc: 'AUROC' };

function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? (100 * x).toFixed(digits) : '—';
}

/**
 * The accuracy / AUROC radio pair above a matrix. `name` groups the radios (and prefixes their test ids
 * when it is not the run page's own switch); `onChange` gets the chosen metric.
 */
export function metricSwitch(
  name: string,
  testIdPrefix: string,
  current: MatrixMetric,
  onChange: (m: MatrixMetric) => void,
): HTMLElement {
  return h(
    'fieldset',
    { class: 'metric-switch' },
    h('legend', {}, 'Metric'),
    ...(['accuracy', 'auroc'] as const).map((m) => {
      const radio = h('input', {
        type: 'radio',
        name,
        value: m,
        checked: m === current,
        'data-testid': `${testIdPrefix}metric-${m}`,
      });
      radio.addEventListener('change', () => {
        if (radio.checked) onChange(m);
      });
      return h('label', {}, radio, ` ${METRIC_LABEL[m]}`);
    }),
  );
}

/** "73.2 ± 4.1" (percent points), "—" for an undefined value. */
export function meanCi(m: { mean: number; ci95: number }): string {
  if (!Number.isFinite(m.mean)) return '—';
  return `${pct(m.mean)} ± ${Number.isFinite(m.ci95) ? pct(m.ci95) : '?'}`;
}

function cellMs(c: CellResult): number {
  const t = c.timings;
  return t.loadMs + t.compileMs + t.warmupMs + t.embedMs + t.episodesMs;
}

/** The long description of a finished cell (title and focus line). */
export function describeCell(
  c: CellResult,
  rowLabel: string,
  inDomain: boolean,
  ciKind: CiKind = c.ciKind ?? 'episodes',
): string {
  const m = (name: string, s: { mean: number; ci95: number }, chance: number): string =>
    `${name}: mean ${pct(s.mean)}%, 95% CI ±${pct(s.ci95)} (${pct(s.mean - s.ci95)}–${pct(s.mean + s.ci95)}), chance ${pct(chance)}%`;
  const repeats = c.repeats
    ? `; training repeats: ${c.repeats.map((r) => `${pct(r.accuracy)} / ${pct(r.auroc)}`).join(', ')} (accuracy / AUROC)`
    : '';
  return [
    `${rowLabel} → ${c.target.dataset} / ${c.target.task}, K = ${c.k}${inDomain ? ' (in-domain)' : ''}`,
    m('Accuracy', c.accuracy, c.chance),
    m('AUROC', c.auroc, CHANCE_AUROC),
    `${c.episodes} episodes, N = ${c.n}, K = ${c.k}, Q = ${c.q}; ${(cellMs(c) / 1000).toFixed(2)} s`,
    `CI over ${ciKind === 'episodes' ? 'episodes' : `episodes and ${c.repeats?.length ?? 'several'} training runs`}${repeats}`,
  ].join('\n');
}

/** Does the source learn from the target's own domain (the "diagonal" of a cross-domain matrix)? */
export function isInDomain(source: SourceSpec, column: MatrixColumn, catalog: Catalog): boolean {
  switch (source.kind) {
    case 'task':
    case 'dataset':
      return source.dataset === column.target.dataset || findDataset(catalog, source.dataset)?.domain === column.domain;
    case 'domain':
      return source.domain === column.domain;
    default:
      return false;
  }
}

/** 0 at chance (or below), 1 at a perfect score. */

export interface MatrixOptions {
  config: RunConfig;
  catalog: Catalog;
  record?: RunRecord;
  metric: MatrixMetric;
}

/** Every K's matrix for `config`, filled from `record`. */
export function renderMatrices(o: MatrixOptions): HTMLElement {
  const layout = matrixLayout(o.config, o.catalog);
  const index = indexCells(o.record?.cells ?? []);
  const check = checkAgainstCatalog(o.config, o.catalog);
  const planned = new Set(check.cells.map((c) => c.key));
  const skips = check.issues.filter((i) => i.severity === 'skip');
  const skipReason = (source: string, target: string, k: number): string | undefined =>
    skips.find(
      (i) =>
        (i.source === undefined || i.source === source) &&
        (i.target === undefined || i.target === target) &&
        (i.k === undefined || i.k === k),
    )?.message;
  const focusLine = h('p', { class: 'matrix-focus', 'data-testid': 'matrix-focus', 'aria-live': 'polite' });
  const root = h('div', { class: 'matrices', 'data-testid': 'matrices', 'data-metric': o.metric });

  for (const k of layout.ks) {
    const kLabel = o.config.mode === 'variable' ? 'variable way and shot' : `K = ${k}`;
    const head1 = h(
      'tr',
      {},
      h('th', { scope: 'col', rowspan: 2 }, 'Source \\ target'),
      ...layout.groups.map((g) =>
        h('th', { scope: 'colgroup', colspan: g.columns.length, class: 'domain-head' }, g.domain),
      ),
    );
    const head2 = h(
      'tr',
      {},
      ...layout.columns.map((c) =>
        h('th', { scope: 'col', title: c.key }, c.target.dataset, h('br'), h('span', { class: 'task' }, c.target.task)),
      ),
    );
    const body = h('tbody', {});
    for (const row of layout.rows) {
      const tr = h('tr', {}, h('th', { scope: 'row' }, row.label));
      for (const col of layout.columns) {
        const key = cellKey(row.key, col.key, k, row.method);
        const inDomain = isInDomain(parseSourceKey(row.key) ?? row.source, col, o.catalog);
        const cell = cellAt(index, row, col, k);
        const td = h('td', {
          class: `cell${inDomain ? ' in-domain' : ''}`,
          'data-testid': 'cell',
          'data-cell': key,
          tabindex: 0,
        });
        if (cell) {
          const s = o.metric === 'accuracy' ? cell.accuracy : cell.auroc;
          const chance = o.metric === 'accuracy' ? cell.chance : CHANCE_AUROC;
          td.dataset.state = 'done';
          td.dataset.mean = String(s.mean);
          td.dataset.ci = String(s.ci95);
          const kind = ciKindOf(o.config, row.key);
          td.dataset.ciKind = kind;
          td.title = describeCell(cell, row.label, inDomain, kind);
          const colours = cellColours(s.mean, chance);
          td.style.setProperty('background-color', colours.fill);
          td.style.setProperty('color', colours.text);
          td.append(h('span', { class: 'value' }, meanCi(s)));
          if (kind !== 'episodes')
            td.append(h('span', { class: 'ci-kind-mark', title: 'CI includes training spread' }, '†'));
        } else if (planned.has(key)) {
          td.dataset.state = 'pending';
          td.title = `${row.label} → ${col.key}, K = ${k}: not run yet`;
          td.append(h('span', { class: 'value pending' }, '…'));
        } else {
          td.dataset.state = 'skipped';
          td.title = skipReason(row.key, col.key, k) ?? 'not run';
          td.append(h('span', { class: 'value skipped' }, 'n/a'));
        }
        if (inDomain) td.append(h('span', { class: 'in-domain-mark', title: 'in-domain' }, ' ◆'));
        td.addEventListener('focus', () => {
          focusLine.textContent = td.title.replace(/\n/g, ' · ');
        });
        tr.append(td);
      }
      body.append(tr);
    }
    const table = h(
      'table',
      { class: 'matrix', 'data-testid': 'matrix', 'data-k': k },
      h('caption', {}, `${METRIC_LABEL[o.metric]} (%, mean ± 95% CI), ${kLabel}`),
      h('thead', {}, head1, head2),
      body,
    );
    table.addEventListener('keydown', (e) => arrowKeys(e, body));
    root.append(table);
  }
  root.append(
    focusLine,
    h(
      'p',
      { class: 'legend' },
      'Colour: from chance (light) to perfect (dark). ◆ marks in-domain cells (the source shares the target’s domain). n/a: the pair is skipped (hover for why).',
    ),
    h(
      'p',
      { class: 'legend', 'data-testid': 'ci-kind-legend' },
      o.config.training.seeds > 1
        ? `† CI over episodes and ${o.config.training.seeds} training runs (trained and untrained rows: mean over the runs, the spread between them included); other cells: CI over episodes.`
        : 'CI over episodes (one training run per encoder: the spread between training runs is not included; set training seeds > 1 to include it).',
    ),
  );
  return root;
}

/** Arrow keys move the focus between the cells of one table. */
function arrowKeys(e: KeyboardEvent, body: HTMLTableSectionElement): void {
  const move: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };
  const d = move[e.key];
  const td = e.target instanceof HTMLElement ? e.target.closest('td.cell') : null;
  if (!d || !td) return;
  const rows = [...body.rows];
  const r = rows.findIndex((row) => row.contains(td));
  const cells = (i: number): HTMLElement[] => [...(rows[i]?.querySelectorAll<HTMLElement>('td.cell') ?? [])];
  const c = cells(r).indexOf(td as HTMLElement);
  const next = cells(r + d[0])[c + d[1]];
  if (next) {
    e.preventDefault();
    next.focus();
  }
}
