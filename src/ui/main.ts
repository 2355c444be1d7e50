import * as Comlink from 'comlink';
import type { ClassCount } from '../core/class-counts';
import { isBackendRequest, type BackendRequest } from '../engine/environment';
import type { GenerateProgress } from '../data/demo-writer';
import { backendChooser, backendReport } from './backend-panel';
import { catalog } from './catalog';
import { importPanel } from './import-panel';
import { runPanel } from './run/panel';
import { loadCatalog } from './run/catalog';
import { mountSharedView, type LocalRuns, type SharedResults } from './run/shared-view';
import { h } from './dom';
import { bytes, errorText } from './format';
import { startWorkers, type Workers } from './workers';

/** The demo meta-dataset's seed: fixed, so every browser holds the same demo data (same fingerprints). */
const DEMO_SEED = 1;

function requestedBackend(): BackendRequest | Error {
  const v = new URLSearchParams(location.search).get('backend') ?? 'auto';
  return isBackendRequest(v)
    ? v
    : new Error(`Unknown backend "${v.slice(0, 40)}" in the URL: use auto, webgpu, wasm, webgl or cpu`);
}

function section(title: string, id: string): { el: HTMLElement; body: HTMLElement } {
  const body = h('div', { id: `${id}-body` });
  return {
    el: h('section', { id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), body),
    body,
  };
}

async function main(): Promise<void> {
  const app = document.getElementById('app') as HTMLElement;
  const backendSec = section('Backend', 'backend');
  const dataSec = section('Datasets', 'datasets');
  const importSec = section('Import MedIMeta datasets', 'import');
  const storeSec = section('Storage', 'storage');
  const runSec = section('Run', 'run');
  app.append(backendSec.el, runSec.el, dataSec.el, importSec.el, storeSec.el);
  // A share link (#r=v1.…) or a dropped result file: decoded and shown read-only above everything else.
  const shared = mountSharedView(app);
  app.insertBefore(openResultControl(shared), dataSec.el);

  const workers = await startWorkers();
  // Tests and benchmarks drive the same workers the page uses.
  (window as unknown as { protobench: Workers }).protobench = workers;

  const requested = requestedBackend();
  const backendDone = showBackend(workers, requested, backendSec.body);
  const catalogBody = h('div', { id: 'catalog-body' });
  const refresh = (): Promise<void> => showCatalog(workers, catalogBody, storeSec.body);
  importPanel(workers, importSec.body, refresh);
  const dataDone = showData(workers, dataSec.body, catalogBody, refresh);
  await Promise.allSettled([backendDone, dataDone]);
  document.body.dataset.ready = 'true';
  // The benchmark needs both: the backend that runs it and the datasets it reads.
  let local: LocalRuns | undefined;
  try {
    local = await runPanel(workers, runSec.body, await workers.compute.environment());
  } catch (e) {
    runSec.body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Run panel error: ${errorText(e)}`));
  }
  shared.setLocal(() => loadCatalog(workers.data), local);
  document.body.dataset.runReady = 'true';
}

/**
 * "Open a result": a file someone shared (the JSON export a too-large link falls back to, or a saved
 * link), chosen or dropped anywhere on the page.
 */
function openResultControl(shared: SharedResults): HTMLElement {
  const input = h('input', {
    type: 'file',
    accept: '.json,.txt,application/json,text/plain',
    'aria-label': 'Open a result file',
    'data-testid': 'open-result-file',
  });
  const open = (file: File | undefined): void => {
    if (file) void shared.openFile(file);
  };
  input.addEventListener('change', () => {
    open(input.files?.[0]);
    input.value = '';
  });
  // Dropped files open as shared results, except on the import section, whose own inputs take datasets.
  const forImport = (e: DragEvent): boolean => (e.target as Element | null)?.closest?.('#import') !== null;
  document.addEventListener('dragover', (e) => {
    if (!forImport(e) && e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  document.addEventListener('drop', (e) => {
    if (forImport(e) || !e.dataTransfer?.files.length) return;
    e.preventDefault();
    open(e.dataTransfer.files[0]);
  });
  return h(
    'section',
    { id: 'open-result', 'aria-labelledby': 'open-result-title' },
    h('h2', { id: 'open-result-title' }, 'Open a shared result'),
    h(
      'p',
      {},
      'Paste a share link into the address bar, or drop a result file (a JSON export) anywhere on the page, or ',
      h('label', {}, 'choose one: ', input),
    ),
  );
}

async function showBackend(w: Workers, requested: BackendRequest | Error, body: HTMLElement): Promise<void> {
  const status = h('p', { 'data-testid': 'backend-status' }, 'Starting TensorFlow.js…');
  body.append(backendChooser(requested instanceof Error ? 'auto' : requested), status);
  try {
    if (requested instanceof Error) throw requested;
    const env = await w.compute.init(requested);
    status.replaceWith(backendReport(env));
    document.body.dataset.backend = env.backend;
  } catch (e) {
    status.replaceWith(
      h('p', { class: 'error', role: 'alert', 'data-testid': 'backend-error' }, `Backend error: ${errorText(e)}`),
    );
    document.body.dataset.backend = 'error';
  }
}

async function showData(
  w: Workers,
  body: HTMLElement,
  catalogBody: HTMLElement,
  refresh: () => Promise<void>,
): Promise<void> {
  const status = h('p', { 'data-testid': 'data-status' }, 'Opening the dataset store…');
  const bar = h('progress', { max: 1, value: 0, 'aria-label': 'Demo generation progress' });
  body.append(status, bar, catalogBody);
  try {
    persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
    const st = await w.data.init();
    cleaned = st.cleanup.abandonedWrites.length;
    // ?demo=off: use only imported data (and let tests start from an empty store).
    const wantDemo = new URLSearchParams(location.search).get('demo') !== 'off';
    let demoDone = false;
    status.textContent = 'Writing the synthetic demo meta-dataset…';
    const result = await (wantDemo
      ? w.data.generateDemo(
          DEMO_SEED,
          {},
          Comlink.proxy((p: GenerateProgress) => {
            // Callbacks come over their own channel and can arrive after the result: ignore late ones.
            if (demoDone) return;
            bar.value = p.images / p.totalImages;
            status.textContent = `Synthetic demo: ${p.dataset} (${p.datasetIndex + 1} of ${p.datasets}), ${p.images} of ${p.totalImages} images`;
          }),
        )
      : Promise.resolve({ written: [], skipped: [], manifests: [], ms: 0 }));
    demoDone = true;
    status.textContent = !wantDemo
      ? 'Synthetic demo not written (demo=off).'
      : result.written.length > 0
        ? `Synthetic demo written (${result.written.length} datasets in ${(result.ms / 1000).toFixed(1)} s).`
        : 'Synthetic demo already stored.';
    await refresh();
  } catch (e) {
    status.replaceWith(
      h('p', { class: 'error', role: 'alert', 'data-testid': 'data-error' }, `Data error: ${errorText(e)}`),
    );
  } finally {
    bar.remove();
  }
}

let persisted = false;
let cleaned = 0;

/** (Re)draw the catalog and the storage line from what the store holds now. */
async function showCatalog(w: Workers, body: HTMLElement, storeBody: HTMLElement): Promise<void> {
  const datasets = await w.data.listDatasets();
  const counts = new Map<string, Record<string, ClassCount[]>>();
  await Promise.all(datasets.map(async (d) => counts.set(d.id, await w.data.classCounts(d.id))));
  const refresh = (): Promise<void> => showCatalog(w, body, storeBody);
  body.replaceChildren(
    catalog(datasets, counts, {
      remove: async (id) => {
        await w.data.deleteDataset(id);
        await refresh();
      },
      thumbnails: (id) => w.data.thumbnails(id, 3),
    }),
  );
  const est = await navigator.storage?.estimate?.();
  storeBody.replaceChildren(
    h(
      'p',
      { 'data-testid': 'storage' },
      `${bytes(datasets.reduce((n, d) => n + d.bytes, 0))} of images in ${datasets.length} datasets. `,
      est?.usage !== undefined && est.quota !== undefined
        ? `Browser storage: ${bytes(est.usage)} used of ${bytes(est.quota)} granted. `
        : '',
      persisted ? 'Storage is persistent.' : 'Storage is not persistent: the browser may evict it under pressure.',
      cleaned > 0 ? ` Cleaned up ${cleaned} interrupted write(s).` : '',
    ),
  );
}

main().catch((e) => {
  document
    .getElementById('app')
    ?.append(h('p', { class: 'error', role: 'alert' }, `ProtoBench failed to start: ${errorText(e)}`));
});
