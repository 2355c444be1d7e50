/**
 * A task view grouped by class: the images of each class (or the positives and negatives of each label)
 * in one split. Built once per (task, split) in O(split size); every episode then draws from these pools
 * without scanning the split again.
 */

import type { TaskView } from './types';

/** A class of a single-label task and its images in the split (ascending image indices). */
export interface ClassPool {
  value: number;
  name: string;
  images: Uint32Array;
}

/** A label column of a multilabel task and its positive / negative images in the split (ascending). */
export interface LabelPool {
  value: number;
  name: string;
  positives: Uint32Array;
  negatives: Uint32Array;
}

export type ClassPools =
  | { kind: 'single'; classes: ClassPool[] }
  /** `matrix` is the task's N*L label matrix, `numLabels` = L (its row length). */
  | { kind: 'multilabel'; labels: LabelPool[]; matrix: Uint8Array; numLabels: number };

/** The name a task has in seeds and messages: `datasetId/taskName`. */
export function taskKey(view: Pick<TaskView, 'datasetId' | 'task'>): string {
  return `${view.datasetId}/${view.task.name}`;
}

/** Groups a split by class. Throws when the view is inconsistent (unsorted indices, short labels, unknown values). */
export function classPools(view: TaskView): ClassPools {
  const where = `split ${view.split} of task "${taskKey(view)}"`;
  const { indices, labels, task } = view;
  for (let i = 1; i < indices.length; i++) {
    if ((indices[i] as number) <= (indices[i - 1] as number)) {
      throw new Error(
        `${where}: image indices must be strictly ascending, found ${indices[i - 1]} then ${indices[i]} at position ${i}`,
      );
    }
  }
  const maxIndex = indices.length > 0 ? (indices[indices.length - 1] as number) : -1;
  const infos = task.labels.slice().sort((a, b) => a.value - b.value);

  if (task.target === 'MULTILABEL_CLASSIFICATION') {
    if (!(labels instanceof Uint8Array))
      throw new Error(`${where}: multilabel labels must be a Uint8Array (N*L, 0/1), found ${labels.constructor.name}`);
    const L = infos.length;
    if (labels.length < (maxIndex + 1) * L) {
      throw new Error(
        `${where}: label matrix has ${labels.length} entries, expected at least ${(maxIndex + 1) * L} (${maxIndex + 1} images x ${L} labels)`,
      );
    }
    const pools: LabelPool[] = infos.map((info) => {
      if (!Number.isInteger(info.value) || info.value < 0 || info.value >= L) {
        throw new Error(`${where}: label "${info.name}" has column ${info.value}, expected an integer in [0, ${L})`);
      }
      let pos = 0;
      for (let i = 0; i < indices.length; i++) if (labels[(indices[i] as number) * L + info.value] !== 0) pos++;
      const positives = new Uint32Array(pos);
      const negatives = new Uint32Array(indices.length - pos);
      let p = 0;
      let n = 0;
      for (let i = 0; i < indices.length; i++) {
        const img = indices[i] as number;
        if (labels[img * L + info.value] !== 0) positives[p++] = img;
        else negatives[n++] = img;
      }
      return { value: info.value, name: info.name, positives, negatives };
    });
    return { kind: 'multilabel', labels: pools, matrix: labels, numLabels: L };
  }

  if (!(labels instanceof Int32Array))
    throw new Error(
      `${where}: single-label labels must be an Int32Array of label values, found ${labels.constructor.name}`,
    );
  if (labels.length <= maxIndex)
    throw new Error(`${where}: labels have ${labels.length} entries, but the split uses image ${maxIndex}`);
  const position = new Map<number, number>();
  infos.forEach((info, c) => position.set(info.value, c));
  const counts = new Uint32Array(infos.length);
  const classOf = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const img = indices[i] as number;
    const value = labels[img] as number;
    const c = position.get(value);
    if (c === undefined) {
      const known = infos.map((x) => x.value).join(', ');
      throw new Error(`${where}: image ${img} has label value ${value}, which is not a class of the task (${known})`);
    }
    classOf[i] = c;
    counts[c] = (counts[c] as number) + 1;
  }
  const images = infos.map((_, c) => new Uint32Array(counts[c] as number));
  const fill = new Uint32Array(infos.length);
  for (let i = 0; i < indices.length; i++) {
    const c = classOf[i] as number;
    (images[c] as Uint32Array)[fill[c] as number] = indices[i] as number;
    fill[c] = (fill[c] as number) + 1;
  }
  return {
    kind: 'single',
    classes: infos.map((info, c) => ({ value: info.value, name: info.name, images: images[c] as Uint32Array })),
  };
}
