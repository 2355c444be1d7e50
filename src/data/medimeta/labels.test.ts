import { describe, expect, test } from 'vitest';
import type { TaskInfo } from '../../core/types';
import { writeNpy } from './fixture';
import { toTaskLabels } from './labels';
import { parseNpy } from './npy';
import { ValidationError } from './problems';

const F = 'dr/task_labels/Clarity.npy';
const clarity: TaskInfo = {
  name: 'Clarity',
  target: 'ORDINAL_REGRESSION',
  labels: [1, 4, 6, 8, 10].map((value) => ({ value, name: `level ${value}` })),
};
const multi: TaskInfo = {
  name: 'disease labels',
  target: 'MULTILABEL_CLASSIFICATION',
  labels: [0, 1, 2].map((value) => ({ value, name: `d${value}` })),
};
const binary: TaskInfo = {
  name: 'malignancy',
  target: 'BINARY_CLASSIFICATION',
  labels: [
    { value: 0, name: 'no' },
    { value: 1, name: 'yes' },
  ],
};

function err(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('toTaskLabels', () => {
  test('non-contiguous ordinal values are kept as values', () => {
    const y = toTaskLabels(clarity, parseNpy(writeNpy([10, 1, 4, 6, 8, 1], [6], '<i8'), F), 6, F);
    expect(y).toBeInstanceOf(Int32Array);
    expect(Array.from(y)).toEqual([10, 1, 4, 6, 8, 1]);
  });

  test('bool, integer-valued float and (N, 1) single-label arrays', () => {
    expect(Array.from(toTaskLabels(binary, parseNpy(writeNpy([1, 0, 1], [3], '|b1'), F), 3, F))).toEqual([1, 0, 1]);
    expect(Array.from(toTaskLabels(binary, parseNpy(writeNpy([1, 0, 1], [3], '<f8'), F), 3, F))).toEqual([1, 0, 1]);
    expect(Array.from(toTaskLabels(binary, parseNpy(writeNpy([0, 1], [2, 1], '<i4'), F), 2, F))).toEqual([0, 1]);
  });

  test('multilabel (N, L) with all-zero rows', () => {
    const vals = [1, 0, 1, 0, 0, 0, 0, 1, 0];
    const y = toTaskLabels(multi, parseNpy(writeNpy(vals, [3, 3], '|u1'), F), 3, F);
    expect(y).toBeInstanceOf(Uint8Array);
    expect(Array.from(y)).toEqual(vals);
    expect(Array.from(toTaskLabels(multi, parseNpy(writeNpy(vals, [3, 3], '|b1'), F), 3, F))).toEqual(vals);
  });

  test('length, values not in labels (grouped), multilabel width and 0/1', () => {
    expect(err(() => toTaskLabels(clarity, parseNpy(writeNpy([1, 4], [2], '<i8'), F), 3, F)).problems[0]?.message).toBe(
      'dr/task_labels/Clarity.npy: shape: expected (3,) (one label value per image), found (2)',
    );
    const e = err(() => toTaskLabels(clarity, parseNpy(writeNpy([1, 2, 4, 2, 7, 2], [6], '<i8'), F), 6, F));
    expect(e.problems.map((p) => p.message)).toEqual([
      'dr/task_labels/Clarity.npy: row 1: expected a label value of task "Clarity" (one of 1, 4, 6, 8, 10), found 2 (3 rows hold 2)',
      'dr/task_labels/Clarity.npy: row 4: expected a label value of task "Clarity" (one of 1, 4, 6, 8, 10), found 7 (1 row holds 7)',
    ]);
    expect(
      err(() => toTaskLabels(multi, parseNpy(writeNpy([0, 1, 0, 1], [2, 2], '|u1'), F), 2, F)).problems[0]?.expected,
    ).toBe('(2, 3) (N images, 3 labels of task "disease labels")');
    expect(
      err(() => toTaskLabels(multi, parseNpy(writeNpy([0, 1, 0, 1, 2, 0], [2, 3], '|u1'), F), 2, F)).problems[0]
        ?.message,
    ).toBe(
      'dr/task_labels/Clarity.npy: row 1: expected 0 or 1 in every column of a multilabel task, found 2 (column 1; 1 such values)',
    );
    expect(err(() => toTaskLabels(binary, parseNpy(writeNpy([0.5, 1], [2], '<f4'), F), 2, F)).problems[0]?.field).toBe(
      'data',
    );
  });
});
