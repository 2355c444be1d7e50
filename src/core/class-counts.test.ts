import { describe, expect, it } from 'vitest';
import { classCounts } from './class-counts';
import type { TaskInfo } from './types';

const splits = { train: Uint32Array.of(0, 1, 2), val: Uint32Array.of(3), test: Uint32Array.of(4, 5) };

describe('classCounts', () => {
  it('counts non-contiguous label values per split', () => {
    const task: TaskInfo = {
      name: 'Clarity',
      target: 'ORDINAL_REGRESSION',
      labels: [
        { value: 1, name: 'a' },
        { value: 4, name: 'b' },
        { value: 6, name: 'c' },
      ],
    };
    const c = classCounts(task, Int32Array.of(1, 4, 4, 6, 1, 6), splits);
    expect(c.map((x) => x.counts)).toEqual([
      { train: 1, val: 0, test: 1 },
      { train: 2, val: 0, test: 0 },
      { train: 0, val: 1, test: 1 },
    ]);
  });

  it('counts positives per label for multilabel rows, including all-zero rows', () => {
    const task: TaskInfo = {
      name: 'm',
      target: 'MULTILABEL_CLASSIFICATION',
      labels: [
        { value: 0, name: 'x' },
        { value: 1, name: 'y' },
      ],
    };
    const labels = Uint8Array.of(1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1);
    const c = classCounts(task, labels, splits);
    expect(c[0]?.counts).toEqual({ train: 2, val: 0, test: 1 });
    expect(c[1]?.counts).toEqual({ train: 1, val: 1, test: 1 });
  });

  it('names the image and the unknown label value', () => {
    const task: TaskInfo = {
      name: 't',
      target: 'BINARY_CLASSIFICATION',
      labels: [
        { value: 0, name: 'n' },
        { value: 1, name: 'p' },
      ],
    };
    expect(() => classCounts(task, Int32Array.of(0, 1, 2, 0, 0, 0), splits)).toThrow(
      /image 2 has label 2, not one of 0, 1/,
    );
  });
});
