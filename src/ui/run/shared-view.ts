/**
 * The read-only "Shared result" view of a share link (`#r=v1.…`): the fragment is decoded (and fully
 * validated) by `decodeShareLink` before anything of it is shown. A bad link shows the decoder's error
 * and nothing else from the link. A good one shows what produced it (browser, backend, adapter, tfjs,
 * date), its matrices (drawn by matrix.ts from cells converted here) and which of its datasets this
 * browser holds with the same fingerprint. Every string from the link goes into the page as text (h()).
 */

import { configHash, type Catalog, type RunConfig } from '../../core/config';
import { CHANCE_AUROC, recordFromJSON, type CellResult, type RunRecord } from '../../core/results';
import { decodeShareLink, sharePayloadFromRecord, type ShareCell, type SharePayload } from '../../core/share';
import { h } from '../dom';
import { errorText } from '../format';
import { renderComparison } from './compare-view';
import { meanCi, metricSwitch, renderMatrices, type MatrixMetric } from './matrix';
import { renderTestScores } from './test-scores';

/** What the Run section offers a shared result: run its config here, and find this browser's runs of it. */
export interface LocalRuns {
  /** The backend this page runs on (a reproduction runs on it, whatever the link's backend was). */
  backend: RunConfig['backend'];
  /** Start `config` in the Run section; resolves with its record when it ends (throws if it cannot start). */
  reproduce(config: RunConfig): Promise<RunRecord>;
  /** The newest stored run of `config` (same config hash) that has cells, if any. */
  latest(config: RunConfig): Promise<RunRecord | undefined>;
}

/** Largest result file the page opens (a JSON record with per-episode values of a big run). */
export const MAX_RESULT_FILE_BYTES = 64 * 1024 * 1024;

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
    method: c.method,
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

/** Just enough of a run record for `renderMatrices` and `compareRuns`. */
export function recordFromShare(p: SharePayload): RunRecord {
  const e = p.environment;
  return {
    config: p.config,
    cells: p.cells.map((c) => cellFromShare(c, p)),
    datasets: p.datasets.map((d) => ({ ...d })),
    environment: {
      backend: e.backend,
      adapter: e.adapter === null ? null : { vendor: '', architecture: '', device: '', description: e.adapter },
      softwareFallback: e.softwareFallback,
      tfjsVersion: e.tfjsVersion,
    },
  } as unknown as RunRecord;
}

/** "Chrome 126, WebGPU on NVIDIA …, tfjs 4.22.0, 2026-11-26 09:30 UTC" as separate text fields. */
function banner(p: SharePayload, from: string): HTMLElement {
  const e = p.environment;
  const date = new Date(p.createdAt);
  const when = Number.isNaN(date.getTime()) ? p.createdAt : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const item = (label: string, value: string, id: string): HTMLElement =>
    h('li', {}, `${label}: `, h('span', { 'data-testid': `shared-${id}` }, value));
  return h(
    'div',
    { class: 'shared-banner', 'data-testid': 'shared-banner' },
    h('p', {}, `Produced on another machine and shared as ${from} (read-only; values rounded to 0.1 points):`),
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
  /** Redraw with this browser's store (domains for the matrix, which datasets are here) and its runs. */
  setLocal(catalog: Catalog, local?: LocalRuns): void;
}

/** Decode `hash` and draw the shared view into `body` (replacing what it held). */
export async function showSharedView(hash: string, body: HTMLElement): Promise<SharedView> {
  body.replaceChildren(h('p', { 'data-testid': 'shared-status' }, 'Reading the share link…'));
  const r = await decodeShareLink(hash);
  if (!r.ok) return showShareError(body, `This share link cannot be shown: ${withoutQuotedValues(r.error)}`, r.code);
  return showSharedPayload(r.payload, body, 'a link');
}

function showShareError(body: HTMLElement, message: string, code: string): SharedView {
  body.replaceChildren(
    h('p', { class: 'error', role: 'alert', 'data-testid': 'share-error', 'data-code': code }, message),
  );
  return { payload: undefined, setLocal: () => undefined };
}

/**
 * A result file: the page's JSON export of a run (the fallback for results too large for a link), or a
 * text file holding a share link. Checked as fully as a link before anything of it is shown.
 */
export async function showSharedFile(file: File, body: HTMLElement): Promise<SharedView> {
  const name = file.name.slice(0, 80);
  if (file.size > MAX_RESULT_FILE_BYTES)
    return showShareError(
      body,
      `The file ${JSON.stringify(name)} cannot be opened: expected at most ${MAX_RESULT_FILE_BYTES} bytes, found ${file.size}.`,
      'too-large',
    );
  body.replaceChildren(h('p', { 'data-testid': 'shared-status' }, 'Reading the result file…'));
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    return showShareError(body, `The file ${JSON.stringify(name)} cannot be read: ${errorText(e)}`, 'unreadable');
  }
  const link = /(?:^|#)(r=v\d+\.[A-Za-z0-9_-]*)\s*$/.exec(text.trim());
  if (link && !text.trimStart().startsWith('{')) {
    const r = await decodeShareLink(link[1]);
    if (!r.ok)
      return showShareError(
        body,
        `The share link in ${JSON.stringify(name)} cannot be shown: ${withoutQuotedValues(r.error)}`,
        r.code,
      );
    return showSharedPayload(r.payload, body, `a link in the file ${name}`);
  }
  const parsed = recordFromJSON(text);
  if (!parsed.ok) {
    const first = parsed.errors
      .slice(0, 5)
      .map((e) => `${e.path || 'file'}: expected ${e.expected}, found ${e.found}`)
      .join('; ');
    return showShareError(
      body,
      `The file ${JSON.stringify(name)} is not a ProtoBench result: ${withoutQuotedValues(first)}` +
        (parsed.errors.length > 5 ? ` (and ${parsed.errors.length - 5} more)` : ''),
      'bad-file',
    );
  }
  return showSharedPayload(sharePayloadFromRecord(parsed.record), body, `the file ${name}`);
}

/** Draw a decoded (validated) payload: banner, matrices, datasets here, Reproduce and Compare. */
function showSharedPayload(p: SharePayload, body: HTMLElement, from: string): SharedView {
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
    matrixBox.replaceChildren(m, renderTestScores(p.tests ?? [], p.config.evalSplit));
  };
  const metrics = metricSwitch('shared-metric', 'shared-', metric, (m) => {
    metric = m;
    drawAll();
  });
  let local: LocalRuns | undefined;
  /** This browser's run the comparison shows (a reproduction, or the newest stored run of the config). */
  let mine: RunRecord | undefined;
  const actions = h('div', { class: 'shared-actions', 'data-testid': 'shared-actions' });
  const actionNote = h('p', { 'data-testid': 'shared-action-status', role: 'status' });
  const compareBox = h('div', { class: 'shared-compare', 'data-testid': 'shared-compare' });
  const reproduceBtn = h(
    'button',
    { type: 'button', 'data-testid': 'shared-reproduce', disabled: true },
    'Reproduce here',
  );
  const compareBtn = h('button', { type: 'button', 'data-testid': 'shared-compare-button', disabled: true }, 'Compare');
  actions.append(reproduceBtn, compareBtn);
  /** The config a reproduction runs: the link's, on this page's backend. */
  const here = (): RunConfig => ({ ...p.config, backend: local?.backend ?? p.config.backend });
  const drawCompare = (): void => {
    if (!mine) return;
    compareBox.replaceChildren(
      renderComparison(record, recordFromShare(sharePayloadFromRecord(mine)), metric, {
        a: 'shared',
        b: `here (${mine.environment.backend}, run ${mine.id.slice(0, 8)})`,
      }),
    );
  };
  const drawAll = (): void => {
    draw();
    drawCompare();
  };

  const drawDatasets = (known: boolean): void => {
    if (!known) {
      datasetsBox.replaceChildren(h('p', {}, `Datasets: ${p.datasets.length} in the link; checking this browser…`));
      return;
    }
    const held = new Map(catalog.map((d) => [d.id, d.fingerprint]));
    const present = p.datasets.filter((d) => held.get(d.id) === d.fingerprint).map((d) => d.id);
    const differ = p.datasets.filter((d) => held.has(d.id) && held.get(d.id) !== d.fingerprint).map((d) => d.id);
    const missing = p.datasets.filter((d) => !held.has(d.id)).map((d) => d.id);
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
    // Reproducing needs every dataset with the same content; otherwise say which are not here.
    const blockers = [...missing.map((id) => `${id} (missing)`), ...differ.map((id) => `${id} (different content)`)];
    reproduceBtn.disabled = !local || blockers.length > 0;
    compareBtn.disabled = !local;
    reproduceBtn.textContent = local ? `Reproduce here (${local.backend})` : 'Reproduce here';
    actionNote.textContent = !local
      ? 'This page cannot run benchmarks (no backend), so it cannot reproduce or compare.'
      : blockers.length > 0
        ? `Cannot reproduce here: this browser lacks ${blockers.join(', ')}. Import them, then reload this link.`
        : `Reproduce runs the same config and seed here on ${local.backend} (config ${configHash(here())}).`;
  };

  reproduceBtn.addEventListener('click', () => {
    if (!local) return;
    reproduceBtn.disabled = true;
    actionNote.textContent = 'Reproducing in the Run section…';
    body.dataset.reproduce = 'running';
    local.reproduce(here()).then(
      (r) => {
        mine = r;
        body.dataset.reproduce = r.status;
        actionNote.textContent = `Reproduction ${r.status} (run ${r.id.slice(0, 8)}, ${r.cells.length} cells): compared below.`;
        drawCompare();
        reproduceBtn.disabled = false;
      },
      (e: unknown) => {
        body.dataset.reproduce = 'error';
        actionNote.textContent = `Could not reproduce: ${errorText(e)}`;
        reproduceBtn.disabled = false;
      },
    );
  });
  compareBtn.addEventListener('click', () => {
    if (!local) return;
    local.latest(here()).then(
      (r) => {
        if (!r) {
          actionNote.textContent = `No run of this config (${configHash(here())}) in this browser yet: reproduce it first.`;
          return;
        }
        mine = r;
        actionNote.textContent = `Compared with run ${r.id.slice(0, 8)} of ${r.createdAt} (${r.status}).`;
        drawCompare();
      },
      (e: unknown) => {
        actionNote.textContent = `Could not read this browser's runs: ${errorText(e)}`;
      },
    );
  });

  const best = p.cells.length;
  body.replaceChildren(
    banner(p, from),
    h(
      'p',
      { 'data-testid': 'shared-summary' },
      `${best} cells; ${p.config.sources.length} sources × ${p.config.targets.length} targets; ${p.config.episodes} episodes per cell; chance AUROC ${CHANCE_AUROC}.`,
    ),
    metrics,
    matrixBox,
    datasetsBox,
    actions,
    actionNote,
    compareBox,
  );
  draw();
  drawDatasets(false);
  return {
    payload: p,
    setLocal(c: Catalog, runs?: LocalRuns): void {
      catalog = c;
      local = runs;
      drawAll();
      drawDatasets(true);
    },
  };
}

/** "73.2 ± 4.1" of a share cell, as the view shows it (for tests and tools). */
export function shownValue(c: ShareCell, metric: MatrixMetric): string {
  return meanCi(metric === 'accuracy' ? c.accuracy : c.auroc);
}

/** For main.ts: the "Shared result" section, from a link in the fragment or a file dropped on the page. */
export interface SharedResults {
  /** This browser's catalog (once the store is open) and, when the page can run, its runs. */
  setLocal(catalog: () => Promise<Catalog>, local?: LocalRuns): void;
  /** Open a result file (the JSON export, or a text file holding a link) in place of what is shown. */
  openFile(file: File): Promise<void>;
}

/**
 * When the page was opened with a share fragment, put the "Shared result" section at the top of `app`
 * and decode the link at once; a dropped or chosen file opens there too. Opening another share link in
 * the same tab reloads the page.
 */
export function mountSharedView(app: HTMLElement): SharedResults {
  window.addEventListener('hashchange', () => {
    if (isShareFragment(location.hash)) location.reload();
  });
  let body: HTMLElement | undefined;
  let view: Promise<SharedView> | undefined;
  let localCtx: { catalog: () => Promise<Catalog>; local?: LocalRuns } | undefined;
  const section = (): HTMLElement => {
    if (body) return body;
    body = h('div', { id: 'shared-body' });
    app.prepend(
      h(
        'section',
        { id: 'shared', class: 'shared-view', 'aria-labelledby': 'shared-title', 'data-testid': 'shared-view' },
        h('h2', { id: 'shared-title' }, 'Shared result'),
        body,
      ),
    );
    return body;
  };
  const connect = (): void => {
    const v = view;
    const ctx = localCtx;
    if (!v || !ctx) return;
    void v
      .then(async (shown) => {
        if (shown.payload) shown.setLocal(await ctx.catalog(), ctx.local);
      })
      .catch((e: unknown) => {
        body?.append(h('p', { class: 'error' }, `Could not compare with this browser's datasets: ${errorText(e)}`));
      });
  };
  if (isShareFragment(location.hash)) view = showSharedView(location.hash, section());
  return {
    setLocal(catalog, local) {
      localCtx = { catalog, ...(local ? { local } : {}) };
      connect();
    },
    async openFile(file) {
      const b = section();
      b.parentElement?.scrollIntoView({ block: 'start' });
      view = showSharedFile(file, b);
      await view;
      connect();
    },
  };
}

/** The decoder quotes offending values; a bad link's own text is not shown, even as text. */
function withoutQuotedValues(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}
