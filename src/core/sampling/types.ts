/**
 * The shapes the episode samplers take and give. An episode is a few-shot instance drawn from one task
 * and one split: a support set to build prototypes from and a disjoint query set to score.
 */

import type { Rng } from '../rng';
import type { SplitName, TaskInfo, TaskLabels, TaskTarget } from '../types';

/** How episodes are drawn (see the sampler of each mode for the exact rule). */
export type EpisodeMode = 'fixed' | 'medimeta' | 'variable';

export const EPISODE_MODES: readonly EpisodeMode[] = ['fixed', 'medimeta', 'variable'];

/**
 * What to draw. `seed` is the run's seed; each episode derives its own stream from it.
 * - `fixed`: N-way (`way`) K-shot (`shot`) Q-query (`query`), Snell et al. 2017.
 * - `medimeta`: every class of the task, `shot` support and `query` query images per class (MedIMeta).
 * - `variable`: Meta-Dataset's variable-way variable-shot episodes (Triantafillou et al. 2020); no knobs.
 */
export type EpisodeSpec =
  | { mode: 'fixed'; way: number; shot: number; query: number; seed: number }
  | { mode: 'medimeta'; shot: number; query: number; seed: number }
  | { mode: 'variable'; seed: number };

export type FixedSpec = Extract<EpisodeSpec, { mode: 'fixed' }>;
export type MedimetaSpec = Extract<EpisodeSpec, { mode: 'medimeta' }>;
export type VariableSpec = Extract<EpisodeSpec, { mode: 'variable' }>;

/** Episodes per (task, split, spec) in the reference protocols: Snell 600, MedIMeta 100, Meta-Dataset 600. */
export const DEFAULT_EPISODE_COUNT: Readonly<Record<EpisodeMode, number>> = {
  fixed: 600,
  medimeta: 100,
  variable: 600,
};

/**
 * One split of one task, as the sampler sees it.
 * - `indices`: the split's image indices, ascending (a `SplitIndices` entry).
 * - `labels`: the task's labels for every image of the dataset, indexed by image index: Int32Array of label
 *   values for single-label tasks, Uint8Array N*L row-major 0/1 for multilabel tasks.
 */
export interface TaskView {
  /** Dataset id; with `task.name` it names the task in seeds, so it must be stable across sessions. */
  datasetId: string;
  task: TaskInfo;
  split: SplitName;
  indices: Uint32Array;
  labels: TaskLabels;
}

/** A class of the episode (a label column for multilabel tasks), as in `TaskInfo.labels`. */
export interface EpisodeClass {
  value: number;
  name: string;
}

/** A support or query image of a single-label episode; `label` is the class position 0..way-1 in `classes`. */
export interface LabelledImage {
  image: number;
  label: number;
}

/**
 * A support or query image of a multilabel episode. `targets[j]` is 1 when the image is a positive of
 * `classes[j]` and 0 when it is a negative; length `way`.
 */
export interface TargetedImage {
  image: number;
  targets: Uint8Array;
}

interface EpisodeBase {
  /** Position of the episode in its list (it seeds the episode's random stream). */
  index: number;
  /** Number of classes (labels for multilabel tasks) = `classes.length`. */
  way: number;
  /** The episode's classes, ascending by value. */
  classes: EpisodeClass[];
}

/**
 * Multiclass, ordinal and binary tasks. Support and query are grouped by class, in class order.
 * Binary tasks: `classes` is [negative, positive] (positive = the larger label value), so `label` 1 is
 * the positive target and a model's score for AUROC is its probability of class 1.
 */
export interface SingleLabelEpisode extends EpisodeBase {
  kind: 'single';
  support: LabelledImage[];
  query: LabelledImage[];
}

/** Multilabel tasks: `classes` are the label columns used; every image has a positive/negative target per label. */
export interface MultilabelEpisode extends EpisodeBase {
  kind: 'multilabel';
  support: TargetedImage[];
  query: TargetedImage[];
}

/** Invariant for both kinds: support and query images are distinct, and no image is in both. */
export type Episode = SingleLabelEpisode | MultilabelEpisode;

/**
 * A class (or label) with its number of images in the split. For multilabel tasks `count` is the number
 * of positives and `negatives` the number of negatives.
 */
export interface ClassCount {
  value: number;
  name: string;
  count: number;
  negatives?: number;
}

/** What a mode's sampler gives the plan: the classes it uses and drops, and a draw from a seeded stream. */
export interface EpisodeSampler {
  /** Classes (labels) episodes draw from, ascending by value. */
  eligible: ClassCount[];
  /** Classes (labels) of the task that no episode will use because the split has too few images of them. */
  dropped: ClassCount[];
  /** Episode `index`, drawn from `rng` only. */
  draw(rng: Rng, index: number): Episode;
}

/** A list of episodes with what they were drawn from: what `episodesToJSON` writes and `episodesFromJSON` reads. */
export interface EpisodeList {
  datasetId: string;
  taskName: string;
  target: TaskTarget;
  split: SplitName;
  spec: EpisodeSpec;
  episodes: Episode[];
}
