import { describe, expect, it } from 'vitest';
import { imagesOf, multilabelView, singleLabelView } from '../sampling/test-fixtures';
import { planTraining, type SourceViews } from './plan';
import { trainingSeed, trainingSeeds } from './seeds';

function source(id: string, classes: [number, string, number][], val?: [number, string, number][]): SourceViews {
  const train = { ...singleLabelView(classes, 'MULTICLASS_CLASSIFICATION', id), split: 'train' as const };
  const ref = { datasetId: id, taskName: train.task.name };
  return val
    ? { ref, train, val: { ...singleLabelView(val, 'MULTICLASS_CLASSIFICATION', id), split: 'val' } }
    : { ref, train };
}

const shape = { steps: 40, way: 5, shot: 1, query: 2, seed: 3, valEpisodes: 4 };

describe('planTraining', () => {
  const views = [
    source(
      'a',
      [
        [0, 'x', 5],
        [1, 'y', 5],
        [2, 'z', 5],
      ],
      [
        [0, 'x', 3],
        [1, 'y', 3],
        [2, 'z', 3],
      ],
    ),
    source('b', [
      [0, 'p', 9],
      [1, 'q', 9],
      [2, 'r', 9],
      [3, 's', 9],
      [4, 't', 9],
      [5, 'u', 9],
    ]),
  ];

  it('trains each task at min(N, eligible classes), draws tasks by a seeded order, validates where val serves', () => {
    const plan = planTraining(views, shape);
    expect(plan.sources.map((s) => s.way)).toEqual([3, 5]);
    expect(plan.sources[0]?.val).toBeDefined();
    expect(plan.sources[1]?.val).toBeUndefined();
    expect(new Set(plan.order)).toEqual(new Set([0, 1]));
    for (let s = 0; s < shape.steps; s++) {
      const { source: i, episode } = plan.stepEpisode(s);
      expect(i).toBe(plan.order[s]);
      expect(episode.way).toBe(plan.sources[i]?.way);
      expect(episode.support).toHaveLength(episode.way);
    }
    expect(plan.validationEpisodes(0)).toHaveLength(4);
    expect(plan.validationEpisodes(1)).toEqual([]);
  });

  it('is a pure function of the seed: same plan twice, another seed another order', () => {
    const a = planTraining(views, shape);
    const b = planTraining(views, shape);
    const c = planTraining(views, { ...shape, seed: 4 });
    const eps = (p: typeof a): unknown =>
      Array.from({ length: shape.steps }, (_, s) => imagesOf(p.stepEpisode(s).episode));
    expect(eps(b)).toEqual(eps(a));
    expect(Array.from(c.order)).not.toEqual(Array.from(a.order));
    expect(b.validationEpisodes(0).map(imagesOf)).toEqual(a.validationEpisodes(0).map(imagesOf));
  });

  it('skips what cannot train and says why; no source at all is an error naming them', () => {
    const ml = {
      ref: { datasetId: 'm', taskName: 'labels' },
      train: { ...multilabelView([0.5, 0.5], 40), split: 'train' as const },
    };
    const tiny = source('t', [
      [0, 'x', 1],
      [1, 'y', 1],
    ]);
    const plan = planTraining([...views, ml, tiny], shape);
    expect(plan.sources).toHaveLength(2);
    expect(plan.skipped.map((s) => s.datasetId)).toEqual(['m', 't']);
    expect(plan.skipped[0]?.reason).toMatch(/multilabel/);
    expect(() => planTraining([ml, tiny], shape)).toThrow(/no usable source task.*m\/labels: multilabel/);
  });
});

describe('training seeds', () => {
  it('repeat 0 is the run seed; the others differ from it and from each other', () => {
    expect(trainingSeed(7, 0)).toBe(7);
    const s = trainingSeeds(7, 5);
    expect(s[0]).toBe(7);
    expect(new Set(s).size).toBe(5);
    expect(trainingSeeds(7, 5)).toEqual(s);
  });
});
