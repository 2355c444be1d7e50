import { describe, expect, it } from 'vitest';
import { demoCatalog, sweepCatalog } from './catalog';
import { makePlan, parseSweepConfig, PlanError } from './plan';

const GOOD = {
  name: 'small',
  grid: {
    encoders: ['conv4'],
    resolutions: [84],
    modes: ['medimeta'],
    shots: [1, 5],
    queries: [5],
    episodes: [10],
    seeds: [0],
    sources: [['all-except-target', 'untrained']],
    targets: ['demo_oct/Layer profile', 'demo_derm/Malignancy'],
  },
  training: { steps: 2, way: 5, shot: 1, query: 5, lr: 0.001, valEvery: 0 },
};

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanError) return e.problems;
    throw e;
  }
  return [];
}

const plan = (doc: unknown, demo = true) => {
  const s = parseSweepConfig('sweep.json', JSON.stringify(doc));
  return makePlan(s, { configFile: 'sweep.json', catalog: sweepCatalog(demo, [], []), data: [], allowFallback: false });
};

describe('the demo catalog in Node', () => {
  it('has the page demo datasets with class counts', () => {
    const c = demoCatalog();
    expect(c.map((d) => d.id)).toEqual([
      'demo_xray_a',
      'demo_xray_b',
      'demo_derm',
      'demo_skin_photo',
      'demo_histo',
      'demo_oct',
    ]);
    const oct = c.find((d) => d.id === 'demo_oct');
    expect(oct?.splitSizes).toEqual({ train: 270, val: 90, test: 90 });
    expect(oct?.tasks[0]?.classCounts.map((x) => x.counts.test)).toEqual([30, 30, 30]);
  });
});

describe('makePlan', () => {
  it('plans every run with its URL', () => {
    const p = plan(GOOD);
    expect(p.runs).toHaveLength(4);
    expect(p.planHash).toMatch(/^[0-9a-f]{16}$/);
    expect(p.datasets).toContain('demo_oct');
    expect(plan(GOOD).planHash).toBe(p.planHash);
  });

  it('a target or source that does not exist is an error naming the grid entry, before anything runs', () => {
    const bad = {
      ...GOOD,
      grid: { ...GOOD.grid, targets: ['demo_oct/Layer profile', 'nope/Malignancy', 'demo_oct/nope'] },
    };
    const p = problems(() => plan(bad));
    expect(p).toEqual([
      expect.stringMatching(
        /^sweep\.json: grid\.targets\[1\]: target dataset "nope" is not in the catalog \(have "demo_xray_a", /,
      ),
      'sweep.json: grid.targets[2]: dataset "demo_oct" has no task "nope" (has "Layer profile", "Urgent referral")',
    ]);
    const src = { ...GOOD, grid: { ...GOOD.grid, sources: [['dataset:nope']] } };
    expect(problems(() => plan(src))).toEqual([
      expect.stringMatching(/^sweep\.json: grid\.sources\[0\]: source "dataset:nope": /),
    ]);
    // Without the demo, demo targets do not exist either.
    expect(problems(() => plan(GOOD, false))[0]).toMatch(
      /target dataset "demo_oct" is not in the catalog \(have none\)/,
    );
  });

  it('bad JSON and bad fields are said with the file name', () => {
    expect(problems(() => parseSweepConfig('s.json', '{"grid": '))).toEqual([
      expect.stringMatching(/^s\.json: not valid JSON: /),
    ]);
    expect(problems(() => parseSweepConfig('s.json', '{"grid": {}, "x": 1}'))).toContain(
      's.json: x: expected no such key (known: grid, name, backend, demo, training, finetune, supervised, evalSplit, description), found an unexpected key',
    );
  });

  it('a run with no cell that can run is an error', () => {
    const bad = { ...GOOD, grid: { ...GOOD.grid, shots: [60] } };
    const p = problems(() => plan(bad));
    expect(p[0]).toBe('sweep.json: grid: none of the 2 cells can run (see the skipped cells)');
    expect(p[1]).toMatch(
      /^sweep\.json: \(skip: grid\.targets\[0\]: target "demo_oct\/Layer profile" at K = 60 cannot be evaluated: /,
    );
  });
});
