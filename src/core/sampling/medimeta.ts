/**
 * MedIMeta few-shot instances (Woerner et al. 2024; reference sampler: torchcross FewShotMetaDataset):
 * every usable class of the task in every episode, K support and Q query images per class.
 *
 * - Multiclass and ordinal tasks: classes with fewer than K+Q images in the split are dropped (reported
 *   in `dropped`); at least 2 classes must remain. Each class gives K+Q distinct images, first K support.
 * - Binary tasks: K positives and K negatives in the support set, Q of each in the query set; classes are
 *   [negative, positive] (positive = the larger label value). Both need K+Q images; nothing is dropped.
 * - Multilabel tasks: labels with fewer than K+Q positives or fewer than K+Q negatives are dropped; at
 *   least 1 must remain. The support set is MedIMeta's grow-and-prune set for K (see `multilabel.ts`),
 *   the query set the same rule for Q over the images not in the support set.
 *   A label may end up with more than K support positives (an image kept for another label), leaving fewer
 *   than Q query positives; then the episode is redrawn from the same stream (deterministic), up to
 *   `MULTILABEL_ATTEMPTS` times, after which the request is an error.
 */

import type { ClassPools, LabelPool } from './class-pools';
import { formatCounts, formatSplitCounts, plural } from './describe';
import { sampleDistinct } from './distinct';
import { multilabelFewShotSet } from './multilabel';
import type { ClassCount, EpisodeSampler, LabelledImage, MedimetaSpec, TargetedImage } from './types';

export const MULTILABEL_ATTEMPTS = 50;

export function medimetaSampler(
  pools: ClassPools,
  spec: MedimetaSpec,
  binary: boolean,
  request: string,
): EpisodeSampler {
  const { shot, query } = spec;
  const need = shot + query;

  if (pools.kind === 'multilabel') {
    const counts = pools.labels.map((l) => ({
      value: l.value,
      name: l.name,
      count: l.positives.length,
      negatives: l.negatives.length,
    }));
    const ok = (c: ClassCount): boolean => c.count >= need && (c.negatives ?? 0) >= need;
    const used: LabelPool[] = pools.labels.filter((_, j) => ok(counts[j] as ClassCount));
    const eligible = counts.filter(ok);
    const dropped = counts.filter((c) => !ok(c));
    if (used.length === 0) {
      throw new Error(
        `${request}: no label has >= ${need} positives and >= ${need} negatives (${formatCounts(dropped)})`,
      );
    }
    const classes = used.map((l) => ({ value: l.value, name: l.name }));
    const way = used.length;
    const targeted = (img: number): TargetedImage => {
      const targets = new Uint8Array(way);
      for (let j = 0; j < way; j++)
        targets[j] = pools.matrix[img * pools.numLabels + (used[j] as LabelPool).value] !== 0 ? 1 : 0;
      return { image: img, targets };
    };
    return {
      eligible,
      dropped,
      draw(rng, index) {
        for (let attempt = 0; attempt < MULTILABEL_ATTEMPTS; attempt++) {
          const support = multilabelFewShotSet(rng, used, pools.matrix, pools.numLabels, shot, new Set());
          if (support === null) continue;
          const queryImages = multilabelFewShotSet(rng, used, pools.matrix, pools.numLabels, query, new Set(support));
          if (queryImages === null) continue;
          return {
            kind: 'multilabel',
            index,
            way,
            classes: classes.map((c) => ({ ...c })),
            support: support.map(targeted),
            query: queryImages.map(targeted),
          };
        }
        throw new Error(
          `${request}: episode ${index}: no query set with ${query} positives and ${query} negatives of every label outside the support set ` +
            `after ${MULTILABEL_ATTEMPTS} tries (${formatCounts(eligible)}); use a smaller K or Q`,
        );
      },
    };
  }

  const counts: ClassCount[] = pools.classes.map((c) => ({ value: c.value, name: c.name, count: c.images.length }));
  let usedIdx: number[];
  let dropped: ClassCount[];
  if (binary) {
    if (pools.classes.length !== 2) {
      throw new Error(
        `${request}: a binary task needs exactly 2 classes, found ${pools.classes.length} (${formatCounts(counts)})`,
      );
    }
    const short = counts.filter((c) => c.count < need);
    if (short.length > 0) {
      throw new Error(
        `${request}: a binary task needs >= ${need} images of each class ${formatSplitCounts(
          counts.filter((c) => c.count >= need),
          short,
        )}`,
      );
    }
    usedIdx = [0, 1];
    dropped = [];
  } else {
    usedIdx = counts.map((_, c) => c).filter((c) => (counts[c] as ClassCount).count >= need);
    dropped = counts.filter((c) => c.count < need);
    if (usedIdx.length < 2) {
      const ok = usedIdx.map((c) => counts[c] as ClassCount);
      throw new Error(
        `${request}: only ${plural(usedIdx.length, 'class has', 'classes have')} >= ${need} images, at least 2 needed ${formatSplitCounts(ok, dropped)}`,
      );
    }
  }
  const eligible = usedIdx.map((c) => counts[c] as ClassCount);
  const used = usedIdx.map((c) => pools.classes[c] as (typeof pools.classes)[number]);
  const classes = used.map((c) => ({ value: c.value, name: c.name }));
  const way = used.length;
  return {
    eligible,
    dropped,
    draw(rng, index) {
      const support: LabelledImage[] = [];
      const queryItems: LabelledImage[] = [];
      used.forEach((pool, label) => {
        const picks = sampleDistinct(rng, pool.images.length, need);
        for (let t = 0; t < need; t++)
          (t < shot ? support : queryItems).push({ image: pool.images[picks[t] as number] as number, label });
      });
      return { kind: 'single', index, way, classes: classes.map((c) => ({ ...c })), support, query: queryItems };
    },
  };
}
