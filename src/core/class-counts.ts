import { SPLITS, type SplitIndices, type SplitName, type TaskInfo, type TaskLabels } from './types';

export interface ClassCount {
  value: number;
  name: string;
  /** Images of this class (or with this label positive, for multilabel) per split. */
  counts: Record<SplitName, number>;
}

/** Images per class and split of one task: what the catalog shows and what samplers check against. */
export function classCounts(task: TaskInfo, labels: TaskLabels, splits: SplitIndices): ClassCount[] {
  const L = task.labels.length;
  const multilabel = task.target === 'MULTILABEL_CLASSIFICATION';
  const pos = new Map(task.labels.map((l, k) => [l.value, k]));
  const out: ClassCount[] = task.labels.map((l) => ({
    value: l.value,
    name: l.name,
    counts: { train: 0, val: 0, test: 0 },
  }));
  for (const s of SPLITS) {
    for (const i of splits[s]) {
      if (multilabel) {
        for (let k = 0; k < L; k++) if (labels[i * L + k]) (out[k] as ClassCount).counts[s]++;
      } else {
        const k = pos.get(labels[i] as number);
        if (k === undefined)
          throw new Error(
            `task "${task.name}": image ${i} has label ${labels[i]}, not one of ${[...pos.keys()].join(', ')}`,
          );
        (out[k] as ClassCount).counts[s]++;
      }
    }
  }
  return out;
}
