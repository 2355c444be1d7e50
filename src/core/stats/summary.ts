/**
 * Mean and 95% confidence interval over per-episode values, the MedIMeta way: CI half-width
 * 1.96 * std / sqrt(n) (normal approximation, as in Snell et al. and the MedIMeta papers).
 *
 * Decisions:
 * - `std` is the sample standard deviation (divisor n - 1): the episodes are a sample of the episode
 *   distribution and the CI is about its mean. (With MedIMeta's 100 instances the n vs n - 1 choice
 *   moves the CI by 0.5%.)
 * - NaN values (an AUROC undefined for an episode) are left out and counted in `nanCount`; `n` is the
 *   number of values used.
 * - n = 1: mean is the value, std and ci95 are NaN (one episode says nothing about spread; 0 would
 *   claim a precision that is not there). n = 0: everything NaN.
 */

export const CI95_Z = 1.96;

export interface Summary {
  /** Values used (finite or infinite, not NaN). */
  n: number;
  /** NaN values left out. */
  nanCount: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  std: number;
  /** Half-width of the 95% CI of the mean: 1.96 * std / sqrt(n). */
  ci95: number;
}

/** 1.96 * std / sqrt(n); NaN for n < 2. */
export function ci95HalfWidth(std: number, n: number): number {
  return n < 2 ? NaN : (CI95_Z * std) / Math.sqrt(n);
}

export function summarize(values: ArrayLike<number>): Summary {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  const nanCount = values.length - n;
  if (n === 0) return { n, nanCount, mean: NaN, std: NaN, ci95: NaN };
  const mean = sum / n;
  if (n === 1) return { n, nanCount, mean, std: NaN, ci95: NaN };
  // Two passes: no cancellation for values near their mean (accuracies near 1).
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  }
  const std = Math.sqrt(ss / (n - 1));
  return { n, nanCount, mean, std, ci95: ci95HalfWidth(std, n) };
}
