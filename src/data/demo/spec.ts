import type { Rng } from '../../core/rng';
import type { TaskInfo } from '../../core/types';

/**
 * How one demo dataset is defined. A dataset draws, per image, a row of *factors* (numbers: the class
 * factor, secondary labelled factors, subject traits); its tasks read labels off that row; its renderer
 * draws the image from the row plus nuisances from the image's own random stream.
 */

/** A single-label task (binary, multiclass, ordinal): one label value per factor row. */
export interface SingleTaskDef {
  kind: 'single';
  info: TaskInfo;
  /** The class factor the task reads, in words (for docs and reports). */
  factor: string;
  value(f: Float64Array): number;
}

/** A multilabel task: L = info.labels.length 0/1 columns per factor row. */
export interface MultiTaskDef {
  kind: 'multi';
  info: TaskInfo;
  factor: string;
  row(f: Float64Array, out: Uint8Array): void;
}

export type DemoTaskDef = SingleTaskDef | MultiTaskDef;

export interface DemoDef {
  /** Lowercase [a-z0-9_], prefixed demo_. */
  id: string;
  /** Starts with "Synthetic demo: ". */
  name: string;
  summary: string;
  domain: string;
  channels: 1 | 3;
  numImages: number;
  /** Share of every main class in train / val / test, in percent (sums to 100). */
  splitPercent: readonly [number, number, number];
  /** Factor 0 is the main class, 0..mainClasses-1, balanced exactly over the images and the splits. */
  mainClasses: number;
  /**
   * Subjects: datasets naming the same cohort draw the same factor rows (same subjects, other
   * rendering) and must agree on numImages, mainClasses, splitPercent and drawFactors; they are each
   * other's subjectOverlaps. Defaults to the id.
   */
  cohort?: string;
  /** Names of the factor row's entries, factor 0 first. */
  factors: readonly string[];
  /** Fills the factor row f (factors.length long) of one subject whose main class is f[0] (already set). */
  drawFactors(f: Float64Array, rng: Rng): void;
  /** The first task is the main task and reads factor 0. */
  tasks: DemoTaskDef[];
  /** Renders one image (SIZE x SIZE x channels, HWC) from its factor row and its own random stream. */
  render(f: Float64Array, rng: Rng, out: Uint8Array): void;
}

/** Label list [{value, name}] from parallel arrays. */
export function labelList(values: readonly number[], names: readonly string[]): TaskInfo['labels'] {
  if (values.length !== names.length) throw new Error('labelList: values and names differ in length');
  return values.map((value, i) => ({ value, name: names[i] as string }));
}
