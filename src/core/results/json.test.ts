import { describe, expect, it } from 'vitest';
import { recordFromJSON, recordToJSON } from './json';
import { smallRecord } from './test-record';

describe('JSON export', () => {
  it('round-trips a record, NaN included; per-episode values are optional', () => {
    const r = smallRecord();
    const back = recordFromJSON(recordToJSON(r));
    expect(back).toEqual({ ok: true, record: r });
    const slim = recordFromJSON(recordToJSON(r, { perEpisode: false }));
    expect(slim.ok && slim.record.cells.every((c) => c.perEpisode === undefined)).toBe(true);
    expect(recordToJSON(r, { perEpisode: false }).length).toBeLessThan(recordToJSON(r).length);
    expect(JSON.parse(recordToJSON(r)).cells[3].auroc.mean).toBeNull();
  });

  it('refuses what it did not write, saying where', () => {
    const paths = (text: string): string[] => {
      const p = recordFromJSON(text);
      return p.ok ? [] : p.errors.map((e) => e.path);
    };
    const doc = JSON.parse(recordToJSON(smallRecord()));
    expect(paths('{')).toEqual(['']);
    expect(paths(JSON.stringify({ ...doc, format: 'other' }))).toEqual(['format']);
    expect(paths(JSON.stringify({ ...doc, configHash: '0000000000000000' }))).toEqual(['configHash']);
    expect(paths(JSON.stringify({ ...doc, extra: 1 }))).toEqual(['extra']);
    const bad = structuredClone(doc);
    bad.cells[0].accuracy.mean = 1.5;
    bad.cells[1].timings.loadMs = -1;
    bad.cells[2].target.dataset = 'a/b';
    bad.environment.backend = 'metal';
    bad.cells.push(bad.cells[3]);
    expect(paths(JSON.stringify(bad))).toEqual([
      'environment.backend',
      'cells[0].accuracy.mean',
      'cells[1].timings.loadMs',
      'cells[2].target.dataset',
    ]);
    const dup = structuredClone(doc);
    dup.cells.push(dup.cells[0]);
    expect(paths(JSON.stringify(dup))).toEqual(['cells[4]']);
  });
});

describe('JSON export of stored-weights references', () => {
  it('round-trips a cell trainedWeights field and still reads records without it', () => {
    const r = smallRecord();
    r.cells[0] = { ...(r.cells[0] as (typeof r.cells)[number]), trainedWeights: { key: 'w1-abc', reused: true } };
    const back = recordFromJSON(recordToJSON(r));
    expect(back).toEqual({ ok: true, record: r });
    expect(back.ok && back.record.cells[1]?.trainedWeights).toBeUndefined();
    const doc = JSON.parse(recordToJSON(r));
    doc.cells[0].trainedWeights.reused = 'yes';
    const bad = recordFromJSON(JSON.stringify(doc));
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['cells[0].trainedWeights.reused']);
  });

  it('round-trips training repeats and training records (curve, chosen checkpoint, source tasks)', () => {
    const r = smallRecord();
    r.cells[0] = {
      ...(r.cells[0] as (typeof r.cells)[number]),
      ciKind: 'episodes+training',
      repeats: [
        { seed: 0, accuracy: 0.5, auroc: 0.6, weightsKey: 'w1-a' },
        { seed: 77, accuracy: 0.55, auroc: 0.65 },
      ],
    };
    r.trainings = [
      {
        trainingKey: 'tk',
        source: 'all-except-target',
        repeat: 1,
        seed: 77,
        sourceTasks: ['oct/disease class'],
        skipped: ['cxr/disease labels: multilabel tasks are not used for training'],
        steps: 30,
        stoppedStep: 20,
        chosen: { step: 0, valAccuracy: 0.4, valAuroc: 0.6 },
        curve: [{ step: 0, loss: NaN, accuracy: 0.4, auroc: 0.6, perTask: [0.4], perTaskAuroc: [NaN] }],
        weightsKey: 'w1-a',
        reused: false,
        trainMs: 12.5,
      },
    ];
    expect(recordFromJSON(recordToJSON(r))).toEqual({ ok: true, record: r });
    const doc = JSON.parse(recordToJSON(r));
    doc.trainings[0].chosen.step = -1;
    doc.cells[0].ciKind = 'vibes';
    const bad = recordFromJSON(JSON.stringify(doc));
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['cells[0].ciKind', 'trainings[0].chosen.step']);
  });

  it('round-trips the supervised row`s test score (NaN bounds as null) and names a bad one', () => {
    const r = smallRecord();
    r.trainings = [
      {
        trainingKey: 'tk',
        source: 'supervised',
        repeat: 0,
        seed: 0,
        sourceTasks: ['bus/case category'],
        skipped: [],
        steps: 50,
        stoppedStep: 40,
        chosen: { step: 30, valAccuracy: 0.7, valAuroc: 0.8 },
        curve: [],
        trainMs: 3,
        test: {
          split: 'test',
          n: 60,
          accuracy: { value: 0.8, lo: 0.7, hi: 0.9 },
          auroc: { value: 0.9, lo: NaN, hi: 1 },
        },
      },
    ];
    expect(recordFromJSON(recordToJSON(r))).toEqual({ ok: true, record: r });
    const doc = JSON.parse(recordToJSON(r));
    doc.trainings[0].test.auroc.hi = 1.5;
    doc.trainings[0].test.split = 'all';
    const bad = recordFromJSON(JSON.stringify(doc));
    expect(bad.ok ? [] : bad.errors.map((e) => e.message)).toEqual([
      'trainings[0].test.split: expected one of "train", "val", "test", found "all"',
      'trainings[0].test.auroc.hi: expected a finite number in [0, 1], found 1.5',
    ]);
  });
});
