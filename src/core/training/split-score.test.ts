import { describe, expect, it } from 'vitest';
import { scoreOf, testScore, type SupervisedTask } from './split-score';

const task = (target: SupervisedTask['target'], classes: number): SupervisedTask => ({
  datasetId: 'd',
  taskName: 't',
  target,
  classes,
  labels: new Int32Array(0),
});

describe('scoreOf', () => {
  it('single-label: argmax accuracy and one-vs-rest macro AUROC, by hand', () => {
    // 4 images, 3 classes; argmax = [0, 1, 1, 2], labels [0, 1, 2, 2]: 3 of 4 right.
    const probs = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.5, 0.3, 0.1, 0.2, 0.7]);
    const s = { probs, targets: Int32Array.from([0, 1, 2, 2]), n: 4 };
    const r = scoreOf(task('MULTICLASS_CLASSIFICATION', 3), s);
    expect(r.accuracy).toBe(0.75);
    // Class 0: positive 0.7 above all three negatives (1). Class 1: positive 0.8 above all (1).
    // Class 2: positives {0.3, 0.7} vs negatives {0.1, 0.1}: all four pairs ordered (1). Macro 1.
    expect(r.auroc).toBeCloseTo(1, 12);
    // Only images 1 and 2 (labels 1 and 2): class 0 has no positive (NaN, left out of the macro mean).
    const sub = scoreOf(task('MULTICLASS_CLASSIFICATION', 3), s, Uint32Array.from([1, 2]));
    expect(sub.accuracy).toBe(0.5);
    // Class 1: 0.8 (pos) vs 0.5 (neg): 1. Class 2: 0.3 (pos) vs 0.1 (neg): 1.
    expect(sub.auroc).toBeCloseTo(1, 12);
  });

  it('binary as two classes: AUROC is the binary one on P(positive), ties count half', () => {
    const p1 = [0.9, 0.4, 0.6, 0.4];
    const probs = Float32Array.from(p1.flatMap((p) => [1 - p, p]));
    const r = scoreOf(task('BINARY_CLASSIFICATION', 2), { probs, targets: Int32Array.from([1, 1, 0, 0]), n: 4 });
    // Pairs (pos, neg): (0.9, 0.6) 1, (0.9, 0.4) 1, (0.4, 0.6) 0, (0.4, 0.4) 0.5 -> 2.5 / 4.
    expect(r.auroc).toBeCloseTo(0.625, 6);
    // argmax: [1, 0, 1, 0] vs [1, 1, 0, 0] (0.4 < 0.6 -> class 0): 2 of 4.
    expect(r.accuracy).toBe(0.5);
  });

  it('multilabel: the 0.5 threshold over every (image, label), per-label macro AUROC', () => {
    const probs = Float32Array.from([0.9, 0.2, 0.6, 0.7, 0.1, 0.4]);
    const targets = Uint8Array.from([1, 0, 0, 1, 0, 1]);
    const r = scoreOf(task('MULTILABEL_CLASSIFICATION', 2), { probs, targets, n: 3 });
    // Thresholded [1, 0], [1, 1], [0, 0] vs [1, 0], [0, 1], [0, 1]: 4 of 6 right.
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    // Label 0: pos 0.9 vs negs 0.6, 0.1: 1. Label 1: pos {0.7, 0.4} vs neg 0.2: 1.
    expect(r.auroc).toBeCloseTo(1, 12);
  });
});

describe('testScore', () => {
  it('the whole split and bootstrap intervals around it, seeded', () => {
    const n = 200;
    const targets = Int32Array.from({ length: n }, (_, i) => i % 2);
    // A noisy but informative classifier: P(1) = 0.5 +- 0.3 by label, with a deterministic wobble.
    const probs = Float32Array.from(
      Array.from(targets).flatMap((y, i) => {
        const p = 0.5 + (y ? 0.2 : -0.2) + 0.35 * Math.sin(i * 1.7);
        const q = Math.min(0.99, Math.max(0.01, p));
        return [1 - q, q];
      }),
    );
    const t = task('BINARY_CLASSIFICATION', 2);
    const s = { probs, targets, n };
    const r = testScore(t, s, 9);
    expect(r.n).toBe(n);
    expect(r.auroc.value).toBeCloseTo(scoreOf(t, s).auroc, 12);
    expect(r.auroc.lo).toBeLessThan(r.auroc.value);
    expect(r.auroc.hi).toBeGreaterThan(r.auroc.value);
    expect(r.accuracy.lo).toBeLessThan(r.accuracy.value);
    expect(testScore(t, s, 9)).toEqual(r);
  });
});
