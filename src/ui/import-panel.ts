import * as Comlink from 'comlink';
import { SPLITS, type SplitName } from '../core/types';
import type {
  ConflictChoice,
  ConflictPolicy,
  ImportOptions,
  ImportProgress,
  ImportResult,
} from '../data/import/import-job';
import type { ImportInput } from '../data/import/inputs';
import type { DatasetManifest } from '../data/store/schema';
import { h } from './dom';
import { bytes, errorText } from './format';
import type { Workers } from './workers';

let nextJob = 1;

/**
 * Import MedIMeta datasets three ways: drop or pick zips, pick a folder, or give a URL. Every way runs
 * the same import job in the data worker, with progress, cancel and a choice when an id exists.
 */
export function importPanel(w: Workers, body: HTMLElement, onImported: () => Promise<void>): void {
  const zipInput = h('input', {
    type: 'file',
    accept: '.zip,application/zip',
    multiple: true,
    'data-testid': 'import-zip',
  });
  const folderInput = h('input', {
    type: 'file',
    webkitdirectory: true,
    multiple: true,
    'data-testid': 'import-folder',
  });
  const urlInput = h('input', {
    type: 'url',
    placeholder: 'https://…/bus.zip or https://…/bus/',
    size: 50,
    'data-testid': 'import-url',
  });
  const urlButton = h('button', { type: 'button', 'data-testid': 'import-url-go' }, 'Import URL');
  const drop = h('div', { class: 'drop', tabindex: 0, 'data-testid': 'import-drop' }, 'Drop MedIMeta zips here');

  const splitBoxes = SPLITS.map((s) =>
    h('input', { type: 'checkbox', checked: true, value: s, 'data-testid': `import-split-${s}` }),
  );
  const maxPerClass = h('input', {
    type: 'number',
    min: 1,
    placeholder: 'all',
    size: 6,
    'data-testid': 'import-max-per-class',
  });
  const resize = h('input', { type: 'checkbox', 'data-testid': 'import-resize' });
  const onExists = h('select', { 'data-testid': 'import-on-exists' });
  for (const [v, label] of [
    ['ask', 'ask me'],
    ['replace', 'replace it'],
    ['keep-both', 'keep both'],
    ['cancel', 'skip the import'],
  ] as const) {
    onExists.append(h('option', { value: v }, label));
  }

  const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Import progress' });
  const status = h('p', { 'data-testid': 'import-status', role: 'status' });
  const cancel = h('button', { type: 'button', hidden: true, 'data-testid': 'import-cancel' }, 'Cancel import');
  const results = h('div', { 'data-testid': 'import-results' });
  const dialog = h('dialog', { 'data-testid': 'import-conflict' });

  body.append(
    h(
      'div',
      { class: 'import-ways' },
      drop,
      h('label', {}, 'Zips ', zipInput),
      h('label', {}, 'Folder ', folderInput),
      h('span', {}, urlInput, ' ', urlButton),
    ),
    h(
      'details',
      { class: 'import-options' },
      h('summary', {}, 'Import options'),
      h('p', {}, 'Splits: ', ...splitBoxes.flatMap((b) => [h('label', {}, b, ` ${b.value} `)])),
      h('p', {}, h('label', {}, 'At most ', maxPerClass, ' images per class and split (first task, seeded)')),
      h(
        'p',
        {},
        h(
          'label',
          {},
          resize,
          ' Resize and convert images that are not 224x224 or have the wrong channel count (recorded)',
        ),
      ),
      h('p', {}, h('label', {}, 'If the dataset id exists: ', onExists)),
    ),
    bar,
    status,
    cancel,
    results,
    dialog,
  );

  let running = false;
  /** The job whose progress is shown; 0 once its result is in. */
  let current = 0;
  const run = async (inputs: ImportInput[]): Promise<void> => {
    if (running || inputs.length === 0) return;
    running = true;
    const jobId = nextJob++;
    current = jobId;
    results.replaceChildren();
    bar.hidden = false;
    bar.value = 0;
    cancel.hidden = false;
    status.textContent = 'Starting import…';
    const onCancel = (): void => void w.data.cancelImport(jobId);
    cancel.addEventListener('click', onCancel);
    try {
      const options = readOptions();
      const r = await w.data.importDatasets(
        jobId,
        inputs,
        options,
        // Progress comes over its own channel and can arrive after the result: ignore late calls.
        Comlink.proxy((p: ImportProgress) => (jobId === current ? showProgress(p) : undefined)),
        Comlink.proxy((id: string, existing: DatasetManifest) => askConflict(dialog, id, existing)),
      );
      current = 0;
      showResult(r);
      await onImported();
    } catch (e) {
      status.textContent = '';
      results.append(h('p', { class: 'error', role: 'alert' }, `Import failed: ${errorText(e)}`));
    } finally {
      current = 0;
      cancel.removeEventListener('click', onCancel);
      cancel.hidden = true;
      bar.hidden = true;
      running = false;
    }
  };

  const readOptions = (): ImportOptions => {
    const splits = splitBoxes.filter((b) => b.checked).map((b) => b.value as SplitName);
    const max = Number(maxPerClass.value);
    return {
      splits: splits.length === SPLITS.length ? undefined : splits,
      maxPerClass:
        maxPerClass.value && Number.isInteger(max) && max > 0 ? { count: max, seed: 0, task: '' } : undefined,
      resize: resize.checked,
      onExists: onExists.value as ConflictPolicy,
    };
  };

  const showProgress = (p: ImportProgress): void => {
    bar.value = p.totalImages > 0 ? p.images / p.totalImages : 0;
    const eta = p.etaMs !== null && p.stage === 'writing' ? `, about ${Math.ceil(p.etaMs / 1000)} s left` : '';
    const amount =
      p.totalImages > 0
        ? `: ${p.images} of ${p.totalImages} images, ${bytes(p.bytes)} of ${bytes(p.totalBytes)}${eta}`
        : '';
    status.textContent = `${p.source} (${p.datasetIndex} of ${p.datasets}) ${p.stage}${amount}`;
  };

  const showResult = (r: ImportResult): void => {
    status.textContent = r.cancelled ? 'Import cancelled: the dataset in progress was not kept.' : 'Import finished.';
    for (const m of r.imported)
      results.append(
        h('p', { class: 'ok' }, `Imported ${m.id}: ${m.numImages} images (${m.fingerprint.slice(0, 19)}…)`),
      );
    for (const s of r.skipped) results.append(h('p', {}, `Skipped ${s}: its id already exists.`));
    for (const f of r.failed) {
      results.append(
        h(
          'div',
          { class: 'error', role: 'alert', 'data-testid': 'import-failure' },
          h('p', {}, `Could not import ${f.source}. Nothing of it was stored.`),
          h(
            'ul',
            {},
            ...(f.problems.length > 0
              ? f.problems.map((p) =>
                  h(
                    'li',
                    { 'data-file': p.file, 'data-field': p.field, 'data-expected': p.expected, 'data-found': p.found },
                    p.message,
                  ),
                )
              : [h('li', {}, f.message)]),
          ),
        ),
      );
    }
  };

  zipInput.addEventListener('change', () => {
    const files = [...(zipInput.files ?? [])];
    zipInput.value = '';
    void run(files.map((f) => ({ kind: 'zip', file: f, name: f.name })));
  });
  folderInput.addEventListener('change', () => {
    const files = [...(folderInput.files ?? [])];
    folderInput.value = '';
    void run(
      files.length
        ? [{ kind: 'files', files: files.map((f) => ({ path: f.webkitRelativePath || f.name, file: f })) }]
        : [],
    );
  });
  urlButton.addEventListener(
    'click',
    () => void run(urlInput.value.trim() ? [{ kind: 'url', url: urlInput.value.trim() }] : []),
  );
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    void run(files.map((f) => ({ kind: 'zip', file: f, name: f.name })));
  });
}

/** Ask what to do with an id that exists; resolves when the person chooses. */
function askConflict(dialog: HTMLDialogElement, id: string, existing: DatasetManifest): Promise<ConflictChoice> {
  return new Promise((resolve) => {
    const choose = (c: ConflictChoice) => () => {
      dialog.close();
      resolve(c);
    };
    const btn = (c: ConflictChoice, label: string): HTMLButtonElement => {
      const b = h('button', { type: 'button', 'data-choice': c }, label);
      b.addEventListener('click', choose(c));
      return b;
    };
    dialog.replaceChildren(
      h(
        'p',
        {},
        `A dataset with id "${id}" is already stored (${existing.numImages} images, ${existing.fingerprint.slice(0, 19)}…, ${existing.createdAt}).`,
      ),
      h(
        'p',
        {},
        btn('replace', 'Replace it'),
        ' ',
        btn('keep-both', 'Keep both'),
        ' ',
        btn('cancel', 'Cancel this import'),
      ),
    );
    dialog.showModal();
  });
}
