import { describe, expect, it } from 'vitest';
import { logOdds } from './log-odds';

describe('logOdds', () => {
  it('is log(p / (1 - p)) of the softmax (hand-computed rows)', () => {
    const l = [1, 2, 3, 0, 0, 0];
    const out = logOdds(l, 2, 3);
    const p = (c: number): number => Math.exp(l[c] as number) / (Math.exp(1) + Math.exp(2) + Math.exp(3));
    for (const c of [0, 1, 2]) expect(out[c]).toBeCloseTo(Math.log(p(c) / (1 - p(c))), 12);
    expect(Array.from(out.subarray(3))).toEqual([-Math.log(2), -Math.log(2), -Math.log(2)]);
  });

  it('keeps far-apart rows ordered where probabilities are exactly 0 and 1', () => {
    // Gaps of 100, 101 and 98: p = 1 in float64 too; the log-odds are the gaps.
    const out = logOdds([-100, 0, -101, 0, -98, 0], 3, 2);
    expect(Array.from(out.filter((_, i) => i % 2 === 1))).toEqual([100, 101, 98]);
    expect(out[0]).toBe(-100);
  });
});
