import { describe, expect, it } from 'vitest';
import { summarizeRepeats, tQuantile975 } from './repeats';
import { summarize } from './summary';

describe('summarizeRepeats', () => {
  it('is the plain episode summary for one repeat', () => {
    const v = [0.2, 0.4, 0.9, 0.5];
    const s = summarizeRepeats([v]);
    const plain = summarize(v);
    expect(s.mean).toBeCloseTo(plain.mean, 12);
    expect(s.ci95).toBeCloseTo(plain.ci95, 12);
    expect(s.trainingCi95).toBe(0);
  });

  it('adds the training spread to the episode CI (hand-computed)', () => {
    // Repeat means 0.5 and 0.7 (sd 0.1414); averaged episodes 0.5, 0.7, 0.6, 0.6 (sd 0.08165).
    const s = summarizeRepeats([
      [0.4, 0.6, 0.5, 0.5],
      [0.6, 0.8, 0.7, 0.7],
    ]);
    expect(s.mean).toBeCloseTo(0.6, 12);
    expect(s.repeatMeans.map((m) => +m.toFixed(12))).toEqual([0.5, 0.7]);
    const training = (12.706 * Math.sqrt(0.02)) / Math.sqrt(2);
    const episodes = (1.96 * Math.sqrt(0.02 / 3)) / 2;
    expect(s.trainingCi95).toBeCloseTo(training, 9);
    expect(s.episodeCi95).toBeCloseTo(episodes, 9);
    expect(s.ci95).toBeCloseTo(Math.hypot(training, episodes), 9);
  });

  it('refuses repeats over different episode counts', () => {
    expect(() => summarizeRepeats([[1, 2], [1]])).toThrow(/2 and 1 episodes/);
  });

  it('uses Student quantiles for few repeats', () => {
    expect(tQuantile975(4)).toBe(2.776);
    expect(tQuantile975(100)).toBe(1.96);
  });
});
