/**
 * Percentile bootstrap CI of a statistic over one test set (what the supervised row's whole-test-split
 * score reports; the paper prints one number per task, so its spread must come from resampling images).
 * Resample i draws n indices with replacement from `new Rng(seedFrom(seed, 'bootstrap', i))`; resamples
 * where the statistic is NaN (e.g. AUROC of a resample with one class) are left out and counted.
 */

import { Rng, seedFrom } from '../rng';

export interface BootstrapCI {
  /** The statistic on the whole set. */
  value: number;
  /** 2.5% and 97.5% percentiles of the resampled statistic (linear interpolation between order statistics). */
  lo: number;
  hi: number;
  /** Resamples used, and those left out as NaN. */
  resamples: number;
  nanCount: number;
}

export const DEFAULT_RESAMPLES = 1000;

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  const a = sorted[i] as number;
  return i + 1 < sorted.length ? a + f * ((sorted[i + 1] as number) - a) : a;
}

/** `stat(indices)` on the whole set 0..n-1 and on `resamples` bootstrap resamples of it. */
export function bootstrapCI(
  n: number,
  stat: (indices: Uint32Array) => number,
  seed: number,
  resamples = DEFAULT_RESAMPLES,
): BootstrapCI {
  if (!Number.isInteger(n) || n < 1) throw new Error(`bootstrapCI: the set must have >= 1 item, got ${n}`);
  const value = stat(Uint32Array.from({ length: n }, (_, i) => i));
  const values: number[] = [];
  let nanCount = 0;
  const idx = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    const rng = new Rng(seedFrom(seed, 'bootstrap', r));
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const v = stat(idx);
    if (Number.isNaN(v)) nanCount++;
    else values.push(v);
  }
  const sorted = Float64Array.from(values).sort();
  return { value, lo: quantile(sorted, 0.025), hi: quantile(sorted, 0.975), resamples: values.length, nanCount };
}
