import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { auroc } from './auroc';
import { bootstrapCI } from './bootstrap';

describe('bootstrapCI', () => {
  it('the CI of a mean matches the normal approximation 1.96 sd / sqrt(n) on a large sample', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 2000 }, () => rng.normal());
    const mean = (idx: Uint32Array): number => idx.reduce((s, i) => s + (x[i] as number), 0) / idx.length;
    const r = bootstrapCI(x.length, mean, 11, 2000);
    const m = mean(Uint32Array.from({ length: x.length }, (_, i) => i));
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
    const half = (1.96 * sd) / Math.sqrt(x.length);
    expect(r.value).toBeCloseTo(m, 12);
    expect(r.lo).toBeGreaterThan(m - half * 1.15);
    expect(r.lo).toBeLessThan(m - half * 0.85);
    expect(r.hi).toBeGreaterThan(m + half * 0.85);
    expect(r.hi).toBeLessThan(m + half * 1.15);
    expect(r.resamples).toBe(2000);
  });

  it('is seeded: same seed, same CI; another seed, another', () => {
    const y = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.55];
    const t = [0, 0, 1, 1, 1, 0, 1, 0];
    const stat = (idx: Uint32Array): number =>
      auroc(
        Array.from(idx, (i) => y[i]!),
        Array.from(idx, (i) => t[i]!),
      );
    const a = bootstrapCI(8, stat, 5, 200);
    expect(bootstrapCI(8, stat, 5, 200)).toEqual(a);
    expect(bootstrapCI(8, stat, 6, 200)).not.toEqual(a);
    // Resamples of 8 images with one class have no AUROC: left out and counted.
    expect(a.nanCount).toBeGreaterThan(0);
    expect(a.resamples + a.nanCount).toBe(200);
    expect(a.lo).toBeLessThanOrEqual(a.value);
    expect(a.hi).toBeGreaterThanOrEqual(a.value);
  });

  it('a constant statistic has a zero-width CI; an empty set is refused', () => {
    expect(bootstrapCI(5, () => 0.75, 1, 50)).toMatchObject({ value: 0.75, lo: 0.75, hi: 0.75 });
    expect(() => bootstrapCI(0, () => 0, 1)).toThrow(/>= 1 item, got 0/);
  });
});
