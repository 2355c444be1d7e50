/**
 * The "Run" section: the default config for the running backend over the stored datasets, a few editable
 * fields, Run / Cancel / Resume, progress, the matrix, and exports (JSON, CSV, share link).
 */

import {
  FORM_GROUPS,
  checkAgainstCatalog,
  configFromQuery,
  configHash,
  configToQuery,
  defaultConfig,
  formSpec,
  formText,
  formValue,
  getPath,
  setPath,
  sourceKey,
  targetKey,
  validateConfig,
  type Catalog,
  type FormInput,
  type RunConfig,
  type SourceSpec,
} from '../../core/config';
import {
  matrixLayout,
  recordToCSV,
  recordToJSON,
  trainingsToCSV,
  resumable,
  type RunEnvironment,
  type RunRecord,
} from '../../core/results';
import { encodeShareLink, ShareLinkError, sharePayloadFromRecord, testsFromRecord } from '../../core/share';

/** Longest share link the page offers (whole URL); larger results are shared as a file instead. */
export const SHARE_LINK_BUDGET = 16 * 1024;
import { h } from '../dom';
import { errorText } from '../format';
import type { Workers } from '../workers';
import { loadCatalog } from './catalog';
import { downloadBlob, imageName, matrixSvg, svgText, svgToPng } from './export-image';
import { runHistory } from './history';
import type { LocalRuns } from './shared-view';
import { metricSwitch, renderMatrices, type MatrixMetric } from './matrix';
import { startRun, type LiveTraining, type RunJob, type RunProgress } from './orchestrator';
import { ProgressMeter } from './progress-meter';
import { weightsList } from './weights-list';
import { renderShotCurve } from './shot-curve';
import { renderTestScores } from './test-scores';
import { renderTrainingCurves } from './training-curve';

const BASE_SOURCES: SourceSpec[] = [
  { kind: 'all-except-target' },
  { kind: 'mm-pt' },
  { kind: 'supervised' },
  { kind: 'untrained' },
  { kind: 'pixels' },
];

/** Query parameters of the page itself, not of the run config (`demo=off`: skip writing the demo datasets). */
const PAGE_PARAMS = ['demo'];

/**
 * The run-config part of a query string, or undefined when it holds none. `backend` alone picks the
 * backend (the chooser's reload) and leaves the config at that backend's defaults.
 */
export function configQueryOf(search: string): string | undefined {
  const params = new URLSearchParams(search);
  for (const p of PAGE_PARAMS) params.delete(p);
  const names = [...params.keys()];
  return names.length === 0 || names.every((n) => n === 'backend') ? undefined : params.toString();
}

/** `config` as this page's URL (page parameters and the fragment kept), without a history entry. */
function writeConfigToUrl(config: RunConfig): void {
  const url = new URL(location.href);
  const page = new URLSearchParams();
  for (const p of PAGE_PARAMS) for (const v of url.searchParams.getAll(p)) page.append(p, v);
  url.search = [configToQuery(config), page.toString()].filter((x) => x.length > 0).join('&');
  if (url.href !== location.href) history.replaceState(history.state, '', url);
}

type FieldElement = HTMLInputElement | HTMLSelectElement;

/** The element of one scalar input of the form spec (`formSpec`), ids and labels as the spec says. */
function inputElement(f: FormInput): FieldElement {
  const common = { id: f.id, 'aria-label': f.ariaLabel, 'data-testid': f.id };
  switch (f.kind) {
    case 'number':
      return h('input', { ...common, type: 'number', min: f.min, max: f.max, step: f.step, value: 0 });
    case 'list':
    case 'names':
      return h('input', { ...common, type: 'text', value: '', size: f.size });
    case 'select':
      return h('select', common, ...(f.options ?? []).map((o) => h('option', { value: String(o) }, String(o))));
  }
}

/**
 * Training steps and the validation interval read '' as 0; fewer steps than the interval: validate at the
 * end rather than refuse the config.
 */
function clampValidation(candidate: Record<string, unknown>, text: (path: string) => string | undefined): void {
  const stepsText = text('training.steps');
  const valText = text('training.valEvery');
  if (stepsText === undefined || valText === undefined) return;
  const steps = Number(stepsText);
  const val = Number(valText);
  setPath(candidate, 'training.steps', steps);
  setPath(
    candidate,
    'training.valEvery',
    Number.isInteger(steps) && steps >= 0 && Number.isInteger(val) && val >= 0 ? Math.min(val, steps) : val,
  );
}

/** Sources a config can name beyond the baselines: every domain, dataset and single-label task of the catalog. */
function catalogSources(catalog: Catalog): SourceSpec[] {
  return [
    ...[...new Set(catalog.map((d) => d.domain))].sort().map((domain): SourceSpec => ({ kind: 'domain', domain })),
    ...catalog.map((d): SourceSpec => ({ kind: 'dataset', dataset: d.id })),
    ...catalog.flatMap((d) =>
      d.tasks
        .filter((t) => t.target !== 'MULTILABEL_CLASSIFICATION')
        .map((t): SourceSpec => ({ kind: 'task', dataset: d.id, task: t.name })),
    ),
  ];
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Build the Run section into `body`; resolves once the defaults are shown, with what a shared result may
 * ask of it (reproduce a config, find this browser's runs), or undefined when nothing can run here.
 */
export async function runPanel(
  w: Workers,
  body: HTMLElement,
  env: RunEnvironment | undefined,
): Promise<LocalRuns | undefined> {
  if (!env) {
    body.replaceChildren(h('p', { class: 'error' }, 'No backend: the benchmark cannot run.'));
    return undefined;
  }
  let catalog: Catalog = await loadCatalog(w.data);
  let base = defaultConfig(env.backend, catalog);
  let config: RunConfig = base;
  /** What the form edits: the fields it does not show come from here (the defaults, or a resumed run's config). */
  let template: RunConfig = base;
  let record: RunRecord | undefined;
  let resumeFrom: RunRecord | undefined;
  let job: RunJob | undefined;
  let metric: MatrixMetric = 'accuracy';
  /** The shot curve's source row (default: the first). */
  let curveRow: string | undefined;

  // ---- the form ----
  const spec = formSpec();
  /** The scalar inputs, by config path. */
  const fields = new Map(spec.map((f): [FormInput, FieldElement] => [f, inputElement(f)]));
  const sourceBox = h('fieldset', { class: 'run-sources' }, h('legend', {}, 'Sources (rows)'));
  const targetBox = h('fieldset', { class: 'run-targets' }, h('legend', {}, 'Targets (columns)'));
  /** Errors that stop the run (invalid config, unknown datasets, no runnable cell): Run is disabled. */
  const issues = h('ul', { class: 'run-issues', 'data-testid': 'run-issues', role: 'alert' });
  /** What the run will skip or warn about; it can still start. */
  const notes = h('ul', { class: 'run-notes', 'data-testid': 'run-notes' });
  /** Errors of the config in the page's URL: shown until the form is edited; the URL is left as it was. */
  let urlErrors: string[] = [];
  /** The shown config has no error and at least one runnable cell. */
  let runnable = false;
  const summary = h('p', { class: 'run-summary', 'data-testid': 'run-summary' });

  const runBtn = h('button', { type: 'button', 'data-testid': 'run-start' }, 'Run');
  const cancelBtn = h('button', { type: 'button', 'data-testid': 'run-cancel', disabled: true }, 'Cancel');
  const resumeBtn = h('button', { type: 'button', 'data-testid': 'run-resume', disabled: true }, 'Resume');
  const defaultsBtn = h('button', { type: 'button', 'data-testid': 'run-defaults' }, 'Defaults');
  const jsonBtn = h('button', { type: 'button', 'data-testid': 'run-export-json', disabled: true }, 'Export JSON');
  const perEpisodeBox = h('input', { type: 'checkbox', checked: true, 'data-testid': 'run-export-per-episode' });
  const csvBtn = h('button', { type: 'button', 'data-testid': 'run-export-csv', disabled: true }, 'Export CSV');
  const shareBtn = h('button', { type: 'button', 'data-testid': 'run-share', disabled: true }, 'Share link');
  /** Shown instead of the link when the result is too large for one. */
  const shareFileBtn = h(
    'button',
    { type: 'button', 'data-testid': 'run-share-file', hidden: true },
    'Download share file',
  );
  const svgBtn = h('button', { type: 'button', 'data-testid': 'run-export-svg', disabled: true }, 'Export SVG');
  const pngBtn = h('button', { type: 'button', 'data-testid': 'run-export-png', disabled: true }, 'Export PNG');
  const curveBox = h('div', { class: 'run-curve', 'data-testid': 'run-curve' });
  const trainingBox = h('div', { class: 'run-trainings' });
  const testBox = h('div', { class: 'run-test-scores', 'data-testid': 'run-test-scores' });
  const trainCsvBtn = h(
    'button',
    { type: 'button', 'data-testid': 'run-export-training-csv', disabled: true },
    'Export training curves (CSV)',
  );
  /** The training in progress (drawn live), until its record arrives. */
  let liveTraining: LiveTraining | undefined;
  const history = runHistory(
    w.data,
    (id) => openRun(id),
    (id) => {
      if (record?.id === id) record = undefined;
      if (resumeFrom?.id === id) resumeFrom = undefined;
      setRunning(job !== undefined);
      drawMatrix();
    },
  );
  const storedWeights = weightsList(w.data);
  const shareOut = h('input', {
    type: 'text',
    readonly: true,
    class: 'share-link',
    'aria-label': 'Share link',
    'data-testid': 'run-share-link',
    hidden: true,
  });
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Run progress', 'data-testid': 'run-bar' });
  const progressText = h('p', { 'data-testid': 'run-progress', role: 'status' }, 'Idle.');
  /** Cells done, ETA and throughput of the run in progress. */
  const etaText = h('p', { class: 'run-eta', 'data-testid': 'run-eta' });
  const meter = new ProgressMeter();
  const matrixBox = h('div', { class: 'run-matrix', 'data-testid': 'run-matrix' });
  const metrics = metricSwitch('run-metric', '', metric, (m) => {
    metric = m;
    drawMatrix();
  });

  /** A labelled checkbox of the form (a source row or a target column). */
  function choice(key: string, checked: boolean, attrs: Record<string, string>, title?: string): HTMLElement {
    const box = h('input', { type: 'checkbox', value: key, checked, ...attrs });
    box.addEventListener('change', () => onEdit());
    return h('label', title ? { title } : {}, box, ` ${key}`);
  }

  function fillForm(c: RunConfig): void {
    for (const [f, el] of fields) el.value = formText(f, getPath(c, f.path));
    const srcKeys = new Set(c.sources.map(sourceKey));
    const sourceBoxFor = (s: SourceSpec): HTMLElement => {
      const key = sourceKey(s);
      return choice(key, srcKeys.has(key), { 'data-testid': 'run-source', 'data-source': key });
    };
    // The config's own sources first (a source of another browser's catalog stays listed, so the check names it).
    const more = [...catalogSources(catalog), ...c.sources].filter(
      (s, i, all) =>
        !BASE_SOURCES.some((b) => b.kind === s.kind) && all.findIndex((x) => sourceKey(x) === sourceKey(s)) === i,
    );
    const chosenMore = more.filter((s) => srcKeys.has(sourceKey(s))).length;
    sourceBox.replaceChildren(
      h('legend', {}, 'Sources (rows)'),
      ...BASE_SOURCES.map(sourceBoxFor),
      h(
        'details',
        { class: 'more-sources', ...(chosenMore > 0 ? { open: true } : {}) },
        h('summary', {}, `Domains, datasets and tasks as sources (${more.length})`),
        ...more.map(sourceBoxFor),
      ),
    );
    const tgtKeys = new Set(c.targets.map(targetKey));
    const inCatalog = catalog.flatMap((d) => d.tasks.map((t) => ({ dataset: d.id, task: t.name, domain: d.domain })));
    // Targets of the config this browser does not hold stay listed (checked), so the catalog check names them.
    const allTargets = [
      ...inCatalog,
      ...c.targets
        .filter((t) => !inCatalog.some((x) => targetKey(x) === targetKey(t)))
        .map((t) => ({ ...t, domain: '(not in this browser)' })),
    ];
    const domains = [...new Set(allTargets.map((t) => t.domain))];
    targetBox.replaceChildren(
      h('legend', {}, 'Targets (columns), by domain'),
      ...domains.map((domain) =>
        h(
          'div',
          { class: 'target-domain', 'data-testid': 'run-target-domain' },
          h('span', { class: 'domain-name' }, `${domain}: `),
          ...allTargets
            .filter((t) => t.domain === domain)
            .map((t) => {
              const key = targetKey(t);
              const attrs = { 'data-testid': 'run-target', 'data-target': key, 'data-domain': t.domain };
              return choice(key, tgtKeys.has(key), attrs, t.domain);
            }),
        ),
      ),
    );
  }

  /** The config the form describes, or the validator's errors. */
  function readForm(): { ok: true; config: RunConfig } | { ok: false; errors: string[] } {
    const checked = (box: HTMLElement): string[] =>
      [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((b) => b.checked).map((b) => b.value);
    const srcKeys = new Set(checked(sourceBox));
    const tgtKeys = new Set(checked(targetBox));
    const allSources = [...template.sources, ...BASE_SOURCES, ...catalogSources(catalog)];
    const sources = allSources.filter(
      (s, i) => srcKeys.has(sourceKey(s)) && allSources.findIndex((x) => sourceKey(x) === sourceKey(s)) === i,
    );
    // The template's targets keep their order; others follow in catalog order.
    const targets = [
      ...template.targets,
      ...catalog.flatMap((d) => d.tasks.map((t) => ({ dataset: d.id, task: t.name }))),
    ].filter((t, i, all) => tgtKeys.has(targetKey(t)) && all.findIndex((x) => targetKey(x) === targetKey(t)) === i);
    const candidate: Record<string, unknown> = { ...structuredClone(template), sources, targets };
    for (const [f, el] of fields) setPath(candidate, f.path, formValue(f, el.value));
    clampValidation(candidate, (path) => [...fields].find(([f]) => f.path === path)?.[1].value);
    const v = validateConfig(candidate);
    return v.ok
      ? { ok: true, config: v.config }
      : { ok: false, errors: v.errors.map((e) => `${e.path || 'config'}: expected ${e.expected}, found ${e.found}`) };
  }

  /** Re-read the form: validate, check against the catalog, list what stops or changes the run, update the URL. */
  function onEdit(fromUser = true): void {
    if (fromUser) urlErrors = [];
    if (urlErrors.length > 0) {
      issues.replaceChildren(
        ...urlErrors.map((e) => h('li', { class: 'error', 'data-severity': 'error' }, `Config in the URL: ${e}`)),
      );
      notes.replaceChildren();
      runnable = false;
      runBtn.disabled = true;
      return;
    }
    const r = readForm();
    if (!r.ok) {
      issues.replaceChildren(...r.errors.map((e) => h('li', { class: 'error', 'data-severity': 'error' }, e)));
      notes.replaceChildren();
      runnable = false;
      runBtn.disabled = true;
      return;
    }
    config = r.config;
    const check = checkAgainstCatalog(config, catalog);
    const item = (i: (typeof check.issues)[number]): HTMLElement =>
      h('li', { class: i.severity, 'data-severity': i.severity, 'data-path': i.path }, i.message);
    issues.replaceChildren(...check.issues.filter((i) => i.severity === 'error').map(item));
    const skips = check.issues.filter((i) => i.severity === 'skip').length;
    notes.replaceChildren(
      ...check.issues.filter((i) => i.severity === 'warning').map(item),
      skips > 0
        ? h(
            'li',
            { class: 'skip', 'data-severity': 'skip' },
            `${check.total - check.cells.length} of ${check.total} cells will not run (${skips} reasons, shown in the matrix).`,
          )
        : '',
    );
    runnable = check.ok;
    runBtn.disabled = job !== undefined || !runnable;
    if (record && record.configHash !== configHash(config)) record = undefined;
    writeConfigToUrl(config);
    drawMatrix();
  }

  function drawMatrix(): void {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.cell;
    try {
      const shown = record ?? (resumeFrom && resumeFrom.configHash === configHash(config) ? resumeFrom : undefined);
      const c = shown ? shown.config : config;
      matrixBox.replaceChildren(renderMatrices({ config: c, catalog, record: shown, metric }));
      curveBox.replaceChildren(
        renderShotCurve({
          config: c,
          catalog,
          record: shown,
          metric,
          row: curveRow,
          onRow: (key) => {
            curveRow = key;
            drawMatrix();
          },
        }),
      );
      trainingBox.replaceChildren(renderTrainingCurves(shown?.trainings ?? [], job ? liveTraining : undefined));
      testBox.replaceChildren(renderTestScores(shown ? testsFromRecord(shown) : [], (shown?.config ?? c).evalSplit));
      summary.textContent = shown
        ? `Run ${shown.id.slice(0, 8)}: ${shown.status}, ${shown.cells.length} cells, config ${shown.configHash}.`
        : `Config ${configHash(config)}: ${config.sources.length} sources x ${config.targets.length} targets x ${config.shots.length} K.`;
    } catch (e) {
      matrixBox.replaceChildren(h('p', { class: 'error' }, `Matrix error: ${errorText(e)}`));
    }
    if (focused) matrixBox.querySelector<HTMLElement>(`[data-cell="${CSS.escape(focused)}"]`)?.focus();
  }

  function setRunning(running: boolean): void {
    runBtn.disabled = running || !runnable;
    cancelBtn.disabled = !running;
    resumeBtn.disabled = running || !resumeFrom;
    defaultsBtn.disabled = running;
    const done = !running && !!record && record.cells.length > 0;
    jsonBtn.disabled = !done;
    csvBtn.disabled = !done;
    trainCsvBtn.disabled = !done || !record?.trainings?.length;
    shareBtn.disabled = !done;
    svgBtn.disabled = !done;
    pngBtn.disabled = !done;
    body.dataset.running = running ? 'true' : 'false';
  }

  function onProgress(p: RunProgress): void {
    progressText.textContent = p.text;
    etaText.textContent = ['done', 'cancelled', 'failed'].includes(p.phase) ? '' : meter.update(p).text;
    bar.value = p.cellsTotal > 0 ? p.cellsDone / p.cellsTotal : 0;
    body.dataset.phase = p.phase;
  }

  /** Run `cfg` (or resume `resume`); resolves with the final record, or undefined when the run failed. */
  async function launch(cfg: RunConfig, resume?: RunRecord): Promise<RunRecord | undefined> {
    record = resume;
    resumeFrom = undefined;
    meter.start(resume?.cells.length ?? 0);
    etaText.textContent = '';
    shareOut.hidden = true;
    shareFileBtn.hidden = true;
    setRunning(true);
    body.dataset.status = 'running';
    progressText.textContent = resume ? `Resuming run ${resume.id.slice(0, 8)}…` : 'Starting…';
    const started = startRun(
      {
        evaluateCell: (req, cb) => w.compute.evaluateCell(req, cb),
        trainEncoder: (req, cb) => w.compute.trainEncoder(req, cb),
        // Aborts the engine call in flight, so Cancel stops the worker, not just the page's wait.
        cancel: (token) => w.compute.cancel(token),
        saveRecord: (r) => w.data.putRun(r),
      },
      { config: cfg, catalog, environment: env as RunEnvironment, ...(resume ? { resume } : {}) },
      {
        onRecord: (r) => {
          record = r;
          drawMatrix();
        },
        onProgress,
        onTraining: (t) => {
          liveTraining = t;
          // Redraw at each validation and every 10 steps: enough to watch, cheap for the page.
          const n = t.losses.length;
          if (t.validations.at(-1)?.step === n || n % 10 === 0) drawMatrix();
        },
      },
    );
    job = started;
    try {
      const final = await started.done;
      record = final;
      resumeFrom = final.status === 'done' ? undefined : final;
      body.dataset.status = final.status;
      return final;
    } catch (e) {
      progressText.textContent = `Run error: ${errorText(e)}`;
      body.dataset.status = 'error';
      return undefined;
    } finally {
      job = undefined;
      liveTraining = undefined;
      setRunning(false);
      drawMatrix();
      void history.refresh(record?.id);
      void storedWeights.refresh();
    }
  }

  /** Show a stored run (read-only), with Resume if it is unfinished. */
  async function openRun(id: string): Promise<void> {
    if (job) return;
    const rec = await w.data.getRun(id);
    if (!rec) {
      progressText.textContent = `Run ${id.slice(0, 8)} is no longer stored.`;
      return;
    }
    const ok = rec.status === 'done' ? undefined : resumable(rec, rec.config, catalog);
    resumeFrom = ok?.ok ? rec : undefined;
    record = rec;
    config = rec.config;
    template = rec.config;
    fillForm(config);
    onEdit();
    shareOut.hidden = true;
    shareFileBtn.hidden = true;
    body.dataset.status = rec.status;
    body.dataset.shown = rec.id;
    progressText.textContent =
      `Showing run ${rec.id.slice(0, 8)} (${rec.status}, ${rec.cells.length} cells)` +
      (resumeFrom ? '; it can be resumed.' : ok && !ok.ok ? `; cannot resume: ${ok.reasons.join('; ')}` : '.');
    setRunning(false);
    drawMatrix();
  }

  /** Each K's matrix of the shown record as SVG (or PNG). */
  async function exportImages(kind: 'svg' | 'png'): Promise<void> {
    const rec = record;
    if (!rec) return;
    for (const k of matrixLayout(rec.config, catalog).ks) {
      const img = matrixSvg(rec, catalog, metric, k);
      const name = imageName(rec, metric, k);
      if (kind === 'svg') downloadBlob(`${name}.svg`, new Blob([svgText(img)], { type: 'image/svg+xml' }));
      else downloadBlob(`${name}.png`, await svgToPng(img, 2));
    }
  }

  runBtn.addEventListener('click', () => {
    const r = readForm();
    if (!r.ok) return;
    config = r.config;
    void launch(config);
  });
  cancelBtn.addEventListener('click', () => {
    progressText.textContent = 'Cancelling…';
    job?.cancel();
  });
  resumeBtn.addEventListener('click', () => {
    const from = resumeFrom;
    if (!from) return;
    const ok = resumable(from, from.config, catalog);
    if (!ok.ok) {
      progressText.textContent = `Cannot resume: ${ok.reasons.join('; ')}`;
      return;
    }
    config = from.config;
    template = from.config;
    fillForm(config);
    onEdit();
    void launch(from.config, from);
  });
  defaultsBtn.addEventListener('click', () => {
    void (async () => {
      catalog = await loadCatalog(w.data);
      base = defaultConfig(env.backend, catalog);
      config = base;
      template = base;
      record = undefined;
      fillForm(config);
      onEdit();
    })();
  });
  jsonBtn.addEventListener('click', () => {
    if (record)
      download(
        `protobench-${record.id}.json`,
        'application/json',
        recordToJSON(record, { indent: 1, perEpisode: perEpisodeBox.checked }),
      );
  });
  csvBtn.addEventListener('click', () => {
    if (record) download(`protobench-${record.id}.csv`, 'text/csv', recordToCSV(record));
  });
  trainCsvBtn.addEventListener('click', () => {
    if (record) download(`protobench-${record.id}-training.csv`, 'text/csv', trainingsToCSV(record));
  });
  for (const [btn, kind] of [
    [svgBtn, 'svg'],
    [pngBtn, 'png'],
  ] as const)
    btn.addEventListener('click', () => {
      void exportImages(kind).catch((e: unknown) => {
        progressText.textContent = `Image export error: ${errorText(e)}`;
      });
    });
  shareBtn.addEventListener('click', () => {
    if (!record) return;
    const rec = record;
    const tooLarge = (length: number): void => {
      shareOut.hidden = true;
      shareFileBtn.hidden = false;
      progressText.textContent =
        `This result is too large for a link (${(length / 1024).toFixed(1)} KB; links stay under ` +
        `${SHARE_LINK_BUDGET / 1024} KB). Download the share file and send it: dropped on this page, it opens ` +
        'as a shared result.';
    };
    void encodeShareLink(sharePayloadFromRecord(rec)).then(
      (fragment) => {
        const url = `${location.origin}${location.pathname}#${fragment}`;
        if (url.length > SHARE_LINK_BUDGET) {
          tooLarge(url.length);
          return;
        }
        shareFileBtn.hidden = true;
        shareOut.value = url;
        shareOut.hidden = false;
        shareOut.select();
      },
      (e: unknown) => {
        if (e instanceof ShareLinkError && e.code === 'too-large') tooLarge(e.length ?? NaN);
        else progressText.textContent = `Share link error: ${errorText(e)}`;
      },
    );
  });
  shareFileBtn.addEventListener('click', () => {
    if (record) download(`protobench-share-${record.id}.json`, 'application/json', recordToJSON(record));
  });
  for (const [f, el] of fields) el.addEventListener(f.kind === 'select' ? 'change' : 'input', () => onEdit());

  body.replaceChildren(
    h(
      'form',
      { class: 'run-form', 'data-testid': 'run-form' },
      ...FORM_GROUPS.map(({ group, ariaLabel }) =>
        h(
          'div',
          { class: 'run-fields', ...(ariaLabel ? { 'aria-label': ariaLabel } : {}) },
          ...[...fields].filter(([f]) => f.group === group).map(([f, el]) => h('label', {}, `${f.label} `, el)),
        ),
      ),
      sourceBox,
      targetBox,
      h(
        'p',
        { class: 'run-fixed' },
        `Backend ${env.backend}. Modes: fixed = N-way K-shot Q-query; medimeta = all classes of the task, K ` +
          'support and Q query each; variable = Meta-Dataset variable way and shot (N, K, Q unused). ' +
          'Sources train on their train split; targets are evaluated on the chosen split.',
      ),
      issues,
      notes,
    ),
    h(
      'div',
      { class: 'run-buttons' },
      runBtn,
      cancelBtn,
      resumeBtn,
      defaultsBtn,
      jsonBtn,
      h('label', { class: 'inline' }, perEpisodeBox, ' per-episode values'),
      csvBtn,
      trainCsvBtn,
      svgBtn,
      pngBtn,
      shareBtn,
    ),
    shareOut,
    shareFileBtn,
    bar,
    progressText,
    etaText,
    summary,
    metrics,
    matrixBox,
    testBox,
    curveBox,
    trainingBox,
    history.element,
    storedWeights.element,
  );
  // A config in the URL (a bookmarked or shared setup, a sweep) replaces the defaults; a bad one is explained
  // and nothing runs until it is fixed.
  const urlQuery = configQueryOf(location.search);
  if (urlQuery !== undefined) {
    const fromUrl = configFromQuery(urlQuery, base);
    if (fromUrl.ok) {
      config = fromUrl.config;
      template = fromUrl.config;
    } else urlErrors = fromUrl.errors.map((e) => e.message);
  }
  fillForm(config);

  // A run left unfinished (cancelled, failed, or a closed tab) can be resumed.
  try {
    const runs = await w.data.listRuns();
    const last = runs.find((r) => r.status !== 'done');
    if (last) {
      const rec = await w.data.getRun(last.id);
      if (rec && resumable(rec, rec.config, catalog).ok) {
        resumeFrom = rec;
        if (urlQuery === undefined) {
          config = rec.config;
          template = rec.config;
          fillForm(config);
        }
        progressText.textContent = `Run ${rec.id.slice(0, 8)} (${rec.status}, ${rec.cells.length} cells) can be resumed.`;
      }
    }
  } catch (e) {
    progressText.textContent = `Could not read stored runs: ${errorText(e)}`;
  }
  onEdit(false);
  setRunning(false);
  await history.refresh();
  await storedWeights.refresh();

  return {
    backend: env.backend,
    async reproduce(cfg: RunConfig): Promise<RunRecord> {
      if (job) throw new Error('a run is in progress in the Run section: cancel it or wait until it ends');
      record = undefined;
      config = cfg;
      template = cfg;
      fillForm(cfg);
      onEdit();
      if (!runnable)
        throw new Error(`the config cannot run here: ${[...issues.children].map((li) => li.textContent).join('; ')}`);
      body.scrollIntoView({ block: 'start' });
      const r = await launch(config);
      if (!r) throw new Error(progressText.textContent ?? 'the run failed');
      return r;
    },
    async latest(cfg: RunConfig): Promise<RunRecord | undefined> {
      const hash = configHash(cfg);
      const newest = (await w.data.listRuns())
        .filter((r) => r.configHash === hash && r.cells > 0)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
      return newest ? w.data.getRun(newest.id) : undefined;
    },
  };
}
