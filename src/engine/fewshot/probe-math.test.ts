import { describe, expect, it } from 'vitest';
import { blockLabels, maxRelDiff } from './probe-math';

describe('blockLabels', () => {
  it('gives each class perClass consecutive items', () => {
    expect(Array.from(blockLabels(3, 2))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(blockLabels(5, 15)).toHaveLength(75);
  });
});

describe('maxRelDiff', () => {
  it('is the largest absolute difference over the largest reference magnitude', () => {
    expect(maxRelDiff([1, -2.5, 3], [1, -2, 4])).toBeCloseTo(1 / 4, 12);
    expect(maxRelDiff([1, 2], [1, 2])).toBe(0);
  });

  it('is the absolute difference when the reference is all zeros', () => {
    expect(maxRelDiff([0, 0.5], [0, 0])).toBe(0.5);
  });
});
