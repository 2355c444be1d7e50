/**
 * `defaultConfig`: a config that runs well on the backend at hand, over the datasets in the catalog.
 *
 * The demo must finish in a few minutes on a 2-core laptop without a GPU, so the CPU backends (wasm,
 * cpu, and `auto` before it has resolved) get 84 x 84 images, K in {1, 5}, 100 episodes, a short
 * training budget and one target task per dataset. WebGL gets 112 x 112; WebGPU gets MedIMeta's
 * 224 x 224, K in {1, 5, 10} and every feasible target task.
 *
 * The per-backend values are the field table's (`fields.ts`).
 *
 * Rows: cross-domain (all except the target) and the two baselines (untrained encoder, pixels).
 * Targets: the tasks where the smallest K is feasible (`feasibility`), in catalog order.
 */

import type { Catalog } from './catalog';
import { setPath, type ConfigField } from './field';
import { DEFAULT_QUERY, DEFAULT_WAY, FIELDS } from './fields';
import { feasibility } from './feasibility';
import type { BackendChoice, RunConfig, TargetRef } from './types';

/** Whether the defaults hold every feasible task of a dataset (else its first one): GPUs can afford them. */
const ALL_TASKS: Readonly<Record<BackendChoice, boolean>> = {
  auto: false,
  wasm: false,
  cpu: false,
  webgl: true,
  webgpu: true,
};

/** Every field's default on `backend` (fields without one, such as the targets, are left out). */
export function fieldDefaults(backend: BackendChoice, table: readonly ConfigField[] = FIELDS): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of table) if (f.defaults) setPath(out, f.path, structuredClone(f.defaults[backend]));
  return out;
}

/**
 * The defaults for `backend` over `catalog`. With an empty catalog (or no feasible task) `targets` is
 * empty, which `validateConfig` refuses: the page says to import or generate datasets first.
 */
export function defaultConfig(backend: BackendChoice, catalog: Catalog): RunConfig {
  const draft = fieldDefaults(backend) as Omit<RunConfig, 'targets'>;
  const k = Math.min(...draft.shots);
  const targets: TargetRef[] = [];
  for (const d of catalog) {
    for (const task of d.tasks) {
      const f = feasibility(
        task,
        { mode: 'medimeta', way: DEFAULT_WAY, shot: k, query: DEFAULT_QUERY, split: 'test' },
        d.splitSizes?.test,
      );
      if (!f.runnable) continue;
      targets.push({ dataset: d.id, task: task.name });
      if (!ALL_TASKS[backend]) break;
    }
  }
  // Keys in table order, as the validator writes them (records store this object as it is).
  const { sources, ...rest } = draft;
  return { sources, targets, ...rest };
}
