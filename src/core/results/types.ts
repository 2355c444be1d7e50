/**
 * What a run produces: a RunRecord holding its config, the environment it ran in, the datasets it read
 * (by fingerprint) and one CellResult per (source row, target column, K, method). Plain data: it is stored,
 * exported as JSON and CSV, compared, and summarised into share links.
 *
 * Undefined values are NaN in memory (an AUROC undefined in every episode, a CI of one episode) and
 * null in JSON.
 */

import type { MethodChoice, RunConfig, TargetRef } from '../config/types';
import type { RunEnvironment } from './environment';
import type { TrainingRecord } from './training';

export const RUN_RECORD_VERSION = 1;

/** Mean over episodes, half-width of its 95% CI (1.96 std / sqrt(n)), sample std (see stats/summary.ts). */
export interface MetricSummary {
  mean: number;
  ci95: number;
  std: number;
}

export interface CellTimings {
  /** Waiting for pixels from the data worker. */
  loadMs: number;
  /** Kernel compilation and operator set-up (first use of a shape). */
  compileMs: number;
  /** The first embedding chunk (warm-up) beyond compilation. */
  warmupMs: number;
  /** Every other embedding chunk. */
  embedMs: number;
  /** ProtoNet over the episodes, read-backs, metrics. */
  episodesMs: number;
}

export interface PerClassAccuracy {
  value: number;
  name: string;
  /** Mean over the episodes that hold the class; NaN if none did. */
  accuracy: number;
}

export interface CellResult {
  /** Row: the source key (`sourceKey`). */
  source: string;
  target: TargetRef;
  /** K (0 in variable mode). */
  k: number;
  /** The evaluation method (absent in records made before methods existed: ProtoNet). */
  method?: MethodChoice;
  /** Classes per episode (fixed: N; medimeta: the eligible classes or labels; variable: 0, it varies). */
  n: number;
  /** Query images per class (0 in variable mode). */
  q: number;
  episodes: number;
  accuracy: MetricSummary;
  auroc: MetricSummary;
  perClassAccuracy: PerClassAccuracy[];
  /** Chance accuracy (`chanceAccuracy`); chance AUROC is always 0.5. */
  chance: number;
  timings: CellTimings;
  /** Every episode's values, when kept (JSON export may leave them out). */
  perEpisode?: { accuracy: number[]; auroc: number[] };
  /**
   * For a meta-trained row: the stored-weights key of its encoder (src/engine/weights-key.ts) and whether
   * they were loaded from the store (`reused`: no training time spent in this run) or trained here.
   * Absent for baselines, for a zero training budget, and in records made before weights were stored.
   */
  trainedWeights?: TrainedWeightsRef;
  /**
   * With training repeats (`training.seeds` > 1, trained and untrained rows): each repeat's seed and means,
   * in repeat order. `accuracy`/`auroc` are then the mean over repeats with a CI that includes their
   * spread, and `perEpisode` holds the episode values averaged over repeats (src/core/stats/repeats.ts).
   */
  repeats?: CellRepeat[];
  /** Which CI the cell's `ci95` is: over episodes only (absent or `episodes`), or `episodes+training`. */
  ciKind?: CiKind;
}

export type CiKind = 'episodes' | 'episodes+training';
export const CI_KINDS: readonly CiKind[] = ['episodes', 'episodes+training'];

export interface CellRepeat {
  /** The training seed (initial weights and training episodes; `trainingSeeds` in src/core/training/seeds.ts). */
  seed: number;
  accuracy: number;
  auroc: number;
  /** The stored-weights key of that repeat's encoder (trained rows). */
  weightsKey?: string;
}

export interface TrainedWeightsRef {
  key: string;
  reused: boolean;
}

export type RunStatus = 'running' | 'cancelled' | 'done' | 'failed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'cancelled', 'done', 'failed'];

/** Wall-clock milliseconds per phase, summed over the run. */
export interface RunTimings {
  /** Reading pixels and labels. */
  loadMs: number;
  /** Meta-training the encoders. */
  trainMs: number;
  compileMs: number;
  warmupMs: number;
  embedMs: number;
  episodesMs: number;
  /** Start to last update (not the sum: phases overlap). */
  totalMs: number;
}

export interface DatasetRef {
  id: string;
  fingerprint: string;
}

export interface RunRecord {
  version: typeof RUN_RECORD_VERSION;
  /** Unique per run (the caller makes it, e.g. a UUID). */
  id: string;
  /** ISO 8601. */
  createdAt: string;
  config: RunConfig;
  /** `configHash(config)`: the key a resumed run is found by. */
  configHash: string;
  environment: RunEnvironment;
  /** Every dataset the run reads, sources and targets, with its content fingerprint. */
  datasets: DatasetRef[];
  /** One per cell done, in the order they finished. */
  cells: CellResult[];
  timings: RunTimings;
  status: RunStatus;
  /** Why the run failed (status `failed`). */
  error?: string;
  /** Every encoder the run trained or reused, with its source tasks and curve (absent in older records). */
  trainings?: TrainingRecord[];
}
