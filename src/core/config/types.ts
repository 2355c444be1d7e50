/**
 * The run config: one serialisable value that drives a benchmark run (which encoder learns from which
 * sources, evaluated on which targets, under which episode protocol) and travels in the URL
 * (`configToQuery`), in run records and in share links.
 *
 * Every field is always present, whatever the mode, so that the form can switch modes without losing
 * values; fields a mode does not use (`way` outside `fixed`, `shots` and `query` in `variable`) are kept
 * but ignored, and `configHash` leaves them out (see `effectiveConfig`).
 */

import type { EpisodeMode } from '../sampling/types';
import type { TrainingBudget } from '../training/settings';

/** Encoders a run can meta-train. The untrained and pixel baselines are source rows, not encoders. */
export const ENCODER_CHOICES = ['conv4', 'resnet12'] as const;
export type EncoderChoice = (typeof ENCODER_CHOICES)[number];

export function isEncoderChoice(x: unknown): x is EncoderChoice {
  return typeof x === 'string' && (ENCODER_CHOICES as readonly string[]).includes(x);
}

/**
 * How a cell adapts the encoder to each episode (src/engine/fewshot/evaluators): `protonet` (class means,
 * squared distance), `linear-probe` (frozen encoder, an L2 logistic-regression head fit exactly on the
 * support set), `finetune` (a copy of the encoder and a new linear head trained on the support set:
 * MedIMeta's `finetune_and_test.py`).
 */
export const METHOD_CHOICES = ['protonet', 'linear-probe', 'finetune'] as const;
export type MethodChoice = (typeof METHOD_CHOICES)[number];
/** Configs and records made before methods existed ran ProtoNet. */
export const DEFAULT_METHODS: readonly MethodChoice[] = ['protonet'];

/** How the `finetune` method's head starts: zeros, or PyTorch's nn.Linear init U(-1/sqrt(D), 1/sqrt(D)). */
export const HEAD_INITS = ['zero', 'uniform'] as const;
export type HeadInit = (typeof HEAD_INITS)[number];

/** The `finetune` method's settings (MedIMeta's finetune_and_test.py: Adam, lr 1e-2, 100 steps). */
export interface FinetuneSettings {
  steps: number;
  lr: number;
  headInit: HeadInit;
}
export const DEFAULT_FINETUNE: Readonly<FinetuneSettings> = { steps: 100, lr: 0.01, headInit: 'zero' };

/**
 * Supervised training of the `supervised` and `mm-pt` rows (MedIMeta's fully_supervised.py and
 * cross_domain_pft.py: Adam lr 1e-3, batches of 64, validation AUROC monitored, early stopping with
 * patience 10, the best-AUROC checkpoint kept). Their 500,000-step cap and 2,000-step validation interval
 * are sized for a GPU cluster; a browser run sets its own cap (`steps`) and interval (`valEvery`).
 */
export interface SupervisedSettings {
  /** Most optimiser steps (early stopping may end sooner). */
  steps: number;
  lr: number;
  /** Images per batch. */
  batch: number;
  /** Validate at step 0, every this many steps and after the last. */
  valEvery: number;
  /** Stop after this many validations in a row without a higher val AUROC (0: never). */
  patience: number;
}
export const DEFAULT_SUPERVISED: Readonly<SupervisedSettings> = {
  steps: 500,
  lr: 0.001,
  batch: 64,
  valEvery: 50,
  patience: 10,
};

/** Square side images are resized to on the device. */
export const RESOLUTIONS = [224, 112, 84] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The backend a run asks for; `auto` picks the first that starts (the environment report says which). */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Split the targets are evaluated on (`test` in the MedIMeta protocol). Sources always train on `train`. */
export const EVAL_SPLITS = ['test', 'val'] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

/**
 * A row of the matrix: where the encoder learns from.
 * - `task` / `dataset` / `domain`: one task, every single-label task of a dataset, of a domain.
 * - `all-except-target`: every dataset except the target and its domain and subject overlaps (MedIMeta's
 *   cross-domain protocol); the left-out set differs per target dataset (`sourceDatasetsFor`).
 * - `untrained`: the encoder at its seeded initial weights; `pixels`: average-pooled pixels. Baselines: no
 *   training, no source data.
 * - `supervised`: the encoder trained with a classification head on the target task's own train split
 *   (the upper bound; `config.supervised`); `mm-pt`: one encoder with a head per source task, trained on
 *   the `all-except-target` sources at once (multi-domain multi-task pretraining). Both then adapt per
 *   episode like every row.
 */
export type SourceSpec =
  | { kind: 'task'; dataset: string; task: string }
  | { kind: 'dataset'; dataset: string }
  | { kind: 'domain'; domain: string }
  | { kind: 'all-except-target' }
  | { kind: 'untrained' }
  | { kind: 'pixels' }
  | { kind: 'supervised' }
  | { kind: 'mm-pt' };

export type SourceKind = SourceSpec['kind'];
export const SOURCE_KINDS: readonly SourceKind[] = [
  'task',
  'dataset',
  'domain',
  'all-except-target',
  'untrained',
  'pixels',
  'supervised',
  'mm-pt',
];

/** A column of the matrix: one task of one dataset. */
export interface TargetRef {
  dataset: string;
  task: string;
}

/** Episodic meta-training of the encoder on the source tasks: the run's part of the one training type. */
export type { TrainingBudget };

/** Defaults of the training fields that older URLs, share links and sweep files lack. */
export const DEFAULT_PATIENCE = 5;
export const DEFAULT_TRAINING_SEEDS = 1;

export interface RunConfig {
  /** Rows, in display order; no two with the same `sourceKey`. */
  sources: SourceSpec[];
  /** Columns; no two alike. */
  targets: TargetRef[];
  encoder: EncoderChoice;
  resolution: Resolution;
  mode: EpisodeMode;
  /** N of `fixed` episodes. */
  way: number;
  /** The K values, one matrix per K (`fixed` and `medimeta`); distinct. */
  shots: number[];
  /** Q: query images per class (`fixed` and `medimeta`). */
  query: number;
  /** Episodes per cell. */
  episodes: number;
  /** Evaluation methods, one cell each per (row, column, K), on the same episodes; distinct. */
  methods: MethodChoice[];
  /** Settings of the `finetune` method (ignored by the others). */
  finetune: FinetuneSettings;
  /** Settings of the `supervised` and `mm-pt` rows' training (ignored without them). */
  supervised: SupervisedSettings;
  evalSplit: EvalSplit;
  training: TrainingBudget;
  /** Seeds episodes, initial weights and training; an unsigned 32-bit integer. */
  seed: number;
  backend: BackendChoice;
}

/** Bounds the validator enforces (the URL, share links and the form all go through it). */
export const CONFIG_LIMITS = {
  sources: 32,
  targets: 512,
  shots: 16,
  maxShot: 100,
  maxQuery: 100,
  minWay: 2,
  maxWay: 50,
  maxEpisodes: 10_000,
  maxSteps: 1_000_000,
  maxFinetuneSteps: 10_000,
  maxBatch: 512,
  maxTrainingSeeds: 20,
  maxLr: 1,
  maxSeed: 0xffffffff,
  datasetIdLength: 64,
  taskNameLength: 128,
  domainLength: 128,
} as const;
