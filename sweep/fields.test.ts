import { describe, expect, it } from 'vitest';
import { tableWithWarmup } from '../src/core/config/test-fields';
import { expandGrid, validateSweepConfig } from './config';

const SWEEP = {
  grid: {
    encoders: ['conv4'],
    resolutions: [84],
    modes: ['medimeta'],
    shots: [1],
    queries: [5],
    episodes: [10],
    seeds: [0],
    sources: ['untrained'],
    targets: ['demo_oct/Layer profile'],
    warmups: [0, 20],
  },
  training: { steps: 40, way: 5, shot: 1, query: 5, lr: 0.001, valEvery: 0 },
};

describe('a field added to the table, in a sweep file', () => {
  const table = tableWithWarmup();

  it('is a grid axis: checked by its rule, expanded into run configs, URLs and ids', () => {
    const r = validateSweepConfig(SWEEP, {}, table);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const runs = expandGrid(r.config, table);
    expect(runs.map((x) => (x.config.training as unknown as Record<string, unknown>).warmup)).toEqual([0, 20]);
    expect(runs[1]?.query).toContain('&twarm=20&');
    expect(runs[1]?.id).toMatch(/-ep10-w20-s0-src-untrained-/);
    expect(runs.map((x) => x.at)).toMatchObject([{ warmups: 0 }, { warmups: 1 }]);

    const bad = validateSweepConfig({ ...SWEEP, grid: { ...SWEEP.grid, warmups: [0, -1] } }, {}, table);
    expect(bad.ok ? [] : bad.errors.map((e) => e.message)).toEqual([
      'grid.warmups[1]: expected an integer in [0, 1000], found -1',
    ]);
  });

  it('is unknown to the real table', () => {
    const r = validateSweepConfig(SWEEP);
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['grid.warmups']);
  });
});
