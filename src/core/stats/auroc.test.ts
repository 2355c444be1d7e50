import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { auroc, multiclassAuroc, multilabelAuroc } from './auroc';

/** AUROC by counting pairs: P(score+ > score-) + P(tie) / 2. */
function pairCount(scores: number[], targets: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (!targets[i]) return;
    scores.forEach((sn, j) => {
      if (targets[j]) return;
      pairs++;
      wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('auroc', () => {
  it('is 1 for perfectly separated scores and 0 for inverted ones', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('matches hand-computed values', () => {
    // scikit-learn's roc_auc_score example: 0.75.
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    // Positives {2, 3} vs negatives {1, 2}: 1 + 0.5 + 1 + 1 of 4 pairs.
    expect(auroc([1, 2, 2, 3], [0, 0, 1, 1])).toBe(0.875);
  });

  it('gives ties their mid-rank: all-equal scores give 0.5', () => {
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // Positive 0: tie with one negative (0.5); positive 1: beats one, ties two (2).
    expect(auroc([0, 0, 1, 1, 1], [1, 0, 1, 0, 0])).toBeCloseTo(2.5 / 6, 12);
  });

  it('agrees with pair counting on random scores with many ties', () => {
    const rng = new Rng(1);
    for (let t = 0; t < 50; t++) {
      const n = 2 + rng.int(40);
      const scores = Array.from({ length: n }, () => rng.int(5) / 4);
      const targets = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 1 ? 0 : rng.int(2)));
      expect(auroc(scores, targets)).toBeCloseTo(pairCount(scores, targets), 12);
    }
  });

  it('takes boolean targets and is NaN without positives or negatives', () => {
    expect(auroc([0.2, 0.9], [false, true])).toBe(1);
    expect(auroc([0.2, 0.9], [1, 1])).toBeNaN();
    expect(auroc([0.2, 0.9], [0, 0])).toBeNaN();
    expect(auroc([], [])).toBeNaN();
  });

  it('refuses NaN scores and mismatched lengths', () => {
    expect(() => auroc([0.1, NaN], [0, 1])).toThrow('auroc: score 1 is NaN');
    expect(() => auroc([0.1], [0, 1])).toThrow('auroc: 1 scores but 2 targets');
  });
});

describe('multiclassAuroc', () => {
  // Rows: query images; columns: classes 0..3. Class 3 has no query image.
  const scores = [0.7, 0.2, 0.1, 0.0, 0.3, 0.4, 0.3, 0.0, 0.1, 0.3, 0.6, 0.0, 0.5, 0.35, 0.15, 0.0];
  const labels = [0, 1, 2, 2];

  it('averages one-vs-rest AUROC over the classes where it is defined', () => {
    const r = multiclassAuroc(scores, labels, 4);
    // Class 2: positives 0.6, 0.15 vs negatives 0.1, 0.3 -> 3 of 4 pairs.
    expect(Array.from(r.perClass.slice(0, 3))).toEqual([1, 1, 0.75]);
    expect(r.perClass[3]).toBeNaN();
    expect(r.defined).toBe(3);
    expect(r.macro).toBeCloseTo(2.75 / 3, 12);
  });

  it('is NaN when no class has both positives and negatives', () => {
    const r = multiclassAuroc([0.9, 0.1, 0.8, 0.2], [0, 0], 2);
    expect(r.macro).toBeNaN();
    expect(r.defined).toBe(0);
  });

  it('checks the shape', () => {
    expect(() => multiclassAuroc([0.1, 0.2, 0.3], [0, 1], 2)).toThrow('expected 2 x 2 = 4 scores, got 3');
  });
});

describe('multilabelAuroc', () => {
  it('averages per-label AUROC over labels with positives and negatives', () => {
    const scores = [0.9, 0.5, 0.1, 0.5, 0.4, 0.5, 0.6, 0.5];
    const targets = [1, 0, 0, 0, 1, 0, 0, 0];
    const r = multilabelAuroc(scores, targets, 2);
    expect(r.perClass[0]).toBe(0.75);
    expect(r.perClass[1]).toBeNaN();
    expect(r.macro).toBe(0.75);
    expect(() => multilabelAuroc([0.1, 0.2, 0.3], [0, 1, 0], 2)).toThrow('do not form rows of 2 labels');
  });
});
