import { describe, expect, it } from 'vitest';
import { planEpisodes, validateSpec } from './plan';
import { multilabelView, singleLabelView } from './test-fixtures';
import type { EpisodeSpec, TaskView } from './types';

const multiclass = singleLabelView([
  [0, 'A', 40],
  [1, 'B', 35],
  [2, 'C', 50],
  [3, 'D', 30],
  [4, 'E', 45],
  [5, 'F', 28],
]);
const binary = singleLabelView(
  [
    [0, 'no', 40],
    [1, 'yes', 30],
  ],
  'BINARY_CLASSIFICATION',
);
const multilabel = multilabelView([0.3, 0.5, 0.2], 200);

const cases: [string, TaskView, EpisodeSpec][] = [
  ['fixed multiclass', multiclass, { mode: 'fixed', way: 5, shot: 5, query: 15, seed: 11 }],
  ['fixed binary', binary, { mode: 'fixed', way: 2, shot: 5, query: 15, seed: 11 }],
  ['medimeta multiclass', multiclass, { mode: 'medimeta', shot: 5, query: 10, seed: 11 }],
  ['medimeta binary', binary, { mode: 'medimeta', shot: 5, query: 10, seed: 11 }],
  ['medimeta multilabel', multilabel, { mode: 'medimeta', shot: 3, query: 10, seed: 11 }],
  ['variable multiclass', multiclass, { mode: 'variable', seed: 11 }],
  ['variable binary', binary, { mode: 'variable', seed: 11 }],
];

describe.each(cases)('%s: episodes are pure functions of (seed, task, split, spec, index)', (_, view, spec) => {
  const plan = planEpisodes(view, spec);

  it('is deterministic: a fresh plan draws the same episodes', () => {
    expect(planEpisodes(view, spec).episodes(0, 20)).toEqual(plan.episodes(0, 20));
  });

  it('is order independent: episode i is the same drawn alone, in a block or backwards', () => {
    const forward = plan.episodes(0, 20);
    const backward = Array.from({ length: 20 }, (_, t) => plan.episode(19 - t)).reverse();
    expect(backward).toEqual(forward);
    expect(plan.episodes(12, 3)).toEqual(forward.slice(12, 15));
    expect(forward.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('changes with the seed and between episodes', () => {
    const other = planEpisodes(view, { ...spec, seed: spec.seed + 1 }).episode(0);
    const a = plan.episode(0);
    expect(other.support.map((x) => x.image)).not.toEqual(a.support.map((x) => x.image));
    expect(plan.episode(1).support.map((x) => x.image)).not.toEqual(a.support.map((x) => x.image));
  });
});

describe('planEpisodes', () => {
  it('depends on the task: the same spec on another dataset id gives other episodes', () => {
    const spec: EpisodeSpec = { mode: 'medimeta', shot: 2, query: 3, seed: 0 };
    const other = { ...multiclass, datasetId: 'other' };
    expect(planEpisodes(other, spec).episode(0)).not.toEqual(planEpisodes(multiclass, spec).episode(0));
  });

  it('describes the plan: target, split, kind, spec', () => {
    const plan = planEpisodes(multilabel, { mode: 'medimeta', shot: 1, query: 2, seed: 3 });
    expect([plan.datasetId, plan.taskName, plan.target, plan.split, plan.kind]).toEqual([
      'fakeml',
      'fake labels',
      'MULTILABEL_CLASSIFICATION',
      'test',
      'multilabel',
    ]);
    expect(plan.spec).toEqual({ mode: 'medimeta', shot: 1, query: 2, seed: 3 });
  });

  it('refuses malformed specs and indices, naming the field', () => {
    expect(() => validateSpec({ mode: 'fixed', way: 1, shot: 1, query: 1, seed: 0 })).toThrow(
      'episode spec: way must be an integer >= 2, found 1',
    );
    expect(() => validateSpec({ mode: 'medimeta', shot: 0, query: 1, seed: 0 })).toThrow(
      'episode spec: shot must be an integer >= 1, found 0',
    );
    expect(() => validateSpec({ mode: 'medimeta', shot: 1, query: 1.5, seed: 0 })).toThrow(
      'episode spec: query must be an integer >= 1, found 1.5',
    );
    expect(() => validateSpec({ mode: 'variable', seed: NaN })).toThrow(
      'episode spec: seed must be a safe integer, found null',
    );
    expect(() => validateSpec({ mode: 'nope', seed: 0 } as unknown as EpisodeSpec)).toThrow(
      'episode spec: mode must be one of fixed, medimeta, variable, found "nope"',
    );
    const plan = planEpisodes(multiclass, { mode: 'variable', seed: 0 });
    expect(() => plan.episode(-1)).toThrow('episode index must be a non-negative integer, found -1');
    expect(() => plan.episodes(0, -2)).toThrow('episode count must be a non-negative integer, found -2');
  });

  it('is fast on large splits: no per-episode cost in the size of a class', () => {
    // crc-sized: 9 classes, ~11k images each; cxr-sized multilabel: 14 labels, 20k images.
    const big = singleLabelView(
      Array.from({ length: 9 }, (_, c): [number, string, number] => [c, `t${c}`, 11000 + c * 100]),
    );
    const ml = multilabelView(
      [0.1, 0.02, 0.04, 0.18, 0.05, 0.05, 0.01, 0.05, 0.03, 0.02, 0.02, 0.015, 0.03, 0.002],
      20000,
    );
    // Best of 3: the bound is about the code, not about a busy test machine.
    const time = (f: () => void): number => {
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        f();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const fixed = planEpisodes(big, { mode: 'fixed', way: 5, shot: 5, query: 15, seed: 0 });
    const medimeta = planEpisodes(big, { mode: 'medimeta', shot: 30, query: 10, seed: 0 });
    const variable = planEpisodes(big, { mode: 'variable', seed: 0 });
    const multi = planEpisodes(ml, { mode: 'medimeta', shot: 10, query: 10, seed: 0 });
    fixed.episodes(0, 10); // warm up the JIT
    const tFixed = time(() => fixed.episodes(0, 600));
    const tMedimeta = time(() => medimeta.episodes(0, 100));
    const tVariable = time(() => variable.episodes(0, 600));
    const tMulti = time(() => multi.episodes(0, 100));
    // Generous bounds (machines vary); typical on a loaded 2-core box: fixed 5 ms, medimeta 5 ms,
    // variable 20 ms (~350 support images per episode), multilabel 20 ms.
    expect(tFixed).toBeLessThan(100);
    expect(tMedimeta).toBeLessThan(100);
    expect(tVariable).toBeLessThan(500);
    expect(tMulti).toBeLessThan(500);
  });
});
