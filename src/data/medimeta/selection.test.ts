import { describe, expect, test } from 'vitest';
import type { DatasetInfo } from '../../core/types';
import { runs, selectImages } from './selection';

const info: DatasetInfo = {
  id: 'x',
  name: 'x',
  summary: '',
  domain: 'd',
  channels: 1,
  height: 224,
  width: 224,
  numImages: 8,
  tasks: [
    { name: 't', target: 'MULTICLASS_CLASSIFICATION', labels: [0, 1].map((value) => ({ value, name: String(value) })) },
  ],
  splitSizes: { train: 4, val: 2, test: 2 },
  domainOverlaps: [],
  subjectOverlaps: [],
  license: '',
  source: 'imported',
};
const labels = { t: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]) };
const splits = { train: Uint32Array.from([0, 1, 2, 3]), val: Uint32Array.from([4, 5]), test: Uint32Array.from([6, 7]) };

describe('selection', () => {
  test('runs of consecutive indices, capped in length', () => {
    expect(runs(Uint32Array.from([0, 1, 2, 5, 6, 9]), 2)).toEqual([
      [0, 2],
      [2, 1],
      [5, 2],
      [9, 1],
    ]);
    expect(runs(new Uint32Array(0), 4)).toEqual([]);
  });

  test('no options: identity, nothing copied', () => {
    const s = selectImages(info, labels, splits, {});
    expect(s.identity).toBe(true);
    expect(s.labels).toBe(labels);
    expect(Array.from(s.kept)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('splits and maxPerClass remap indices, labels and sizes', () => {
    const s = selectImages(info, labels, splits, {
      splits: ['train', 'test'],
      maxPerClass: { task: 't', count: 1, seed: 3 },
    });
    expect(s.info.numImages).toBe(4);
    expect(s.info.splitSizes).toEqual({ train: 2, val: 0, test: 2 });
    expect(Array.from(s.splits.test)).toEqual([2, 3]);
    expect(Array.from(s.labels.t as Int32Array).sort()).toEqual([0, 0, 1, 1]);
    expect(Array.from(s.kept).slice(2)).toEqual([6, 7]);
  });

  test('maxPerClass with no task name uses the first task, with the same draw as naming it', () => {
    const named = selectImages(info, labels, splits, { maxPerClass: { task: 't', count: 1, seed: 5 } });
    const first = selectImages(info, labels, splits, { maxPerClass: { task: '', count: 1, seed: 5 } });
    expect(Array.from(first.kept)).toEqual(Array.from(named.kept));
    expect(first.info.splitSizes).toEqual({ train: 2, val: 2, test: 2 });
  });
});
