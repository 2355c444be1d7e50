/**
 * Classic N-way K-shot Q-query episodes (Snell et al. 2017, "Prototypical Networks"; 600 test episodes,
 * Q = 15): pick N classes uniformly among the classes with at least K+Q images in the split, then K+Q
 * distinct images of each, the first K as support and the other Q as query.
 *
 * Binary and ordinal tasks are sampled as multiclass (a binary task allows N <= 2); multilabel tasks have
 * no single class per image and are refused (use `medimeta` mode).
 */

import type { ClassPools } from './class-pools';
import { formatSplitCounts, plural } from './describe';
import { sampleDistinct } from './distinct';
import type { ClassCount, EpisodeSampler, FixedSpec, LabelledImage } from './types';

/** `request` names the request in error messages (see `describeRequest`). */
export function fixedSampler(pools: ClassPools, spec: FixedSpec, request: string): EpisodeSampler {
  if (pools.kind !== 'single') {
    throw new Error(
      `${request}: fixed episodes need a single-label task, but the task is multilabel (use medimeta mode)`,
    );
  }
  const { way, shot, query } = spec;
  const need = shot + query;
  const counts: ClassCount[] = pools.classes.map((c) => ({ value: c.value, name: c.name, count: c.images.length }));
  const eligibleIdx = pools.classes.map((_, c) => c).filter((c) => (counts[c] as ClassCount).count >= need);
  const eligible = eligibleIdx.map((c) => counts[c] as ClassCount);
  const dropped = counts.filter((c) => c.count < need);
  if (eligible.length < way) {
    throw new Error(
      `${request}: only ${plural(eligible.length, 'class has', 'classes have')} >= ${need} images ${formatSplitCounts(eligible, dropped)}`,
    );
  }

  return {
    eligible,
    dropped,
    draw(rng, index) {
      // Ascending positions in `eligibleIdx` = ascending class values.
      const chosen = sampleDistinct(rng, eligibleIdx.length, way).sort((a, b) => a - b);
      const support: LabelledImage[] = [];
      const queryItems: LabelledImage[] = [];
      const classes = chosen.map((e, label) => {
        const pool = pools.classes[eligibleIdx[e] as number]!;
        const picks = sampleDistinct(rng, pool.images.length, need);
        for (let t = 0; t < need; t++) {
          const item = { image: pool.images[picks[t] as number] as number, label };
          (t < shot ? support : queryItems).push(item);
        }
        return { value: pool.value, name: pool.name };
      });
      return { kind: 'single', index, way, classes, support, query: queryItems };
    },
  };
}
