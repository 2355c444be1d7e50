import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { sampleDistinct, sampleDistinctExcluding } from './distinct';

describe('partial Fisher-Yates on the shared scratch', () => {
  it('draws what Rng.sample draws from the same stream', () => {
    const range = Array.from({ length: 1000 }, (_, i) => i);
    expect(sampleDistinct(new Rng(9), 1000, 25)).toEqual(new Rng(9).sample(range, 25));
    expect(sampleDistinct(new Rng(9), 30, 30)).toEqual(new Rng(9).sample(range.slice(0, 30), 30));
  });

  it('leaves the scratch as it found it: the same call gives the same draw whatever ran before', () => {
    const first = sampleDistinct(new Rng(4), 500, 40);
    sampleDistinct(new Rng(1), 2000, 1500);
    sampleDistinctExcluding(
      new Rng(2),
      Uint32Array.from({ length: 800 }, (_, i) => i),
      10,
      new Set([1, 2, 3]),
    );
    sampleDistinctExcluding(
      new Rng(2),
      Uint32Array.from({ length: 8 }, (_, i) => i),
      10,
      new Set(),
    );
    expect(sampleDistinct(new Rng(4), 500, 40)).toEqual(first);
  });

  it('is uniform: each position is picked about equally often', () => {
    const rng = new Rng(5);
    const hits = new Array<number>(10).fill(0);
    for (let t = 0; t < 20000; t++) for (const p of sampleDistinct(rng, 10, 3)) hits[p] = (hits[p] as number) + 1;
    // Expected 6000 each; binomial sd ~ 65.
    for (const h of hits) expect(Math.abs(h - 6000)).toBeLessThan(400);
  });
});

describe('sampleDistinct', () => {
  it('gives k distinct positions in range, and refuses k > n', () => {
    const got = sampleDistinct(new Rng(2), 7, 7);
    expect(new Set(got).size).toBe(7);
    expect(Math.max(...got)).toBe(6);
    expect(sampleDistinct(new Rng(2), 5, 0)).toEqual([]);
    expect(() => sampleDistinct(new Rng(2), 3, 4)).toThrow('cannot draw 4 distinct items from 3');
  });
});

describe('sampleDistinctExcluding', () => {
  const pool = Uint32Array.from([10, 11, 12, 13, 14, 15]);
  it('never returns an excluded item', () => {
    for (let s = 0; s < 50; s++) {
      const got = sampleDistinctExcluding(new Rng(s), pool, 3, new Set([11, 13, 15]));
      expect(got?.slice().sort()).toEqual([10, 12, 14]);
    }
  });
  it('returns null when too few remain', () => {
    expect(sampleDistinctExcluding(new Rng(0), pool, 4, new Set([11, 13, 15]))).toBeNull();
    expect(sampleDistinctExcluding(new Rng(0), pool, 0, new Set())).toEqual([]);
  });
});
