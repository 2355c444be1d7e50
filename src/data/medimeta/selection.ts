/**
 * Which images of a dataset to import: all of them, only some splits, and/or at most `count` images per
 * class of one task (seeded). The kept images get new indices 0..K-1 in original index order; labels
 * and splits are remapped to match.
 *
 * maxPerClass, per kept split: single-label tasks keep up to `count` images of each label value, drawn
 * by a seeded shuffle. Multilabel tasks walk the same shuffle and keep an image while one of its positive
 * labels (or, for an all-zero row, the "no label" group) has fewer than `count` kept images.
 */
import { Rng, seedFrom } from '../../core/rng';
import { SPLITS, type DatasetInfo, type SplitIndices, type SplitName, type TaskLabels } from '../../core/types';

export interface MaxPerClass {
  count: number;
  seed: number;
  task: string;
}

export interface SelectionOptions {
  splits?: SplitName[];
  maxPerClass?: MaxPerClass;
}

export interface Selection {
  /** Original indices of the kept images, ascending (new index = position). */
  kept: Uint32Array;
  /** True when every image is kept (no remapping happened). */
  identity: boolean;
  info: DatasetInfo;
  labels: Record<string, TaskLabels>;
  splits: SplitIndices;
}

export function selectImages(
  info: DatasetInfo,
  labels: Record<string, TaskLabels>,
  splits: SplitIndices,
  opts: SelectionOptions,
): Selection {
  const N = info.numImages;
  const wanted = opts.splits ?? [...SPLITS];
  if (!opts.splits && !opts.maxPerClass) {
    return { kept: identityIndices(N), identity: true, info, labels, splits };
  }
  const keep = new Uint8Array(N);
  const m = opts.maxPerClass;
  // An empty task name means the dataset's first (main) task.
  const task = m ? (m.task === '' ? info.tasks[0] : info.tasks.find((t) => t.name === m.task)) : undefined;
  if (m && !task)
    throw new Error(
      `maxPerClass: no task "${m.task}" in dataset "${info.id}" (tasks: ${info.tasks.map((t) => t.name).join(', ')})`,
    );
  if (m && (!Number.isInteger(m.count) || m.count < 1))
    throw new Error(`maxPerClass: count must be a positive integer, got ${m.count}`);
  for (const s of wanted) {
    const idx = splits[s];
    if (!m || !task) {
      for (const i of idx) keep[i] = 1;
      continue;
    }
    const order = new Rng(seedFrom(m.seed, 'maxPerClass', task.name, s)).shuffle(Array.from(idx));
    const y = labels[task.name] as TaskLabels;
    if (task.target === 'MULTILABEL_CLASSIFICATION') {
      const L = task.labels.length;
      const have = new Array<number>(L + 1).fill(0); // last: rows with no positive label
      for (const i of order) {
        const pos: number[] = [];
        for (let j = 0; j < L; j++) if (y[i * L + j]) pos.push(j);
        const groups = pos.length ? pos : [L];
        if (groups.some((g) => (have[g] as number) < m.count)) {
          keep[i] = 1;
          for (const g of groups) have[g] = (have[g] as number) + 1;
        }
      }
    } else {
      const have = new Map<number, number>();
      for (const i of order) {
        const v = y[i] as number;
        const n = have.get(v) ?? 0;
        if (n < m.count) {
          keep[i] = 1;
          have.set(v, n + 1);
        }
      }
    }
  }
  let K = 0;
  for (let i = 0; i < N; i++) K += keep[i] as number;
  const kept = new Uint32Array(K);
  const newIndex = new Int32Array(N).fill(-1);
  for (let i = 0, k = 0; i < N; i++) {
    if (keep[i]) {
      kept[k] = i;
      newIndex[i] = k++;
    }
  }
  const outSplits = {} as SplitIndices;
  for (const s of SPLITS) {
    const src = splits[s];
    const out: number[] = [];
    for (const i of src) if (keep[i]) out.push(newIndex[i] as number);
    outSplits[s] = Uint32Array.from(out);
  }
  const outLabels: Record<string, TaskLabels> = {};
  for (const t of info.tasks) {
    const y = labels[t.name] as TaskLabels;
    if (t.target === 'MULTILABEL_CLASSIFICATION') {
      const L = t.labels.length;
      const out = new Uint8Array(K * L);
      kept.forEach((i, k) => out.set((y as Uint8Array).subarray(i * L, (i + 1) * L), k * L));
      outLabels[t.name] = out;
    } else {
      const out = new Int32Array(K);
      kept.forEach((i, k) => (out[k] = y[i] as number));
      outLabels[t.name] = out;
    }
  }
  const outInfo: DatasetInfo = {
    ...info,
    numImages: K,
    splitSizes: { train: outSplits.train.length, val: outSplits.val.length, test: outSplits.test.length },
  };
  return { kept, identity: K === N, info: outInfo, labels: outLabels, splits: outSplits };
}

function identityIndices(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Consecutive runs of ascending indices, each at most `max` long: [[start, count], ...]. */
export function runs(indices: Uint32Array, max: number): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < indices.length) {
    const start = indices[i] as number;
    let n = 1;
    while (i + n < indices.length && n < max && indices[i + n] === start + n) n++;
    out.push([start, n]);
    i += n;
  }
  return out;
}
