import { describe, expect, it } from 'vitest';
import { planEpisodes } from './plan';
import { episodeProblem, multilabelView, singleLabelView } from './test-fixtures';
import type { SingleLabelEpisode, TaskView } from './types';
import { VARIABLE_EPISODE_CONFIG } from './variable';

const spec = { mode: 'variable', seed: 4 } as const;

/** 60 classes of 2 to 300 images, plus one with a single image and one empty. */
function manyClasses(): TaskView {
  const classes: [number, string, number][] = [];
  for (let c = 0; c < 60; c++) classes.push([c, `c${c}`, 2 + ((c * 37) % 299)]);
  classes.push([60, 'one', 1], [61, 'none', 0]);
  return singleLabelView(classes);
}

function perClass(ep: SingleLabelEpisode, set: 'support' | 'query'): number[] {
  const n = new Array<number>(ep.way).fill(0);
  for (const x of ep[set]) n[x.label] = (n[x.label] as number) + 1;
  return n;
}

describe('Meta-Dataset variable-way variable-shot episodes', () => {
  const view = manyClasses();
  const plan = planEpisodes(view, spec);
  const sizes = new Map(plan.eligible.map((c) => [c.value, c.count]));
  const episodes = plan.episodes(0, 400);

  it('drops classes with fewer than 2 images', () => {
    expect(plan.dropped).toEqual([
      { value: 60, name: 'one', count: 1 },
      { value: 61, name: 'none', count: 0 },
    ]);
    expect(plan.eligible).toHaveLength(60);
  });

  it('keeps the invariants: way in [5, 50], query q = min(10, floor(min n_c / 2)) per class, 1 <= k_c <= n_c - q, |S| <= 500', () => {
    for (const ep of episodes) {
      expect(episodeProblem(view, ep)).toBeNull();
      if (ep.kind !== 'single') throw new Error('expected single');
      expect(ep.way).toBeGreaterThanOrEqual(5);
      expect(ep.way).toBeLessThanOrEqual(50);
      const n = ep.classes.map((c) => sizes.get(c.value) as number);
      const q = Math.min(10, Math.floor(Math.min(...n) / 2));
      expect(perClass(ep, 'query')).toEqual(new Array(ep.way).fill(q));
      const k = perClass(ep, 'support');
      k.forEach((kc, j) => {
        expect(kc).toBeGreaterThanOrEqual(1);
        expect(kc).toBeLessThanOrEqual((n[j] as number) - q);
      });
      expect(ep.support.length).toBeLessThanOrEqual(VARIABLE_EPISODE_CONFIG.maxSupportSetSize);
    }
  });

  it('spreads the way over [5, 50] and the support size over a wide range', () => {
    const ways = episodes.map((e) => e.way);
    expect(Math.min(...ways)).toBeLessThanOrEqual(7);
    expect(Math.max(...ways)).toBeGreaterThanOrEqual(48);
    const supports = episodes.map((e) => e.support.length);
    expect(Math.min(...supports)).toBeLessThan(40);
    expect(Math.max(...supports)).toBeGreaterThan(300);
  });

  it('gives larger classes larger shares of the support set on average (the imbalance rule)', () => {
    // Two classes of 300 and 30 images: k_c is proportional to n_c * exp(alpha_c), capped at n_c - q.
    const two = singleLabelView([
      [0, 'big', 300],
      [1, 'small', 30],
    ]);
    let big = 0;
    let small = 0;
    for (const ep of planEpisodes(two, spec).episodes(0, 300)) {
      if (ep.kind !== 'single') throw new Error('expected single');
      const k = perClass(ep, 'support');
      big += k[0] as number;
      small += k[1] as number;
      expect(perClass(ep, 'query')).toEqual([10, 10]);
    }
    expect(big / small).toBeGreaterThan(3);
  });

  it('uses all classes when a task has fewer than 5 (binary tasks give 2-way episodes)', () => {
    const bin = singleLabelView(
      [
        [0, 'no', 9],
        [1, 'yes', 5],
      ],
      'BINARY_CLASSIFICATION',
    );
    for (const ep of planEpisodes(bin, spec).episodes(0, 50)) {
      expect(ep.way).toBe(2);
      if (ep.kind !== 'single') throw new Error('expected single');
      expect(perClass(ep, 'query')).toEqual([2, 2]);
    }
  });

  it('needs 2 classes with 2 images, and refuses multilabel tasks', () => {
    const one = singleLabelView([
      [0, 'a', 9],
      [1, 'b', 1],
    ]);
    expect(() => planEpisodes(one, spec)).toThrow(
      'variable-way variable-shot on split test of task "fake/fake task": only 1 class has >= 2 images, at least 2 needed (a: 9; b: 1 too few)',
    );
    expect(() => planEpisodes(multilabelView([0.5], 10), spec)).toThrow(
      'variable-way episodes need a single-label task',
    );
  });
});
