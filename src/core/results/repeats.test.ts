import { describe, expect, it } from 'vitest';
import { combineRepeats, pairedDifference } from './repeats';
import { cell } from './test-record';
import type { CellResult } from './types';

function withEpisodes(accuracy: number[]): CellResult {
  return {
    ...cell('all-except-target', 'bus', 'case category', 1, 0, 0),
    perEpisode: { accuracy, auroc: accuracy.map((a) => 1 - a) },
  };
}

describe('combineRepeats and pairedDifference', () => {
  it('combines repeats: mean of repeat means, averaged episodes, seeds and keys kept, CI kind set', () => {
    const c = combineRepeats([withEpisodes([0.4, 0.6]), withEpisodes([0.6, 0.8])], [0, 9], ['w1-a', 'w1-b']);
    expect(c.accuracy.mean).toBeCloseTo(0.6, 12);
    expect(c.perEpisode?.accuracy.map((x) => +x.toFixed(12))).toEqual([0.5, 0.7]);
    expect(c.repeats?.map((r) => [r.seed, r.weightsKey])).toEqual([
      [0, 'w1-a'],
      [9, 'w1-b'],
    ]);
    expect(c.ciKind).toBe('episodes+training');
    expect(combineRepeats([withEpisodes([0.4, 0.6])], [0])).not.toHaveProperty('repeats');
  });

  it('pairs two rows episode by episode, and repeat by repeat (hand-computed)', () => {
    const a = withEpisodes([0.5, 0.7, 0.6]);
    const b = withEpisodes([0.4, 0.7, 0.4]);
    // Differences 0.1, 0, 0.2: mean 0.1, sd 0.1, CI 1.96 * 0.1 / sqrt(3).
    const d = pairedDifference(a, b, 'accuracy');
    expect(d.mean).toBeCloseTo(0.1, 12);
    expect(d.ci95).toBeCloseTo((1.96 * 0.1) / Math.sqrt(3), 9);
    const ra = combineRepeats([withEpisodes([0.5, 0.7, 0.6]), withEpisodes([0.7, 0.9, 0.8])], [0, 1]);
    const rb = combineRepeats([withEpisodes([0.4, 0.7, 0.4]), withEpisodes([0.6, 0.6, 0.6])], [0, 1]);
    // Per-repeat differences 0.1 and 0.2: training term 12.706 * sd(0.1, 0.2) / sqrt(2) = 12.706 * 0.05.
    const dr = pairedDifference(ra, rb, 'accuracy');
    expect(dr.repeats).toBe(2);
    expect(dr.mean).toBeCloseTo(0.15, 12);
    const episodes = [0.1, 0.15, 0.2].map((x) => x);
    const sd = Math.sqrt(episodes.reduce((s, x) => s + (x - 0.15) ** 2, 0) / 2);
    expect(dr.ci95).toBeCloseTo(Math.hypot(12.706 * 0.05, (1.96 * sd) / Math.sqrt(3)), 9);
  });

  it('a row without repeats is one value against every repeat', () => {
    const ra = combineRepeats([withEpisodes([0.5, 0.7, 0.6]), withEpisodes([0.7, 0.9, 0.8])], [0, 1]);
    const px = withEpisodes([0.4, 0.6, 0.5]);
    px.accuracy = { mean: 0.5, ci95: 0, std: 0.1 };
    const d = pairedDifference(ra, px, 'accuracy');
    // Repeat means 0.6 and 0.8 against 0.5: 0.1 and 0.3; episodes averaged 0.6, 0.8, 0.7 minus 0.4, 0.6, 0.5.
    expect(d.mean).toBeCloseTo(0.2, 12);
    expect(d.ci95).toBeCloseTo(12.706 * 0.1, 9);
  });
});
