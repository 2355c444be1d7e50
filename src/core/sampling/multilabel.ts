/**
 * MedIMeta's multilabel few-shot set: a set of images in which every label has at least k positives and
 * at least k negatives, kept small. The rule is the one of the MedIMeta authors' reference sampler
 * (torchcross `multilabel_few_shot_sample`, torchcross/data/metadataset/few_shot.py):
 *
 *   1. For each label in turn, draw k positives and k negatives of that label (uniformly, without
 *      replacement, outside `exclude`); pool the draws, dropping repeats (first occurrence kept).
 *   2. Shuffle the pool.
 *   3. Grow: keep the shortest prefix of the shuffled pool in which every label has >= k positives and
 *      >= k negatives (the whole pool satisfies this by construction).
 *   4. Prune: walk the prefix in order and remove each image whose removal keeps every label at >= k
 *      positives and >= k negatives.
 *
 * The result is in the shuffled order. Counting is incremental (O(size x labels) per set, not O(size^2)).
 */

import type { Rng } from '../rng';
import { sampleDistinctExcluding } from './distinct';
import type { LabelPool } from './class-pools';

/**
 * The set for `labels` (the label pools used, their `value` being the matrix column), or null when some
 * label has fewer than k positives or negatives outside `exclude`.
 * - `matrix`: N*L row-major 0/1 labels of the task; `numLabels` = L.
 */
export function multilabelFewShotSet(
  rng: Rng,
  labels: readonly LabelPool[],
  matrix: Uint8Array,
  numLabels: number,
  k: number,
  exclude: ReadonlySet<number>,
): number[] | null {
  const seen = new Set<number>();
  const pool: number[] = [];
  for (const label of labels) {
    for (const side of [label.positives, label.negatives]) {
      const draw = sampleDistinctExcluding(rng, side, k, exclude);
      if (draw === null) return null;
      for (const img of draw) {
        if (!seen.has(img)) {
          seen.add(img);
          pool.push(img);
        }
      }
    }
  }
  rng.shuffle(pool);

  const W = labels.length;
  const cols = Int32Array.from(labels, (l) => l.value);
  const pos = new Int32Array(W);
  const isPos = (img: number, j: number): boolean => matrix[img * numLabels + (cols[j] as number)] !== 0;

  // Grow: the shortest satisfying prefix.
  let len = 0;
  let satisfied = false;
  while (!satisfied && len < pool.length) {
    const img = pool[len++] as number;
    for (let j = 0; j < W; j++) if (isPos(img, j)) pos[j] = (pos[j] as number) + 1;
    if (len >= 2 * k) {
      satisfied = true;
      for (let j = 0; j < W; j++) {
        const p = pos[j] as number;
        if (p < k || len - p < k) {
          satisfied = false;
          break;
        }
      }
    }
  }

  // Prune: one forward pass, dropping every image the set can do without.
  const kept: number[] = [];
  let size = len;
  for (let t = 0; t < len; t++) {
    const img = pool[t] as number;
    let removable = true;
    for (let j = 0; j < W; j++) {
      const p = pos[j] as number;
      if (isPos(img, j) ? p - 1 < k : size - 1 - p < k) {
        removable = false;
        break;
      }
    }
    if (removable) {
      size--;
      for (let j = 0; j < W; j++) if (isPos(img, j)) pos[j] = (pos[j] as number) - 1;
    } else {
      kept.push(img);
    }
  }
  return kept;
}
