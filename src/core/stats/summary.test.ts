import { describe, expect, it } from 'vitest';
import { ci95HalfWidth, summarize } from './summary';

describe('summarize', () => {
  it('gives mean, sample std (n - 1) and the 1.96 * std / sqrt(n) half-width', () => {
    const s = summarize([1, 2, 3, 4]);
    expect(s.n).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(s.ci95).toBeCloseTo((1.96 * Math.sqrt(5 / 3)) / 2, 12);
  });

  it('handles constant values and typed arrays', () => {
    expect(summarize(Float32Array.of(0.75, 0.75, 0.75))).toEqual({ n: 3, nanCount: 0, mean: 0.75, std: 0, ci95: 0 });
  });

  it('leaves NaN values out and counts them', () => {
    const s = summarize([0.5, NaN, 0.7, NaN]);
    expect([s.n, s.nanCount]).toEqual([2, 2]);
    expect(s.mean).toBeCloseTo(0.6, 12);
    expect(s.std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
  });

  it('gives NaN spread for one value and NaN everything for none', () => {
    expect(summarize([0.8])).toEqual({ n: 1, nanCount: 0, mean: 0.8, std: NaN, ci95: NaN });
    expect(summarize([])).toEqual({ n: 0, nanCount: 0, mean: NaN, std: NaN, ci95: NaN });
    expect(summarize([NaN])).toEqual({ n: 0, nanCount: 1, mean: NaN, std: NaN, ci95: NaN });
    expect(ci95HalfWidth(0.1, 1)).toBeNaN();
    expect(ci95HalfWidth(0.1, 100)).toBeCloseTo(0.0196, 12);
  });

  it('stays accurate for values close together (no cancellation)', () => {
    const s = summarize([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(s.std).toBeCloseTo(1, 9);
  });
});
