import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromQuery, configHash, validateConfig } from '../src/core/config';
import { expandGrid, validateSweepConfig, type SweepConfig } from './config';

const GOOD = {
  name: 'small',
  backend: 'wasm',
  grid: {
    encoders: ['conv4', 'resnet12'],
    resolutions: [84],
    modes: ['medimeta'],
    shots: [1, [5, 10]],
    queries: [5],
    episodes: [10],
    seeds: [0, 1],
    sources: [['all-except-target', 'untrained'], 'pixels'],
    targets: ['demo_oct/Layer profile'],
  },
  training: { steps: 2, way: 5, shot: 1, query: 5, lr: 0.001, valEvery: 0 },
};

function clone(): typeof GOOD & Record<string, unknown> {
  return JSON.parse(JSON.stringify(GOOD)) as typeof GOOD & Record<string, unknown>;
}

function errors(v: unknown): string[] {
  const r = validateSweepConfig(v);
  return r.ok ? [] : r.errors.map((e) => e.message);
}

function valid(v: unknown = GOOD): SweepConfig {
  const r = validateSweepConfig(v);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

describe('the methods axis', () => {
  it('absent: ProtoNet alone, and run names leave it out; given: one run holds the listed methods', () => {
    expect(valid().grid.methods).toEqual([['protonet']]);
    const names = expandGrid(valid()).map((r) => r.id);
    expect(names.every((n) => !n.includes('m-'))).toBe(true);
    const both = { ...clone(), grid: { ...clone().grid, methods: [['protonet', 'linear-probe'], 'linear-probe'] } };
    const runs = expandGrid(valid(both));
    expect(runs.length).toBe(2 * expandGrid(valid()).length);
    expect(runs.map((r) => r.config.methods)).toContainEqual(['protonet', 'linear-probe']);
    expect(runs.some((r) => r.id.includes('m-linear-probe'))).toBe(true);
    expect(errors({ ...clone(), grid: { ...clone().grid, methods: ['knn'] } })).toEqual([
      'grid.methods[0]: expected one of "protonet", "linear-probe", "finetune", found "knn"',
    ]);
  });

  it('the file`s supervised object sets every run`s supervised training; absent keys take the defaults', () => {
    expect(valid().supervised).toEqual({ steps: 500, lr: 0.001, batch: 64, valEvery: 50, patience: 10 });
    const sup = { ...clone(), supervised: { steps: 40, patience: 3 } };
    for (const r of expandGrid(valid(sup)))
      expect(r.config.supervised).toEqual({ steps: 40, lr: 0.001, batch: 64, valEvery: 50, patience: 3 });
    expect(errors({ ...clone(), supervised: { batch: 0, lr: 'x' } })).toEqual([
      'supervised.lr: expected a finite number in (0, 1], found "x"',
      'supervised.batch: expected an integer in [1, 512], found 0',
    ]);
  });

  it('the file`s finetune object sets every run`s fine-tune settings; absent keys take MedIMeta`s', () => {
    expect(valid().finetune).toEqual({ steps: 100, lr: 0.01, headInit: 'zero' });
    const ft = { ...clone(), finetune: { steps: 20 } };
    for (const r of expandGrid(valid(ft))) expect(r.config.finetune).toEqual({ steps: 20, lr: 0.01, headInit: 'zero' });
    expect(errors({ ...clone(), finetune: { steps: 0, headInit: 'xavier' } })).toEqual([
      'finetune.steps: expected an integer in [1, 10000], found 0',
      'finetune.headInit: expected one of "zero", "uniform", found "xavier"',
    ]);
  });

  it('sweep/example.json runs the three methods and both supervised rows in every run', () => {
    const example = valid(JSON.parse(readFileSync(new URL('./example.json', import.meta.url), 'utf8')));
    const runs = expandGrid(example);
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r.config.methods).toEqual(['protonet', 'linear-probe', 'finetune']);
      expect(r.config.sources.map((s) => s.kind)).toEqual([
        'all-except-target',
        'mm-pt',
        'supervised',
        'untrained',
        'pixels',
      ]);
      expect(r.query).toContain('src=supervised');
      expect(r.config.supervised).toEqual({ steps: 60, lr: 0.001, batch: 32, valEvery: 20, patience: 3 });
    }
  });
});

describe('validateSweepConfig', () => {
  it('accepts the example shape, with defaults for what is left out', () => {
    const c = valid();
    expect(c.grid.shots).toEqual([[1], [5, 10]]);
    expect(c.grid.sources).toEqual([[{ kind: 'all-except-target' }, { kind: 'untrained' }], [{ kind: 'pixels' }]]);
    expect(c.grid.targets).toEqual([[{ dataset: 'demo_oct', task: 'Layer profile' }]]);
    expect(c.grid.ways).toEqual([5]);
    expect(c.demo).toBe(true);
    expect(c.evalSplit).toBe('test');
    const bare = clone();
    delete (bare as Record<string, unknown>).training;
    delete (bare as Record<string, unknown>).backend;
    expect(valid(bare).training).toEqual({
      steps: 60,
      way: 5,
      shot: 1,
      query: 5,
      lr: 0.001,
      valEvery: 30,
      patience: 5,
      seeds: 1,
    });
    expect(valid(bare).backend).toBe('wasm');
    // --backend wins, and picks the default training budget.
    const r = validateSweepConfig(bare, { backend: 'webgpu' });
    expect(r.ok && r.config.backend).toBe('webgpu');
    expect(r.ok && r.config.training.steps).toBe(1000);
  });

  it('an unknown key, at any level', () => {
    expect(errors({ ...clone(), extra: 1 })).toEqual([
      expect.stringMatching(/^extra: expected no such key \(known: grid, name/),
    ]);
    const g = clone();
    (g.grid as Record<string, unknown>).encoder = ['conv4'];
    expect(errors(g)).toEqual([expect.stringMatching(/^grid\.encoder: expected no such key .*encoders/)]);
    const t = clone();
    (t.training as Record<string, unknown>).momentum = 0.9;
    expect(errors(t)).toEqual([expect.stringMatching(/^training\.momentum: expected no such key/)]);
  });

  it('a wrong type names the field, what was expected and what was found', () => {
    const c = clone();
    (c.grid as Record<string, unknown>).episodes = ['10'];
    expect(errors(c)).toEqual(['grid.episodes[0]: expected an integer in [1, 10000], found "10"']);
    const d = clone();
    (d.grid as Record<string, unknown>).encoders = 'conv4';
    expect(errors(d)).toEqual([
      expect.stringMatching(/^grid\.encoders: expected a non-empty list of encoders, found "conv4"/),
    ]);
    const e = clone();
    (e as Record<string, unknown>).demo = 'yes';
    expect(errors(e)).toEqual(['demo: expected true or false, found "yes"']);
    const f = clone();
    (f.grid as Record<string, unknown>).sources = [['untrained', 7]];
    expect(errors(f)).toEqual([expect.stringMatching(/^grid\.sources\[0\]\[1\]: expected a source key/)]);
    const h = clone();
    (h.grid as Record<string, unknown>).targets = ['no-slash'];
    expect(errors(h)).toEqual([
      expect.stringMatching(/^grid\.targets\[0\]: expected a target key "<dataset>\/<task>", found "no-slash"/),
    ]);
  });

  it('an empty grid list, a missing one, a duplicate value', () => {
    const c = clone();
    (c.grid as Record<string, unknown>).seeds = [];
    expect(errors(c)).toEqual([
      'grid.seeds: expected a non-empty list of integers in [0, 4294967295], found an array of 0',
    ]);
    const m = clone();
    delete (m.grid as Record<string, unknown>).targets;
    expect(errors(m)).toEqual([expect.stringMatching(/^grid\.targets: expected a value for "targets"/)]);
    const d = clone();
    (d.grid as Record<string, unknown>).seeds = [0, 1, 0];
    expect(errors(d)).toEqual([
      expect.stringMatching(
        /^grid\.seeds\[2\]: expected a value not already listed.*found 0, the same as grid\.seeds\[0\]/,
      ),
    ]);
    const k = clone();
    (k.grid as Record<string, unknown>).shots = [[1, 1]];
    expect(errors(k)).toEqual([
      expect.stringMatching(/^grid\.shots\[0\]\[1\]: expected an item not already in this list/),
    ]);
    const w = clone();
    (w.grid as Record<string, unknown>).modes = ['fixed'];
    expect(errors(w)).toEqual([expect.stringMatching(/^grid\.ways: expected a non-empty list of N/)]);
  });

  it('training is checked like a run config', () => {
    const c = clone();
    c.training.valEvery = 5;
    expect(errors(c)).toEqual(['training.valEvery: expected 0 (never) or an integer in [1, steps = 2], found 5']);
  });
});

describe('expandGrid', () => {
  it('runs the cartesian product in a fixed order, each a valid run config with a stable name', () => {
    const runs = expandGrid(valid());
    // 2 encoders x 2 K values x 2 seeds x 2 source sets x 1 target set.
    expect(runs).toHaveLength(16);
    expect(runs.map((r) => r.index)).toEqual([...Array(16).keys()]);
    expect(new Set(runs.map((r) => r.id)).size).toBe(16);
    expect(runs[0]?.id).toBe(
      'conv4-r84-medimeta-k1-q5-ep10-s0-src-all-except-target+untrained-t-demo_oct_Layer_profile',
    );
    expect(runs[1]?.id).toBe('conv4-r84-medimeta-k1-q5-ep10-s0-src-pixels-t-demo_oct_Layer_profile');
    expect(runs[4]?.config.shots).toEqual([5, 10]);
    expect(runs[8]?.config.encoder).toBe('resnet12');
    for (const r of runs) {
      expect(validateConfig(r.config).ok).toBe(true);
      expect(r.configHash).toBe(configHash(r.config));
      // The page reads exactly this config from the URL.
      const back = configFromQuery(r.query);
      expect(back.ok && back.config).toEqual(r.config);
    }
    // Same config, same plan: names and hashes do not depend on anything else.
    expect(expandGrid(valid()).map((r) => `${r.id}:${r.configHash}`)).toEqual(
      runs.map((r) => `${r.id}:${r.configHash}`),
    );
  });

  it('does not expand what a mode ignores, and marks demo-less runs', () => {
    const c = clone();
    (c.grid as Record<string, unknown>).modes = ['fixed', 'medimeta', 'variable'];
    (c.grid as Record<string, unknown>).ways = [3, 5];
    (c.grid as Record<string, unknown>).encoders = ['conv4'];
    (c.grid as Record<string, unknown>).seeds = [0];
    (c.grid as Record<string, unknown>).sources = ['pixels'];
    (c as Record<string, unknown>).demo = false;
    const runs = expandGrid(valid(c));
    // fixed: 2 N x 2 K; medimeta: 2 K; variable: 1.
    expect(runs.map((r) => r.id.split('-src')[0])).toEqual([
      'conv4-r84-fixed-n3-k1-q5-ep10-s0',
      'conv4-r84-fixed-n3-k5_10-q5-ep10-s0',
      'conv4-r84-fixed-n5-k1-q5-ep10-s0',
      'conv4-r84-fixed-n5-k5_10-q5-ep10-s0',
      'conv4-r84-medimeta-k1-q5-ep10-s0',
      'conv4-r84-medimeta-k5_10-q5-ep10-s0',
      'conv4-r84-variable-ep10-s0',
    ]);
    expect(new Set(runs.map((r) => r.configHash)).size).toBe(runs.length);
    for (const r of runs) expect(r.query.endsWith('&demo=off')).toBe(true);
  });

  it('names long source or target lists by a hash', () => {
    const c = clone();
    (c.grid as Record<string, unknown>).targets = [
      ['demo_oct/Layer profile', 'demo_derm/Malignancy', 'demo_histo/High cellularity'],
    ];
    const id = expandGrid(valid(c))[0]?.id ?? '';
    expect(id).toMatch(/-t-h[0-9a-f]{8}$/);
  });
});
