/**
 * Tiny fake datasets for the sampler tests (easyfsl style): a handful of classes with known counts, whose
 * split interleaves with images of other splits so that a sampler reading outside its split shows.
 */

import { Rng } from '../rng';
import type { TaskTarget } from '../types';
import type { Episode, TaskView } from './types';

/**
 * A single-label task: `classes` lists [value, name, images in the test split]. Every third image of the
 * dataset belongs to the train split (label = the first class) and must never appear in an episode.
 */
export function singleLabelView(
  classes: [number, string, number][],
  target: TaskTarget = 'MULTICLASS_CLASSIFICATION',
  datasetId = 'fake',
): TaskView {
  const values: number[] = [];
  for (const [value, , count] of classes) for (let i = 0; i < count; i++) values.push(value);
  // Shuffle so that classes interleave in the split, with a fixed seed.
  new Rng(7).shuffle(values);
  const labels: number[] = [];
  const indices: number[] = [];
  for (const v of values) {
    if (labels.length % 3 === 2) labels.push(classes[0]?.[0] ?? 0); // a train image
    indices.push(labels.length);
    labels.push(v);
  }
  return {
    datasetId,
    task: { name: 'fake task', target, labels: classes.map(([value, name]) => ({ value, name })) },
    split: 'test',
    indices: Uint32Array.from(indices),
    labels: Int32Array.from(labels),
  };
}

/**
 * A multilabel task with `numImages` test images and labels of the given prevalences (fraction positive),
 * drawn from a fixed seed; odd images belong to the train split.
 */
export function multilabelView(prevalences: number[], numImages: number, seed = 3): TaskView {
  const L = prevalences.length;
  const rng = new Rng(seed);
  const N = numImages * 2;
  const matrix = new Uint8Array(N * L);
  for (let img = 0; img < N; img++)
    for (let j = 0; j < L; j++) matrix[img * L + j] = rng.float() < (prevalences[j] as number) ? 1 : 0;
  return {
    datasetId: 'fakeml',
    task: {
      name: 'fake labels',
      target: 'MULTILABEL_CLASSIFICATION',
      labels: prevalences.map((_, j) => ({ value: j, name: `L${j}` })),
    },
    split: 'test',
    indices: Uint32Array.from({ length: numImages }, (_, i) => 2 * i),
    labels: matrix,
  };
}

/** The label value of an image in a single-label view. */
export function valueOf(view: TaskView, image: number): number {
  return view.labels[image] as number;
}

/** Support and query images of an episode. */
export function imagesOf(ep: Episode): { support: number[]; query: number[] } {
  return { support: ep.support.map((x) => x.image), query: ep.query.map((x) => x.image) };
}

/** Checks the invariants every episode keeps; returns a message or null. */
export function episodeProblem(view: TaskView, ep: Episode): string | null {
  const inSplit = new Set(view.indices);
  const seen = new Set<number>();
  for (const x of [...ep.support, ...ep.query]) {
    if (!inSplit.has(x.image)) return `image ${x.image} is not in the split`;
    if (seen.has(x.image)) return `image ${x.image} appears twice`;
    seen.add(x.image);
  }
  if (ep.way !== ep.classes.length) return `way ${ep.way} but ${ep.classes.length} classes`;
  for (let j = 1; j < ep.classes.length; j++)
    if ((ep.classes[j] as { value: number }).value <= (ep.classes[j - 1] as { value: number }).value)
      return 'classes not ascending';
  if (ep.kind === 'single') {
    for (const x of [...ep.support, ...ep.query]) {
      const cls = ep.classes[x.label];
      if (cls === undefined) return `label ${x.label} out of range`;
      if (valueOf(view, x.image) !== cls.value)
        return `image ${x.image} has value ${valueOf(view, x.image)}, labelled as ${cls.value}`;
    }
  } else {
    const L = view.task.labels.length;
    for (const x of [...ep.support, ...ep.query]) {
      for (let j = 0; j < ep.way; j++) {
        const col = (ep.classes[j] as { value: number }).value;
        if (x.targets[j] !== view.labels[x.image * L + col])
          return `image ${x.image} label ${col}: target ${x.targets[j]}`;
      }
    }
  }
  return null;
}
