import { describe, expect, it } from 'vitest';
import { episodesFromJSON, episodesToJSON, type EpisodeListJSON } from './json';
import { planEpisodes } from './plan';
import { multilabelView, singleLabelView } from './test-fixtures';
import type { EpisodeList, EpisodeSpec, TaskView } from './types';

function listOf(view: TaskView, spec: EpisodeSpec, count: number): EpisodeList {
  return planEpisodes(view, spec).list(0, count);
}

const single = listOf(
  singleLabelView([
    [0, 'A', 20],
    [2, 'B', 20],
    [5, 'C', 20],
  ]),
  { mode: 'fixed', way: 2, shot: 3, query: 4, seed: 5 },
  4,
);
const multi = listOf(multilabelView([0.3, 0.6], 100), { mode: 'medimeta', shot: 2, query: 3, seed: 1 }, 3);

/** A JSON copy of the single-label list to break, field by field. */
const broken = (edit: (j: EpisodeListJSON & Record<string, unknown>) => void): unknown => {
  const j = JSON.parse(JSON.stringify(episodesToJSON(single))) as EpisodeListJSON & Record<string, unknown>;
  edit(j);
  return j;
};

describe('episode JSON', () => {
  it('round-trips single-label and multilabel lists, through a string too', () => {
    expect(episodesFromJSON(episodesToJSON(single))).toEqual(single);
    expect(episodesFromJSON(JSON.stringify(episodesToJSON(single)))).toEqual(single);
    expect(episodesFromJSON(JSON.stringify(episodesToJSON(multi)))).toEqual(multi);
  });

  it('writes a versioned, compact object', () => {
    const j = episodesToJSON(multi);
    expect([j.format, j.version, j.target, j.spec]).toEqual([
      'protobench-episodes',
      1,
      'MULTILABEL_CLASSIFICATION',
      { mode: 'medimeta', shot: 2, query: 3, seed: 1 },
    ]);
    expect(j.episodes[0]?.support.targets?.[0]).toMatch(/^[01]{2}$/);
    expect(j.episodes[0]?.support.labels).toBeUndefined();
  });

  it('names the field, what was expected and what was found', () => {
    const cases: [unknown, string][] = [
      ['{"format":', 'episodes JSON: not valid JSON'],
      [[], 'episodes JSON: (root): expected an object, found []'],
      [
        broken((j) => (j.format = 'other' as never)),
        'episodes JSON: format: expected "protobench-episodes", found "other"',
      ],
      [broken((j) => (j.version = 2 as never)), 'episodes JSON: version: expected 1, found 2'],
      [
        broken((j) => delete (j as Record<string, unknown>).datasetId),
        'episodes JSON: datasetId: expected a string, found nothing',
      ],
      [
        broken((j) => (j.target = 'REGRESSION' as never)),
        'episodes JSON: target: expected one of BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION, ORDINAL_REGRESSION, found "REGRESSION"',
      ],
      [
        broken((j) => (j.split = 'dev' as never)),
        'episodes JSON: split: expected one of train, val, test, found "dev"',
      ],
      [
        broken((j) => (j.spec = { mode: 'fixed', way: 2, shot: 0, query: 4, seed: 5 })),
        'episodes JSON: spec: shot must be an integer >= 1, found 0',
      ],
      [
        broken((j) => (j.spec = { mode: 'x' } as never)),
        'episodes JSON: spec.mode: expected one of "fixed", "medimeta", "variable", found "x"',
      ],
      [broken((j) => (j.episodes = {} as never)), 'episodes JSON: episodes: expected an array, found {}'],
      [
        broken((j) => (j.episodes[1]!.index = -1)),
        'episodes JSON: episodes[1].index: expected an integer >= 0, found -1',
      ],
      [
        broken((j) => (j.episodes[0]!.classes = [])),
        'episodes JSON: episodes[0].classes: expected at least one class, found []',
      ],
      [
        broken((j) => (j.episodes[0]!.classes[0]!.name = 3 as never)),
        'episodes JSON: episodes[0].classes[0].name: expected a string, found 3',
      ],
      [
        broken((j) => j.episodes[0]!.classes.reverse()),
        'episodes JSON: episodes[0].classes[1].value: expected a value above',
      ],
      [
        broken((j) => (j.episodes[2]!.support.images[1] = 1.5)),
        'episodes JSON: episodes[2].support.images[1]: expected an integer in [0, 4294967295], found 1.5',
      ],
      [
        broken((j) => (j.episodes[0]!.query.labels![3] = 2)),
        'episodes JSON: episodes[0].query.labels[3]: expected an integer in [0, 1], found 2',
      ],
      [
        broken((j) => j.episodes[0]!.query.labels!.pop()),
        'episodes JSON: episodes[0].query.labels: expected 8 labels (one per image), found 7 labels',
      ],
      [
        broken((j) => (j.episodes[0]!.query.images[0] = j.episodes[0]!.support.images[0]!)),
        'episodes JSON: episodes[0].query.images[0]: expected an image not already in the support or query set, found',
      ],
      [
        broken((j) => (j.episodes[0]!.support.labels = [0, 0, 0, 0, 0, 0])),
        'episodes JSON: episodes[0].support.labels: expected at least one image of every class (0..1), found none of class 1',
      ],
    ];
    for (const [input, message] of cases) expect(() => episodesFromJSON(input), message).toThrow(message);
  });

  it('checks multilabel target rows and that every label has positive and negative support', () => {
    const j = JSON.parse(JSON.stringify(episodesToJSON(multi))) as EpisodeListJSON;
    const targets = j.episodes[0]!.support.targets!;
    targets[0] = '012';
    expect(() => episodesFromJSON(j)).toThrow(
      'episodes JSON: episodes[0].support.targets[0]: expected a string of 2 characters 0/1, found "012"',
    );
    j.episodes[0]!.support.targets = targets.map(() => '11');
    expect(() => episodesFromJSON(j)).toThrow(
      'episodes JSON: episodes[0].support.targets: expected positives and negatives of every label',
    );
    delete j.episodes[0]!.support.targets;
    expect(() => episodesFromJSON(j)).toThrow(
      'episodes JSON: episodes[0].support.targets: expected a value, found nothing',
    );
  });

  it('requires 2 classes for a binary task', () => {
    const bin = listOf(
      singleLabelView(
        [
          [0, 'no', 10],
          [1, 'yes', 10],
        ],
        'BINARY_CLASSIFICATION',
      ),
      { mode: 'medimeta', shot: 1, query: 1, seed: 0 },
      1,
    );
    const j = JSON.parse(JSON.stringify(episodesToJSON(bin))) as EpisodeListJSON;
    j.episodes[0]!.classes.push({ value: 2, name: 'maybe' });
    expect(() => episodesFromJSON(j)).toThrow(
      'episodes JSON: episodes[0].classes: expected 2 classes [negative, positive] for a binary task, found 3 classes',
    );
  });
});
