import { describe, expect, it } from 'vitest';
import { classPools, taskKey } from './class-pools';
import { multilabelView, singleLabelView } from './test-fixtures';
import type { TaskView } from './types';

describe('classPools', () => {
  it('groups a single-label split by class, ascending, ignoring other splits', () => {
    const view = singleLabelView([
      [4, 'four', 3],
      [1, 'one', 2],
    ]);
    const pools = classPools(view);
    if (pools.kind !== 'single') throw new Error('expected single');
    expect(pools.classes.map((c) => [c.value, c.name, c.images.length])).toEqual([
      [1, 'one', 2],
      [4, 'four', 3],
    ]);
    for (const c of pools.classes) {
      for (const img of c.images) expect(view.labels[img]).toBe(c.value);
      expect(Array.from(c.images)).toEqual(Array.from(c.images).sort((a, b) => a - b));
    }
    const all = pools.classes.flatMap((c) => Array.from(c.images)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from(view.indices));
  });

  it('splits a multilabel split into positives and negatives per label', () => {
    const view = multilabelView([0.3, 0.8], 40);
    const pools = classPools(view);
    if (pools.kind !== 'multilabel') throw new Error('expected multilabel');
    for (const [j, l] of pools.labels.entries()) {
      expect(l.positives.length + l.negatives.length).toBe(40);
      for (const img of l.positives) expect(view.labels[img * 2 + j]).toBe(1);
      for (const img of l.negatives) expect(view.labels[img * 2 + j]).toBe(0);
    }
  });

  it('names the task by dataset and task name', () => {
    expect(taskKey(singleLabelView([[0, 'a', 1]], 'MULTICLASS_CLASSIFICATION', 'bus'))).toBe('bus/fake task');
  });

  it('refuses inconsistent views with a message that says what is wrong', () => {
    const base = singleLabelView([
      [0, 'a', 3],
      [1, 'b', 3],
    ]);
    const where = 'split test of task "fake/fake task"';
    expect(() => classPools({ ...base, indices: Uint32Array.from([3, 1]) })).toThrow(
      `${where}: image indices must be strictly ascending, found 3 then 1 at position 1`,
    );
    const labels = Int32Array.from(base.labels);
    labels[base.indices[0] as number] = 9;
    expect(() => classPools({ ...base, labels })).toThrow(
      `image ${base.indices[0]} has label value 9, which is not a class of the task (0, 1)`,
    );
    expect(() => classPools({ ...base, labels: new Uint8Array(100) })).toThrow(
      'single-label labels must be an Int32Array',
    );
    expect(() => classPools({ ...base, labels: new Int32Array(2) })).toThrow(
      'labels have 2 entries, but the split uses image',
    );
    const ml: TaskView = multilabelView([0.5], 4);
    expect(() => classPools({ ...ml, labels: new Int32Array(8) })).toThrow('multilabel labels must be a Uint8Array');
    expect(() => classPools({ ...ml, labels: new Uint8Array(3) })).toThrow(
      'label matrix has 3 entries, expected at least 7',
    );
  });
});
