import { describe, expect, it } from 'vitest';
import { planEpisodes } from './plan';
import { episodeProblem, multilabelView, singleLabelView, valueOf } from './test-fixtures';
import type { FixedSpec } from './types';

// Five classes: three usable for K+Q = 20, two too small.
const view = singleLabelView([
  [0, 'A', 25],
  [1, 'B', 30],
  [2, 'C', 22],
  [3, 'D', 4],
  [4, 'E', 2],
]);
const spec = (way: number, shot: number, query: number, seed = 1): FixedSpec => ({
  mode: 'fixed',
  way,
  shot,
  query,
  seed,
});

describe('fixed N-way K-shot Q-query episodes', () => {
  const plan = planEpisodes(view, spec(3, 5, 15));

  it('draws N classes, K support and Q query images of each, disjoint, all from the split', () => {
    for (const ep of plan.episodes(0, 50)) {
      expect(episodeProblem(view, ep)).toBeNull();
      if (ep.kind !== 'single') throw new Error('expected single');
      expect(ep.way).toBe(3);
      for (let c = 0; c < 3; c++) {
        expect(ep.support.filter((x) => x.label === c)).toHaveLength(5);
        expect(ep.query.filter((x) => x.label === c)).toHaveLength(15);
      }
      // Grouped by class, in class order.
      expect(ep.support.map((x) => x.label)).toEqual(ep.support.map((x) => x.label).sort());
    }
  });

  it('only uses classes with at least K+Q images, and reports the others as dropped', () => {
    expect(plan.eligible.map((c) => c.name)).toEqual(['A', 'B', 'C']);
    expect(plan.dropped).toEqual([
      { value: 3, name: 'D', count: 4 },
      { value: 4, name: 'E', count: 2 },
    ]);
  });

  it('picks the N classes uniformly among the eligible ones', () => {
    const small = planEpisodes(view, spec(2, 5, 15));
    const seen = new Map<string, number>();
    for (const ep of small.episodes(0, 3000)) {
      const key = ep.classes.map((c) => c.name).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['AB', 'AC', 'BC']);
    for (const n of seen.values()) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });

  it('uses every image of a class over many episodes (no image is favoured or missed)', () => {
    const used = new Set<number>();
    for (const ep of plan.episodes(0, 200)) for (const x of [...ep.support, ...ep.query]) used.add(x.image);
    const eligibleImages = Array.from(view.indices).filter((i) => valueOf(view, i) <= 2);
    expect(used.size).toBe(eligibleImages.length);
  });

  it('says which classes and counts make a request impossible', () => {
    expect(() => planEpisodes(view, spec(5, 5, 15))).toThrow(
      'fixed 5-way 5-shot 15-query on split test of task "fake/fake task": only 3 classes have >= 20 images (A: 25, B: 30, C: 22; D: 4, E: 2 too few)',
    );
    expect(() => planEpisodes(view, spec(2, 20, 10))).toThrow(
      'only 1 class has >= 30 images (B: 30; A: 25, C: 22, D: 4, E: 2 too few)',
    );
    expect(() => planEpisodes(view, spec(2, 40, 10))).toThrow(
      'only 0 classes have >= 50 images (A: 25, B: 30, C: 22, D: 4, E: 2 too few)',
    );
  });

  it('samples binary and ordinal tasks as multiclass', () => {
    const bin = singleLabelView(
      [
        [0, 'neg', 30],
        [1, 'pos', 30],
      ],
      'BINARY_CLASSIFICATION',
    );
    const ep = planEpisodes(bin, spec(2, 3, 4)).episode(0);
    expect(ep.classes.map((c) => c.name)).toEqual(['neg', 'pos']);
    expect(ep.support).toHaveLength(6);
    expect(() => planEpisodes(bin, spec(3, 3, 4))).toThrow('only 2 classes have >= 7 images');
  });

  it('refuses multilabel tasks', () => {
    expect(() => planEpisodes(multilabelView([0.5, 0.5], 50), spec(2, 1, 1))).toThrow(
      'fixed episodes need a single-label task, but the task is multilabel (use medimeta mode)',
    );
  });
});
