/**
 * Task label arrays (task_labels/<task>.npy) into the store's TaskLabels, checked against info.yaml:
 * - single-label (binary, multiclass, ordinal): (N,) of label VALUES (keys of `labels`, not 0..n-1
 *   necessarily: Clarity uses 1, 4, 6, 8, 10), returned as an Int32Array of those values;
 *   (N, 1) is accepted as (N,).
 * - multilabel: (N, L) of 0/1, L = number of labels (columns), returned as a row-major Uint8Array;
 *   rows with no positive label are valid.
 * Integer-valued floats and bools are accepted; every mismatch is reported (grouped by value).
 */
import type { TaskInfo, TaskLabels } from '../../core/types';
import { npyIntegers, type NpyArray } from './npy';
import { Problems } from './problems';

export function toTaskLabels(task: TaskInfo, arr: NpyArray, numImages: number, file: string): TaskLabels {
  const problems = new Problems(25);
  const shape = `(${arr.shape.join(', ')})`;
  const values = npyIntegers(arr, file);
  if (task.target === 'MULTILABEL_CLASSIFICATION') {
    const L = task.labels.length;
    if (arr.shape.length !== 2 || arr.shape[0] !== numImages || arr.shape[1] !== L) {
      problems.add(file, 'shape', `(${numImages}, ${L}) (N images, ${L} labels of task "${task.name}")`, shape);
      problems.check();
    }
    let bad = 0;
    let first = -1;
    let firstVal = 0;
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v === 0 || v === 1) out[i] = v;
      else {
        if (bad === 0) {
          first = i;
          firstVal = v;
        }
        bad++;
      }
    }
    if (bad > 0) {
      problems.add(
        file,
        `row ${Math.floor(first / L)}`,
        '0 or 1 in every column of a multilabel task',
        String(firstVal),
        `column ${first % L}; ${bad} such values`,
      );
    }
    problems.check();
    return out;
  }
  const ok2d = arr.shape.length === 2 && arr.shape[1] === 1;
  if ((arr.shape.length !== 1 && !ok2d) || arr.shape[0] !== numImages) {
    problems.add(file, 'shape', `(${numImages},) (one label value per image)`, shape);
    problems.check();
  }
  const allowed = new Set(task.labels.map((l) => l.value));
  const badByValue = new Map<number, { count: number; first: number }>();
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!allowed.has(v)) {
      const b = badByValue.get(v);
      if (b) b.count++;
      else badByValue.set(v, { count: 1, first: i });
    }
    out[i] = v;
  }
  const keys = task.labels.map((l) => l.value).join(', ');
  for (const [v, b] of badByValue) {
    problems.add(
      file,
      `row ${b.first}`,
      `a label value of task "${task.name}" (one of ${keys})`,
      String(v),
      `${b.count} row${b.count === 1 ? ' holds' : 's hold'} ${v}`,
    );
  }
  problems.check();
  return out;
}
