import { describe, expect, it } from 'vitest';
import { classPools } from './class-pools';
import { multilabelFewShotSet } from './multilabel';
import { planEpisodes } from './plan';
import { Rng } from '../rng';
import { episodeProblem, multilabelView, singleLabelView } from './test-fixtures';
import type { MedimetaSpec, MultilabelEpisode, TaskView } from './types';

const spec = (shot: number, query: number, seed = 0): MedimetaSpec => ({ mode: 'medimeta', shot, query, seed });

describe('medimeta instances: multiclass and ordinal', () => {
  // Ordinal values need not be 0..n-1 (MedIMeta's Clarity uses 1, 4, 6, 8, 10).
  const view = singleLabelView(
    [
      [1, 'level 1', 40],
      [4, 'level 2', 13],
      [6, 'level 3', 15],
      [8, 'level 4', 3],
      [10, 'level 5', 0],
    ],
    'ORDINAL_REGRESSION',
  );

  it('uses every class with >= K+Q images, K support and Q query each, and reports the dropped ones', () => {
    const plan = planEpisodes(view, spec(5, 10));
    expect(plan.eligible.map((c) => c.value)).toEqual([1, 6]);
    expect(plan.dropped).toEqual([
      { value: 4, name: 'level 2', count: 13 },
      { value: 8, name: 'level 4', count: 3 },
      { value: 10, name: 'level 5', count: 0 },
    ]);
    for (const ep of plan.episodes(0, 30)) {
      expect(episodeProblem(view, ep)).toBeNull();
      expect(ep.classes).toEqual([
        { value: 1, name: 'level 1' },
        { value: 6, name: 'level 3' },
      ]);
      if (ep.kind !== 'single') throw new Error('expected single');
      for (const c of [0, 1]) {
        expect(ep.support.filter((x) => x.label === c)).toHaveLength(5);
        expect(ep.query.filter((x) => x.label === c)).toHaveLength(10);
      }
    }
  });

  it('keeps a class that has exactly K+Q images', () => {
    expect(planEpisodes(view, spec(3, 10)).eligible.map((c) => c.value)).toEqual([1, 4, 6]);
  });

  it('needs two classes, and says which counts fall short', () => {
    expect(() => planEpisodes(view, spec(10, 10))).toThrow(
      'medimeta 10-shot 10-query on split test of task "fake/fake task": only 1 class has >= 20 images, at least 2 needed (level 1: 40; level 2: 13, level 3: 15, level 4: 3, level 5: 0 too few)',
    );
  });
});

describe('medimeta instances: binary', () => {
  const view = singleLabelView(
    [
      [0, 'benign', 20],
      [1, 'malignant', 12],
    ],
    'BINARY_CLASSIFICATION',
  );

  it('draws K positives and K negatives (and Q of each as query), classes [negative, positive]', () => {
    for (const ep of planEpisodes(view, spec(2, 10)).episodes(0, 20)) {
      expect(episodeProblem(view, ep)).toBeNull();
      expect(ep.classes.map((c) => c.name)).toEqual(['benign', 'malignant']);
      if (ep.kind !== 'single') throw new Error('expected single');
      expect(ep.support.map((x) => x.label)).toEqual([0, 0, 1, 1]);
      expect(ep.query.filter((x) => x.label === 1)).toHaveLength(10);
    }
  });

  it('never drops a side: too few positives is an error', () => {
    expect(() => planEpisodes(view, spec(3, 10))).toThrow(
      'a binary task needs >= 13 images of each class (benign: 20; malignant: 12 too few)',
    );
  });
});

describe('medimeta instances: multilabel', () => {
  // Label 3 is rare (about 6 positives): dropped for K+Q > 6.
  const view = multilabelView([0.3, 0.5, 0.8, 0.02], 300);
  const L = 4;
  const counts = (ep: MultilabelEpisode, set: 'support' | 'query'): { pos: number[]; neg: number[] } => {
    const pos = new Array<number>(ep.way).fill(0);
    for (const x of ep[set]) for (let j = 0; j < ep.way; j++) pos[j] = (pos[j] as number) + (x.targets[j] as number);
    return { pos, neg: pos.map((p) => ep[set].length - p) };
  };

  it('gives every label >= K positives and >= K negatives in the support set, >= Q of each in the query set', () => {
    const plan = planEpisodes(view, spec(5, 10));
    expect(plan.kind).toBe('multilabel');
    expect(plan.eligible.map((c) => c.name)).toEqual(['L0', 'L1', 'L2']);
    expect(plan.dropped).toHaveLength(1);
    expect(plan.dropped[0]?.name).toBe('L3');
    for (const ep of plan.episodes(0, 40)) {
      expect(episodeProblem(view, ep)).toBeNull();
      if (ep.kind !== 'multilabel') throw new Error('expected multilabel');
      const s = counts(ep, 'support');
      const q = counts(ep, 'query');
      for (let j = 0; j < ep.way; j++) {
        expect(s.pos[j]).toBeGreaterThanOrEqual(5);
        expect(s.neg[j]).toBeGreaterThanOrEqual(5);
        expect(q.pos[j]).toBeGreaterThanOrEqual(10);
        expect(q.neg[j]).toBeGreaterThanOrEqual(10);
      }
    }
  });

  it('keeps the set minimal: no image can be removed without a label falling below K', () => {
    const pools = classPools(view);
    if (pools.kind !== 'multilabel') throw new Error('expected multilabel');
    const labels = pools.labels.slice(0, 3);
    for (let s = 0; s < 30; s++) {
      const set = multilabelFewShotSet(new Rng(s), labels, pools.matrix, L, 4, new Set());
      if (set === null) throw new Error('no set');
      const pos = labels.map((l) => set.filter((img) => pools.matrix[img * L + l.value]).length);
      for (const img of set) {
        const breaks = labels.some((l, j) =>
          pools.matrix[img * L + l.value] ? (pos[j] as number) - 1 < 4 : set.length - 1 - (pos[j] as number) < 4,
        );
        expect(breaks).toBe(true);
      }
    }
  });

  it('respects the exclusion set, and gives null when a label runs out', () => {
    const pools = classPools(view);
    if (pools.kind !== 'multilabel') throw new Error('expected multilabel');
    const rare = pools.labels[3];
    if (!rare) throw new Error('no label 3');
    const exclude = new Set(Array.from(rare.positives).slice(1));
    expect(multilabelFewShotSet(new Rng(1), [rare], pools.matrix, L, 2, exclude)).toBeNull();
    const some = new Set(Array.from(pools.labels[0]?.positives ?? []).slice(0, 30));
    const set = multilabelFewShotSet(new Rng(1), pools.labels.slice(0, 1), pools.matrix, L, 3, some);
    expect(set?.some((img) => some.has(img))).toBe(false);
  });

  it('drops rare labels and reports positives and negatives; refuses when no label is left', () => {
    const tiny: TaskView = multilabelView([0.02, 0.98], 100);
    expect(() => planEpisodes(tiny, spec(5, 10))).toThrow(
      /no label has >= 15 positives and >= 15 negatives \(L0: \d+\+\/\d+-, L1: \d+\+\/\d+-\)/,
    );
  });

  /** A multilabel view over images 0..N-1 whose positives are listed per label; every other entry is 0. */
  const handMade = (positives: number[][], N = 40): TaskView => {
    const L2 = positives.length;
    const labels = new Uint8Array(N * L2);
    positives.forEach((imgs, j) => imgs.forEach((img) => (labels[img * L2 + j] = 1)));
    return {
      datasetId: 'd',
      task: {
        name: 't',
        target: 'MULTILABEL_CLASSIFICATION',
        labels: positives.map((_, j) => ({ value: j, name: `l${j}` })),
      },
      split: 'test',
      indices: Uint32Array.from({ length: N }, (_, i) => i),
      labels,
    };
  };

  it('redraws (from the same stream) when the support set leaves a label short of query positives', () => {
    // K = Q = 1. Support sets {0,3} or {1,3} leave label 1 or 2 without a query positive; {0,1} or {2,3} do not.
    const v = handMade([
      [0, 1, 2],
      [0, 3],
      [1, 3],
    ]);
    const pools = classPools(v);
    if (pools.kind !== 'multilabel') throw new Error('expected multilabel');
    let firstTryFailures = 0;
    for (let s = 0; s < 50; s++) {
      const rng = new Rng(s);
      const support = multilabelFewShotSet(rng, pools.labels, pools.matrix, 3, 1, new Set());
      if (support === null || multilabelFewShotSet(rng, pools.labels, pools.matrix, 3, 1, new Set(support)) === null)
        firstTryFailures++;
    }
    expect(firstTryFailures).toBeGreaterThan(0);
    const plan = planEpisodes(v, spec(1, 1));
    for (const ep of plan.episodes(0, 50)) expect(episodeProblem(v, ep)).toBeNull();
    expect(plan.episode(7)).toEqual(planEpisodes(v, spec(1, 1)).episode(7));
  });

  it('errs, naming the episode and the labels, when no support set leaves enough query positives', () => {
    // Any support set with a positive of each label uses two of images 0, 1, 2; the third is positive
    // for only two labels, so some label has no query positive left.
    const v = handMade([
      [0, 1],
      [1, 2],
      [0, 2],
    ]);
    expect(() => planEpisodes(v, spec(1, 1)).episode(4)).toThrow(
      'medimeta 1-shot 1-query on split test of task "d/t": episode 4: no query set with 1 positives and 1 negatives of every label outside the support set after 50 tries (l0: 2+/38-, l1: 2+/38-, l2: 2+/38-); use a smaller K or Q',
    );
  });
});
