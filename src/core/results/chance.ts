/**
 * Chance level of a cell: what a classifier that ignores the images scores. AUROC's is always 0.5.
 * Accuracy's depends on the protocol and on the classes the episodes use:
 * - fixed N-way: 1/N (balanced query sets).
 * - medimeta: multiclass and ordinal 1/C over the C eligible classes (balanced query sets); binary 1/2;
 *   multilabel 1/2 (each (image, label) decision is a coin flip for a classifier without information).
 * - variable: E[1/W] with W uniform over [min(5, C), min(50, C)], C the classes with >= 2 images
 *   (Meta-Dataset's way distribution; query sets are balanced within an episode).
 */

import type { Feasibility } from '../config/feasibility';
import type { EpisodeMode } from '../sampling/types';
import { VARIABLE_EPISODE_CONFIG } from '../sampling/variable';

export const CHANCE_AUROC = 0.5;

/** NaN for a cell that cannot run. */
export function chanceAccuracy(
  mode: EpisodeMode,
  evaluation: Pick<Feasibility, 'runnable' | 'multilabel' | 'way' | 'eligible'>,
): number {
  if (!evaluation.runnable) return NaN;
  if (evaluation.multilabel) return 0.5;
  if (mode !== 'variable') return 1 / evaluation.way;
  const C = evaluation.eligible.length;
  const lo = Math.min(VARIABLE_EPISODE_CONFIG.minWays, C);
  const hi = Math.min(VARIABLE_EPISODE_CONFIG.maxWaysUpperBound, C);
  let sum = 0;
  for (let w = lo; w <= hi; w++) sum += 1 / w;
  return sum / (hi - lo + 1);
}
