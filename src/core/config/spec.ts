/** From a config to what the engine runs: the K values of the matrix and the episode spec of each. */

import type { EpisodeSpec } from '../sampling/types';
import { parseSourceKey } from './keys';
import type { RunConfig } from './types';

/**
 * Which CI a row's cells carry: with training repeats (`training.seeds` > 1) the trained and untrained
 * rows average over repeats and their CI includes the training spread; pixels, and every row of a run
 * without repeats, have the episode CI (src/core/stats/repeats.ts).
 */
export function ciKindOf(config: Pick<RunConfig, 'training'>, source: string): 'episodes' | 'episodes+training' {
  return config.training.seeds > 1 && parseSourceKey(source)?.kind !== 'pixels' ? 'episodes+training' : 'episodes';
}

/**
 * The K of each matrix: `shots` for fixed and medimeta; [0] for variable (one matrix, K varies per
 * episode; cells record k = 0, and n = q = 0).
 */
export function cellKs(config: Pick<RunConfig, 'mode' | 'shots'>): number[] {
  return config.mode === 'variable' ? [0] : config.shots.slice();
}

/** The spec of the cells at `k` (ignored for variable). Evaluation episodes use the run's seed. */
export function episodeSpecFor(config: Pick<RunConfig, 'mode' | 'way' | 'query' | 'seed'>, k: number): EpisodeSpec {
  switch (config.mode) {
    case 'fixed':
      return { mode: 'fixed', way: config.way, shot: k, query: config.query, seed: config.seed };
    case 'medimeta':
      return { mode: 'medimeta', shot: k, query: config.query, seed: config.seed };
    case 'variable':
      return { mode: 'variable', seed: config.seed };
  }
}

/**
 * The config with the fields its mode ignores set to fixed values (way = 0 outside fixed; shots = [] and
 * query = 0 in variable), and valEvery = 0 when nothing trains: two configs that run the same benchmark
 * have the same effective config (and the same `configHash`).
 */
export function effectiveConfig(config: RunConfig): RunConfig {
  return {
    ...config,
    sources: config.sources.map((s) => ({ ...s })),
    targets: config.targets.map((t) => ({ ...t })),
    methods: config.methods.slice(),
    finetune: { ...config.finetune },
    supervised: { ...config.supervised },
    way: config.mode === 'fixed' ? config.way : 0,
    shots: config.mode === 'variable' ? [] : config.shots.slice(),
    query: config.mode === 'variable' ? 0 : config.query,
    training: { ...config.training, valEvery: config.training.steps === 0 ? 0 : config.training.valEvery },
  };
}
