import { describe, expect, it } from 'vitest';
import { accuracy, macroAccuracy, multilabelAccuracy, perClassAccuracy } from './accuracy';

describe('accuracy', () => {
  const predictions = [0, 1, 1, 2, 2, 0];
  const labels = [0, 1, 2, 2, 2, 1];

  it('is the fraction right, NaN when empty', () => {
    expect(accuracy(predictions, labels)).toBe(4 / 6);
    expect(accuracy(Int32Array.of(1), [1])).toBe(1);
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([1], [])).toThrow('1 predictions but 0 labels');
  });

  it('per class: recall of each class, NaN for a class with no image', () => {
    const per = perClassAccuracy(predictions, labels, 4);
    expect(Array.from(per.slice(0, 3))).toEqual([1, 0.5, 2 / 3]);
    expect(per[3]).toBeNaN();
    expect(macroAccuracy(predictions, labels, 4)).toBeCloseTo((1 + 0.5 + 2 / 3) / 3, 12);
    expect(() => perClassAccuracy([0], [5], 4)).toThrow('label 0 is 5, expected an integer in [0, 4)');
  });

  it('macro equals plain accuracy on a balanced query set', () => {
    const p = [0, 0, 1, 0, 2, 2];
    const l = [0, 0, 1, 1, 2, 2];
    expect(macroAccuracy(p, l, 3)).toBeCloseTo(accuracy(p, l), 12);
  });

  it('multilabel: fraction of (image, label) decisions right', () => {
    expect(multilabelAccuracy([1, 0, 1, 1], [1, 0, 0, 1])).toBe(0.75);
    expect(multilabelAccuracy([], [])).toBeNaN();
  });
});
