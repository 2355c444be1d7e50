/** Test fixtures: an environment report and a small run record. Not shipped. */

import { defaultConfig } from '../config/defaults';
import { smallCatalog } from '../config/test-catalog';
import type { RunEnvironment } from './environment';
import { newRunRecord, withCell } from './record';
import type { CellResult, RunRecord } from './types';

export function webgpuEnvironment(): RunEnvironment {
  return {
    requested: 'auto',
    backend: 'webgpu',
    attempts: [{ backend: 'webgpu', ok: true }],
    adapter: {
      vendor: 'nvidia',
      architecture: 'ampere',
      device: '',
      description: 'NVIDIA GeForce RTX 3060',
      isFallbackAdapter: false,
      limits: { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 },
    },
    softwareFallback: false,
    wasm: null,
    tfjsVersion: '4.22.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    crossOriginIsolated: true,
    hardwareConcurrency: 8,
  };
}

export function cell(
  source: string,
  dataset: string,
  task: string,
  k: number,
  acc: number,
  auc: number,
  ci = 0.02,
): CellResult {
  return {
    source,
    target: { dataset, task },
    k,
    n: 3,
    q: 10,
    episodes: 100,
    accuracy: { mean: acc, ci95: ci, std: (ci * 10) / 1.96 },
    auroc: { mean: auc, ci95: ci, std: (ci * 10) / 1.96 },
    perClassAccuracy: [
      { value: 0, name: 'benign', accuracy: acc + 0.05 },
      { value: 1, name: 'malignant', accuracy: acc - 0.05 },
      { value: 2, name: 'normal', accuracy: NaN },
    ],
    chance: 1 / 3,
    timings: { loadMs: 10, compileMs: 200, warmupMs: 30, embedMs: 400, episodesMs: 50 },
  };
}

/** A done run over the small catalog's defaults with four cells. */
export function smallRecord(): RunRecord {
  const catalog = smallCatalog();
  let r = newRunRecord({
    id: 'run-1',
    createdAt: '2026-03-14T09:26:53.589Z',
    config: defaultConfig('wasm', catalog),
    environment: webgpuEnvironment(),
    datasets: catalog.map((d) => ({ id: d.id, fingerprint: d.fingerprint })),
  });
  r = withCell(r, cell('all-except-target', 'bus', 'case category', 1, 0.55, 0.71));
  r = withCell(r, cell('all-except-target', 'bus', 'case category', 5, 0.68, 0.83));
  r = withCell(r, cell('pixels', 'bus', 'case category', 1, 0.41, 0.58));
  r = withCell(r, {
    ...cell('untrained', 'oct', 'disease class', 5, 0.5, NaN),
    perEpisode: { accuracy: [0.5, 0.25, 0.75], auroc: [NaN, NaN, NaN] },
  });
  return { ...r, status: 'done', timings: { ...r.timings, trainMs: 1234, totalMs: 5000 } };
}
