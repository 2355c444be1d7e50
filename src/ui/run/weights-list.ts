/**
 * Stored trained weights (IndexedDB `weights` store): a list with date, encoder, resolution, source
 * tasks, backend, best validation accuracy and size; each can be downloaded as a weights file
 * (src/engine/weights-file.ts: JSON header + float32 data) or deleted, and a weights file exported here
 * or in another browser can be loaded back into the store (a later run with the same key reuses it).
 *
 * Not wired by itself: the run panel appends `element` and calls `refresh()` after each run.
 */

import * as Comlink from 'comlink';
import type { StoredWeightsInfo } from '../../data/store/schema';
import { h } from '../dom';
import { errorText } from '../format';
import { downloadBlob, fileSafe } from './export-image';
import { formatWhen } from './history';

/** The slice of the data worker the list uses. */
export interface WeightsStoreApi {
  listWeights(): Promise<StoredWeightsInfo[]>;
  exportWeights(key: string): Promise<Uint8Array>;
  importWeightsFile(bytes: Uint8Array): Promise<StoredWeightsInfo>;
  deleteWeights(key: string): Promise<void>;
}

export interface WeightsList {
  element: HTMLElement;
  refresh(): Promise<void>;
}

/** `protobench-weights-conv4-84px-wasm-<12 hex>.pbweights` */
export function weightsFileName(info: Pick<StoredWeightsInfo, 'key' | 'keyInput'>): string {
  const k = info.keyInput;
  return `${fileSafe(`protobench-weights-${k.encoder.name}-${k.resolution}px-${k.backend}-${info.key.slice(3, 15)}`)}.pbweights`;
}

/** Download a stored record as a weights file. */
export async function downloadWeights(store: WeightsStoreApi, info: StoredWeightsInfo): Promise<void> {
  const bytes = await store.exportWeights(info.key);
  downloadBlob(
    weightsFileName(info),
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
  );
}

/** Put a weights file back into the store (its buffer is transferred to the data worker). */
export async function loadWeightsFile(store: WeightsStoreApi, file: Blob): Promise<StoredWeightsInfo> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return store.importWeightsFile(Comlink.transfer(bytes, [bytes.buffer]));
}

const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;

export function weightsList(store: WeightsStoreApi): WeightsList {
  const list = h('tbody', {});
  const note = h('p', { class: 'weights-note', 'data-testid': 'weights-note', role: 'status' });
  const input = h('input', {
    type: 'file',
    accept: '.pbweights,application/octet-stream',
    'aria-label': 'Load a weights file',
    'data-testid': 'weights-load',
  });
  const element = h(
    'details',
    { class: 'weights-list', 'data-testid': 'weights-list' },
    h('summary', {}, 'Trained weights'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Trained', 'Encoder', 'Sources', 'Steps', 'Seed', 'Backend', 'Best val acc', 'Size', ''].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      list,
    ),
    h('label', {}, 'Load a weights file: ', input),
    note,
  );

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    void loadWeightsFile(store, file).then(
      (info) => {
        note.textContent = `Loaded weights ${info.key.slice(0, 15)} (${info.keyInput.encoder.name}, ${info.keyInput.backend}).`;
        input.value = '';
        return refresh(false);
      },
      (e: unknown) => {
        note.textContent = `Could not load ${file.name}: ${errorText(e)}`;
        input.value = '';
      },
    );
  });

  async function refresh(clearNote = true): Promise<void> {
    let all: StoredWeightsInfo[];
    try {
      all = await store.listWeights();
    } catch (e) {
      note.textContent = `Could not read stored weights: ${errorText(e)}`;
      return;
    }
    if (clearNote) note.textContent = all.length === 0 ? 'No stored weights: a run stores what it trains.' : '';
    list.replaceChildren(
      ...all.map((r) => {
        const k = r.keyInput;
        const dl = h('button', { type: 'button', 'data-testid': 'weights-download' }, 'Download');
        const del = h('button', { type: 'button', 'data-testid': 'weights-delete' }, 'Delete');
        dl.addEventListener('click', () => {
          void downloadWeights(store, r).catch((e: unknown) => {
            note.textContent = `Download failed: ${errorText(e)}`;
          });
        });
        del.addEventListener('click', () => {
          if (!confirm(`Delete the stored weights ${r.key.slice(0, 15)}? A later run with this config trains again.`))
            return;
          void store.deleteWeights(r.key).then(
            () => refresh(),
            (e: unknown) => {
              note.textContent = `Delete failed: ${errorText(e)}`;
            },
          );
        });
        const acc = r.summary.bestValAccuracy;
        return h(
          'tr',
          { 'data-testid': 'weights-row', 'data-key': r.key },
          h('td', { title: r.createdAt }, formatWhen(r.createdAt)),
          h('td', {}, `${k.encoder.name} ${k.resolution}px`),
          h(
            'td',
            { title: k.sources.map((s) => `${s.datasetId}/${s.taskName}`).join('\n') },
            `${k.sources.length} tasks of ${r.datasets.length} datasets`,
          ),
          h('td', {}, k.training?.steps ?? k.supervised?.settings.steps ?? ''),
          h('td', {}, k.seed),
          h('td', {}, k.backend),
          h('td', {}, Number.isFinite(acc) ? `${(100 * acc).toFixed(1)}%` : '–'),
          h('td', {}, mb(r.bytes)),
          h('td', {}, dl, ' ', del),
        );
      }),
    );
  }

  return { element, refresh };
}
