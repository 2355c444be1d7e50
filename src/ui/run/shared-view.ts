/**
 * The read-only "Shared result" view of a share link (`#r=v1.…`): the fragment is decoded (and fully
 * validated) by `decodeShareLink` before anything of it is shown. A bad link shows the decoder's error
 * and nothing else from the link. A good one shows what produced it (browser, backend, adapter, tfjs,
 * date), its matrices (drawn by matrix.ts from cells converted here) and which of its datasets this
 * browser holds with the same fingerprint. Every string from the link goes into the page as text (h()).
 */

import type { Catalog } from '../../core/config';
import { CHANCE_AUROC, type CellResult, type RunRecord } from '../../core/results';
import { decodeShareLink, type ShareCell, type SharePayload } from '../../core/share';
import { h } from '../dom';
import { METRIC_LABEL, meanCi, renderMatrices, type MatrixMetric } from './matrix';

/** Does this fragment (location.hash, with or without "#") ask for the shared view? */
export function isShareFragment(hash: string): boolean {
  const f = hash.startsWith('#') ? hash.slice(1) : hash;
  return f.startsWith('r=');
}

/** A share cell as the matrix renderer's cell: what the link does not carry is zero or NaN. */
export function cellFromShare(c: ShareCell, p: SharePayload): CellResult {
  const fixed = p.config.mode === 'fixed';
  return {
    source: c.source,
    target: { ...c.target },
    k: c.k,
    n: fixed ? p.config.way : 0,
    q: fixed ? p.config.query : 0,
    episodes: c.episodes,
    accuracy: { ...c.accuracy } as CellResult['accuracy'],
    auroc: { ...c.auroc } as CellResult['auroc'],
    perClassAccuracy: [],
    // Chance accuracy is 1/N for fixed N-way episodes; other modes need the class counts, not in the link.
    chance: fixed ? 1 / p.config.way : NaN,
    timings: { loadMs: 0, compileMs: 0, warmupMs: 0, embedMs: 0, episodesMs: 0 } as CellResult['timings'],
  };
}

/** Just enough of a run record for `renderMatrices`. */
export function recordFromShare(p: SharePayload): RunRecord {
  return { config: p.config, cells: p.cells.map((c) => cellFromShare(c, p)) } as unknown as RunRecord;
}

/** "Chrome 126, WebGPU on NVIDIA …, tfjs 4.22.0, 2026-11-26 09:30 UTC" as separate text fields. */
function banner(p: SharePayload): HTMLElement {
  const e = p.environment;
  const date = new Date(p.createdAt);
  const when = Number.isNaN(date.getTime()) ? p.createdAt : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const item = (label: string, value: string, id: string): HTMLElement =>
    h('li', {}, `${label}: `, h('span', { 'data-testid': `shared-${id}` }, value));
  return h(
    'div',
    { class: 'shared-banner', 'data-testid': 'shared-banner' },
    h('p', {}, 'Produced on another machine and shared as a link (read-only; values rounded to 0.1 points):'),
    h(
      'ul',
      {},
      item('Browser', e.browser || '(unknown)', 'browser'),
      item('Backend', e.backend, 'backend'),
      item('Adapter', e.adapter === null ? '(none: CPU backend)' : e.adapter || '(unknown)', 'adapter'),
      e.softwareFallback
        ? h('li', { class: 'warning', 'data-testid': 'shared-fallback' }, 'Software fallback adapter (not a real GPU)')
        : null,
      item('TensorFlow.js', e.tfjsVersion || '(unknown)', 'tfjs'),
      item('Date', when, 'date'),
    ),
  );
}

export interface SharedView {
  /** The decoded payload, or undefined when the link was bad. */
  payload: SharePayload | undefined;
  /** Redraw with this browser's store: domains for the matrix, and which datasets are here. */
  setLocal(catalog: Catalog): void;
}

/** Decode `hash` and draw the shared view into `body` (replacing what it held). */
export async function showSharedView(hash: string, body: HTMLElement): Promise<SharedView> {
  body.replaceChildren(h('p', { 'data-testid': 'shared-status' }, 'Reading the share link…'));
  const r = await decodeShareLink(hash);
  if (!r.ok) {
    body.replaceChildren(
      h(
        'p',
        { class: 'error', role: 'alert', 'data-testid': 'share-error', 'data-code': r.code },
        `This share link cannot be shown: ${withoutQuotedValues(r.error)}`,
      ),
    );
    return { payload: undefined, setLocal: () => undefined };
  }
  const p = r.payload;
  const record = recordFromShare(p);
  let metric: MatrixMetric = 'accuracy';
  let catalog: Catalog = [];
  const matrixBox = h('div', { class: 'shared-matrix', 'data-testid': 'shared-matrix' });
  const datasetsBox = h('div', { class: 'shared-datasets', 'data-testid': 'shared-datasets' });
  const draw = (): void => {
    const m = renderMatrices({ config: p.config, catalog, record, metric });
    // Cells the link does not carry: not "pending" (nothing is running here) and not this store's skip reasons.
    for (const td of m.querySelectorAll<HTMLElement>('td.cell')) {
      if (td.dataset.state === 'done') continue;
      td.dataset.state = 'skipped';
      td.title = 'not in the shared result';
      const v = td.querySelector('.value');
      if (v) {
        v.className = 'value skipped';
        v.textContent = 'n/a';
      }
    }
    matrixBox.replaceChildren(m);
  };
  const metricSwitch = h(
    'fieldset',
    { class: 'metric-switch' },
    h('legend', {}, 'Metric'),
    ...(['accuracy', 'auroc'] as const).map((m) => {
      const radio = h('input', {
        type: 'radio',
        name: 'shared-metric',
        value: m,
        checked: m === metric,
        'data-testid': `shared-metric-${m}`,
      });
      radio.addEventListener('change', () => {
        if (radio.checked) {
          metric = m;
          draw();
        }
      });
      return h('label', {}, radio, ` ${METRIC_LABEL[m]}`);
    }),
  );
  const drawDatasets = (known: boolean): void => {
    if (!known) {
      datasetsBox.replaceChildren(h('p', {}, `Datasets: ${p.datasets.length} in the link; checking this browser…`));
      return;
    }
    const here = new Map(catalog.map((d) => [d.id, d.fingerprint]));
    const present = p.datasets.filter((d) => here.get(d.id) === d.fingerprint).map((d) => d.id);
    const differ = p.datasets.filter((d) => here.has(d.id) && here.get(d.id) !== d.fingerprint).map((d) => d.id);
    const missing = p.datasets.filter((d) => !here.has(d.id)).map((d) => d.id);
    const list = (label: string, ids: string[], id: string): HTMLElement =>
      h(
        'p',
        { 'data-testid': `shared-datasets-${id}`, 'data-count': ids.length },
        `${label} (${ids.length}): `,
        ids.length ? ids.join(', ') : 'none',
      );
    datasetsBox.replaceChildren(
      list('Present in this browser (same fingerprint)', present, 'present'),
      differ.length ? list('Present here but with a different fingerprint (other data)', differ, 'differ') : '',
      list('Missing from this browser', missing, 'missing'),
    );
  };
  const best = p.cells.length;
  body.replaceChildren(
    banner(p),
    h(
      'p',
      { 'data-testid': 'shared-summary' },
      `${best} cells; ${p.config.sources.length} sources × ${p.config.targets.length} targets; ${p.config.episodes} episodes per cell; chance AUROC ${CHANCE_AUROC}.`,
    ),
    metricSwitch,
    matrixBox,
    datasetsBox,
  );
  draw();
  drawDatasets(false);
  return {
    payload: p,
    setLocal(c: Catalog): void {
      catalog = c;
      draw();
      drawDatasets(true);
    },
  };
}

/** "73.2 ± 4.1" of a share cell, as the view shows it (for tests and tools). */
export function shownValue(c: ShareCell, metric: MatrixMetric): string {
  return meanCi(metric === 'accuracy' ? c.accuracy : c.auroc);
}

/**
 * For main.ts: when the page was opened with a share fragment, put the "Shared result" section at the top
 * of `app` and decode the link at once; the returned function gives it this browser's catalog once the
 * store is open. Opening another share link in the same tab reloads the page.
 */
export function mountSharedView(app: HTMLElement): (catalog: () => Promise<Catalog>) => void {
  window.addEventListener('hashchange', () => {
    if (isShareFragment(location.hash)) location.reload();
  });
  if (!isShareFragment(location.hash)) return () => undefined;
  const body = h('div', { id: 'shared-body' });
  app.prepend(
    h(
      'section',
      { id: 'shared', class: 'shared-view', 'aria-labelledby': 'shared-title', 'data-testid': 'shared-view' },
      h('h2', { id: 'shared-title' }, 'Shared result'),
      body,
    ),
  );
  const view = showSharedView(location.hash, body);
  return (catalog) => {
    void view
      .then(async (v) => {
        if (v.payload) v.setLocal(await catalog());
      })
      .catch((e: unknown) => {
        body.append(h('p', { class: 'error' }, `Could not compare with this browser's datasets: ${String(e)}`));
      });
  };
}

/** The decoder quotes offending values; a bad link's own text is not shown, even as text. */
function withoutQuotedValues(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}
