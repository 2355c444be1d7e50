/**
 * `defaultConfig`: a config that runs well on the backend at hand, over the datasets in the catalog.
 *
 * The demo must finish in a few minutes on a 2-core laptop without a GPU, so the CPU backends (wasm,
 * cpu, and `auto` before it has resolved) get 84 x 84 images, K in {1, 5}, 100 episodes, a short
 * training budget and one target task per dataset. WebGL gets 112 x 112; WebGPU gets MedIMeta's
 * 224 x 224, K in {1, 5, 10} and every feasible target task.
 *
 * Rows: cross-domain (all except the target) and the two baselines (untrained encoder, pixels).
 * Targets: the tasks where the smallest K is feasible (`feasibility`), in catalog order.
 */

import type { Catalog } from './catalog';
import { feasibility } from './feasibility';
import type { BackendChoice, Resolution, RunConfig, TargetRef, TrainingBudget } from './types';

interface Profile {
  resolution: Resolution;
  shots: number[];
  episodes: number;
  training: TrainingBudget;
  allTasks: boolean;
}

const CPU_TRAINING: TrainingBudget = {
  steps: 60,
  way: 5,
  shot: 1,
  query: 5,
  lr: 0.001,
  valEvery: 30,
  patience: 5,
  seeds: 1,
};

export const BACKEND_PROFILES: Readonly<Record<BackendChoice, Profile>> = {
  auto: { resolution: 84, shots: [1, 5], episodes: 100, training: CPU_TRAINING, allTasks: false },
  wasm: { resolution: 84, shots: [1, 5], episodes: 100, training: CPU_TRAINING, allTasks: false },
  cpu: {
    resolution: 84,
    shots: [1, 5],
    episodes: 50,
    training: { steps: 20, way: 5, shot: 1, query: 5, lr: 0.001, valEvery: 10, patience: 5, seeds: 1 },
    allTasks: false,
  },
  webgl: {
    resolution: 112,
    shots: [1, 5, 10],
    episodes: 100,
    training: { steps: 300, way: 5, shot: 5, query: 10, lr: 0.001, valEvery: 100, patience: 5, seeds: 1 },
    allTasks: true,
  },
  webgpu: {
    resolution: 224,
    shots: [1, 5, 10],
    episodes: 100,
    training: { steps: 1000, way: 5, shot: 5, query: 10, lr: 0.001, valEvery: 200, patience: 5, seeds: 1 },
    allTasks: true,
  },
};

export const DEFAULT_QUERY = 10;
export const DEFAULT_WAY = 5;

/**
 * The defaults for `backend` over `catalog`. With an empty catalog (or no feasible task) `targets` is
 * empty, which `validateConfig` refuses: the page says to import or generate datasets first.
 */
export function defaultConfig(backend: BackendChoice, catalog: Catalog): RunConfig {
  const profile = BACKEND_PROFILES[backend];
  const query = DEFAULT_QUERY;
  const k = Math.min(...profile.shots);
  const targets: TargetRef[] = [];
  for (const d of catalog) {
    for (const task of d.tasks) {
      const f = feasibility(
        task,
        { mode: 'medimeta', way: DEFAULT_WAY, shot: k, query, split: 'test' },
        d.splitSizes?.test,
      );
      if (!f.runnable) continue;
      targets.push({ dataset: d.id, task: task.name });
      if (!profile.allTasks) break;
    }
  }
  return {
    sources: [{ kind: 'all-except-target' }, { kind: 'untrained' }, { kind: 'pixels' }],
    targets,
    encoder: 'conv4',
    resolution: profile.resolution,
    mode: 'medimeta',
    way: DEFAULT_WAY,
    shots: profile.shots.slice(),
    query,
    episodes: profile.episodes,
    evalSplit: 'test',
    training: { ...profile.training },
    seed: 0,
    backend,
  };
}
