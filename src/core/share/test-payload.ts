/** Test fixtures: a MedIMeta-sized share payload with realistic random values. Not shipped. */

import { defaultConfig } from '../config/defaults';
import { sourceKey } from '../config/keys';
import { cellKs } from '../config/spec';
import { medimetaCatalog } from '../config/test-catalog';
import type { RunConfig, SourceSpec } from '../config/types';
import { Rng } from '../rng';
import type { SharePayload, ShareCell } from './payload';

/**
 * 54 target tasks x 13 source rows (cross-domain, the two baselines, one row per domain) x K in
 * {1, 5, 10}: 2106 cells. Accuracy rises from chance with K and with how useful the row is; CIs are
 * 1.96 std / sqrt(100) with std in [0.05, 0.2]; values are full doubles (the codec rounds them).
 */
export function medimetaPayload(seed = 1): SharePayload {
  const catalog = medimetaCatalog();
  const base = defaultConfig('webgpu', catalog);
  const domains = [...new Set(catalog.map((d) => d.domain))];
  const sources: SourceSpec[] = [
    { kind: 'all-except-target' },
    { kind: 'untrained' },
    { kind: 'pixels' },
    ...domains.map((domain): SourceSpec => ({ kind: 'domain', domain })),
  ];
  const targets = catalog.flatMap((d) => d.tasks.map((t) => ({ dataset: d.id, task: t.name })));
  const config: RunConfig = { ...base, sources, targets, shots: [1, 5, 10], episodes: 100 };
  const rng = new Rng(seed);
  const cells: ShareCell[] = [];
  const ci = (): number => (1.96 * (0.05 + 0.15 * rng.float())) / 10;
  for (const s of sources) {
    const rowGain = 0.2 + 0.6 * rng.float();
    for (const t of targets) {
      const task = catalog.find((d) => d.id === t.dataset)!.tasks.find((x) => x.name === t.task)!;
      const chance = task.target === 'MULTILABEL_CLASSIFICATION' ? 0.5 : 1 / task.classCounts.length;
      const gain = rowGain * (0.5 + rng.float());
      for (const k of cellKs(config)) {
        const g = Math.min(0.95, gain * (1 - Math.exp(-(k + 1) / 4)));
        const acc = chance + (1 - chance) * g + (rng.float() - 0.5) * 0.04;
        const auc = 0.5 + 0.5 * g + (rng.float() - 0.5) * 0.04;
        cells.push({
          source: sourceKey(s),
          target: t,
          k,
          method: 'protonet',
          episodes: 100,
          accuracy: { mean: Math.min(1, Math.max(0, acc)), ci95: ci() },
          auroc: { mean: Math.min(1, Math.max(0, auc)), ci95: ci() },
        });
      }
    }
  }
  return {
    config,
    cells,
    environment: {
      backend: 'webgpu',
      adapter: 'NVIDIA GeForce RTX 4070 (ampere)',
      softwareFallback: false,
      browser: 'Chrome 126',
      tfjsVersion: '4.22.0',
    },
    datasets: catalog.map((d) => ({ id: d.id, fingerprint: d.fingerprint })),
    createdAt: '2026-03-14T09:26:53.589Z',
  };
}
