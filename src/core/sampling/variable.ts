/**
 * Meta-Dataset variable-way variable-shot episodes (Triantafillou et al. 2020, "Meta-Dataset", ICLR,
 * section 3.2 and appendix; reference code: google-research/meta-dataset, meta_dataset/data/sampling.py,
 * `EpisodeDescriptionSampler.sample_episode_description` with its default episode config:
 * min_ways 5, max_ways_upper_bound 50, max_num_query 10, max_support_set_size 500,
 * max_support_size_contrib_per_class 100, min_log_weight log(0.5), max_log_weight log(2)).
 *
 * With C usable classes and n_c images of class c in the split:
 *   way    ~ U{min(5, C) .. min(50, C)}                    (sample_num_ways_uniformly)
 *   classes: `way` of the C, uniformly without replacement  (sample_class_ids_uniformly)
 *   q      = min(10, min_c floor(n_c / 2))                  (compute_num_query), per class
 *   beta   ~ U[0, 1)
 *   |S|    = min(500, sum_c floor(beta * min(100, n_c - q) + 1))   (sample_support_set_size; floor(.+1)
 *            is ceil with beta in (0, 1], so |S| >= way)
 *   a_c    ~ U[log 0.5, log 2),  R_c = n_c * exp(a_c) / sum_c' n_c' * exp(a_c')
 *   k_c    = min(floor(R_c * (|S| - way)) + 1, n_c - q)  (sample_num_support_per_class)
 * then k_c + q distinct images of class c, the first k_c support and the other q query.
 *
 * Departures, for MedIMeta's small tasks:
 * - Meta-Dataset refuses splits with fewer than 5 classes; here way is then all C classes (binary tasks
 *   give 2-way episodes). At least 2 usable classes are required.
 * - Classes with fewer than 2 images cannot give a query image and are dropped (Meta-Dataset raises).
 * - Multilabel tasks are refused (no single class per image).
 */

import type { ClassPools } from './class-pools';
import { formatSplitCounts, plural } from './describe';
import { sampleDistinct } from './distinct';
import type { ClassCount, EpisodeSampler, LabelledImage } from './types';

export const VARIABLE_EPISODE_CONFIG = {
  minWays: 5,
  maxWaysUpperBound: 50,
  maxNumQuery: 10,
  maxSupportSetSize: 500,
  maxSupportSizeContribPerClass: 100,
  minLogWeight: Math.log(0.5),
  maxLogWeight: Math.log(2),
  /** Our addition: a class needs one query image and one support image. */
  minExamplesInClass: 2,
} as const;

export function variableSampler(pools: ClassPools, request: string): EpisodeSampler {
  if (pools.kind !== 'single') {
    throw new Error(
      `${request}: variable-way episodes need a single-label task, but the task is multilabel (use medimeta mode)`,
    );
  }
  const cfg = VARIABLE_EPISODE_CONFIG;
  const counts: ClassCount[] = pools.classes.map((c) => ({ value: c.value, name: c.name, count: c.images.length }));
  const usedIdx = counts.map((_, c) => c).filter((c) => (counts[c] as ClassCount).count >= cfg.minExamplesInClass);
  const eligible = usedIdx.map((c) => counts[c] as ClassCount);
  const dropped = counts.filter((c) => c.count < cfg.minExamplesInClass);
  if (usedIdx.length < 2) {
    throw new Error(
      `${request}: only ${plural(usedIdx.length, 'class has', 'classes have')} >= ${cfg.minExamplesInClass} images, at least 2 needed ${formatSplitCounts(eligible, dropped)}`,
    );
  }
  const C = usedIdx.length;
  const minWay = Math.min(cfg.minWays, C);
  const maxWay = Math.min(cfg.maxWaysUpperBound, C);

  return {
    eligible,
    dropped,
    draw(rng, index) {
      const way = minWay + rng.int(maxWay - minWay + 1);
      const chosen = sampleDistinct(rng, C, way).sort((a, b) => a - b);
      const pools_ = chosen.map((e) => pools.classes[usedIdx[e] as number] as (typeof pools.classes)[number]);
      const n = pools_.map((p) => p.images.length);

      let minN = Infinity;
      for (const x of n) minN = Math.min(minN, x);
      const q = Math.min(cfg.maxNumQuery, Math.floor(minN / 2));

      const beta = rng.float();
      let sizeSum = 0;
      for (const x of n) sizeSum += Math.floor(beta * Math.min(cfg.maxSupportSizeContribPerClass, x - q) + 1);
      const supportSize = Math.min(cfg.maxSupportSetSize, sizeSum);

      const weights = n.map((x) => x * Math.exp(rng.uniform(cfg.minLogWeight, cfg.maxLogWeight)));
      let wSum = 0;
      for (const w of weights) wSum += w;
      const shots = weights.map((w, j) =>
        Math.min(Math.floor((w / wSum) * (supportSize - way)) + 1, (n[j] as number) - q),
      );

      const support: LabelledImage[] = [];
      const query: LabelledImage[] = [];
      const classes = pools_.map((pool, label) => {
        const k = shots[label] as number;
        const picks = sampleDistinct(rng, pool.images.length, k + q);
        for (let t = 0; t < k + q; t++)
          (t < k ? support : query).push({ image: pool.images[picks[t] as number] as number, label });
        return { value: pool.value, name: pool.name };
      });
      return { kind: 'single', index, way, classes, support, query };
    },
  };
}
