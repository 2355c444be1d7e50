import { Rng, seedFrom } from '../../core/rng';
import type { SplitIndices, TaskLabels } from '../../core/types';
import type { DemoDef } from './spec';

/**
 * The labelled half of a demo dataset, cheap to build (no pixels): per image a factor row, the task
 * labels read off it, and splits stratified on the main class. Everything is drawn from streams keyed
 * by (seed, cohort, ...), so datasets sharing a cohort share subjects, labels and splits.
 */
export interface Cohort {
  /** numImages x factors.length, row-major. */
  factors: Float64Array;
  labels: Record<string, TaskLabels>;
  splits: SplitIndices;
}

export function buildCohort(def: DemoDef, seed: number): Cohort {
  const N = def.numImages;
  const K = def.mainClasses;
  const F = def.factors.length;
  const cohort = def.cohort ?? def.id;
  const perClass = N / K;
  if (!Number.isInteger(perClass)) throw new Error(`${def.id}: ${N} images do not split evenly over ${K} classes`);
  const counts = def.splitPercent.map((p) => (perClass * p) / 100);
  if (counts.some((c) => !Number.isInteger(c)) || counts.reduce((a, b) => a + b, 0) !== perClass) {
    throw new Error(
      `${def.id}: split percentages ${def.splitPercent.join('/')} do not divide ${perClass} images per class`,
    );
  }

  // Main class: exactly balanced, in random order.
  const classes: number[] = [];
  for (let c = 0; c < K; c++) for (let j = 0; j < perClass; j++) classes.push(c);
  new Rng(seedFrom(seed, cohort, 'classes')).shuffle(classes);

  const factors = new Float64Array(N * F);
  for (let i = 0; i < N; i++) {
    const row = factors.subarray(i * F, (i + 1) * F);
    row[0] = classes[i] as number;
    def.drawFactors(row, new Rng(seedFrom(seed, cohort, 'subject', i)));
  }

  const labels: Record<string, TaskLabels> = {};
  for (const task of def.tasks) {
    if (task.kind === 'single') {
      const arr = new Int32Array(N);
      for (let i = 0; i < N; i++) arr[i] = task.value(factors.subarray(i * F, (i + 1) * F));
      labels[task.info.name] = arr;
    } else {
      const L = task.info.labels.length;
      const arr = new Uint8Array(N * L);
      for (let i = 0; i < N; i++) task.row(factors.subarray(i * F, (i + 1) * F), arr.subarray(i * L, (i + 1) * L));
      labels[task.info.name] = arr;
    }
  }

  // Splits stratified on the main class: the same count of every class in each split.
  const parts: number[][] = [[], [], []];
  for (let c = 0; c < K; c++) {
    const members: number[] = [];
    for (let i = 0; i < N; i++) if (classes[i] === c) members.push(i);
    new Rng(seedFrom(seed, cohort, 'split', c)).shuffle(members);
    let at = 0;
    counts.forEach((n, s) => {
      (parts[s] as number[]).push(...members.slice(at, at + n));
      at += n;
    });
  }
  const sorted = (xs: number[]): Uint32Array => Uint32Array.from(xs).sort();
  return {
    factors,
    labels,
    splits: {
      train: sorted(parts[0] as number[]),
      val: sorted(parts[1] as number[]),
      test: sorted(parts[2] as number[]),
    },
  };
}
