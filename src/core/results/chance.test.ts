import { describe, expect, it } from 'vitest';
import { feasibility } from '../config/feasibility';
import { chanceAccuracy } from './chance';

describe('chance levels', () => {
  const task = (n: number, target = 'MULTICLASS_CLASSIFICATION' as const) => ({
    name: 't',
    target,
    classCounts: Array.from({ length: n }, (_, v) => ({
      value: v,
      name: `c${v}`,
      counts: { train: 50, val: 50, test: 50 },
    })),
  });
  const at = (mode: 'fixed' | 'medimeta' | 'variable') => ({
    mode,
    way: 5,
    shot: 1,
    query: 10,
    split: 'test' as const,
  });
  it('1/N for fixed, 1/C for medimeta, 1/2 for binary and multilabel, E[1/W] for variable', () => {
    expect(chanceAccuracy('fixed', feasibility(task(8), at('fixed')))).toBe(1 / 5);
    expect(chanceAccuracy('medimeta', feasibility(task(8), at('medimeta')))).toBe(1 / 8);
    expect(
      chanceAccuracy('medimeta', feasibility({ ...task(2), target: 'BINARY_CLASSIFICATION' }, at('medimeta'))),
    ).toBe(0.5);
    expect(
      chanceAccuracy('medimeta', feasibility({ ...task(14), target: 'MULTILABEL_CLASSIFICATION' }, at('medimeta'))),
    ).toBe(0.5);
    expect(chanceAccuracy('variable', feasibility(task(3), at('variable')))).toBe(1 / 3);
    expect(chanceAccuracy('variable', feasibility(task(7), at('variable')))).toBeCloseTo(
      (1 / 5 + 1 / 6 + 1 / 7) / 3,
      15,
    );
    expect(chanceAccuracy('fixed', feasibility(task(3), at('fixed')))).toBeNaN();
  });
});
