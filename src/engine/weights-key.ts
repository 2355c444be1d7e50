/**
 * The identity of a trained encoder: what the stored-weights cache (IndexedDB `weights` store) is keyed by.
 * Pure TypeScript (no tfjs, no DOM): the compute worker computes it, unit tests check it.
 *
 * Two trainings with equal keys produce bit-identical weights (initial weights, episode order and
 * episodes all come from the seed; see src/engine/fewshot/train.ts), so a stored result may stand in for
 * a new training. Everything that can change the weights is in the key:
 * - the encoder config (architecture, channels, input size = resolution, init seed),
 * - the source task list, in training order (the trainer draws tasks by index),
 * - the training config (steps, way, shot, query, lr, valEvery, valEpisodes, keepBest) and seed,
 * - the backend that trained them (a result never silently mixes weights trained on another backend),
 * - the SHA-256 content fingerprint of every dataset trained on,
 * - TRAINER_VERSION, to be bumped when a change to the trainer changes the numbers it produces.
 *
 * Key: `w1-` + SHA-256 (hex) of the canonical JSON of the input (keys sorted; see canonicalJSON).
 */

import { canonicalJSON } from '../core/config/hash';
import type { SupervisedSettings } from '../core/config/types';
import type { TaskRef } from '../core/sources';
import type { TrainerRequestSettings, TrainerSettings } from '../core/training/settings';
import type { EncoderConfig } from './fewshot/encoders/types';

/**
 * Bump when the trainer's arithmetic changes, so weights stored by an older trainer are not reused.
 * 2: BatchNorm statistics through average pooling (bench/micro), not matMul.
 * 3: on WebGPU, 3x3 weight gradients from src/engine/webgpu/conv-filter-grad.ts and BatchNorm means by tfjs's reduction
 *    (other summation orders).
 * 4: on wasm, 3x3 weight gradients from wasm-simd/ (another summation order).
 * 5: on wasm, 3x3 convolutions and their gradients by Winograd F(2x2, 3x3) and F(3x3, 2x2) (wasm-simd/).
 * 6: model selection on val AUROC with the initialisation as a candidate, early stopping (`patience`);
 *    episodes from src/core/training/plan.ts; the init seed is the encoder's (training-seed repeats); the
 *    max-pool gradient goes to a window's first maximum only (it went to every tied one).
 */
export const TRAINER_VERSION = 6;

/** The same for the supervised rows' trainer (src/engine/fewshot/supervised-train.ts). 1: the first. */
export const SUPERVISED_TRAINER_VERSION = 1;

/** What a supervised (or mm-pt) training is keyed by, in place of the episodic `training`. */
export interface SupervisedKey {
  kind: 'supervised' | 'mm-pt';
  version: number;
  settings: SupervisedSettings;
  /** The split the upper bound is scored on after training (its score is stored with the weights). */
  testSplit?: string;
}

/** What a key is computed from (kept with the stored weights, so a record says what it is). */
export interface WeightsKeyInput {
  trainer: number;
  encoder: EncoderConfig;
  /** The encoder's input size, repeated for people reading a record. */
  resolution: number;
  sources: TaskRef[];
  /** Episodic meta-training's settings; absent for the supervised rows, which have `supervised`. */
  training?: TrainerSettings;
  supervised?: SupervisedKey;
  seed: number;
  backend: string;
  /** `sha256:<hex>` of every dataset in `sources`, by dataset id. */
  fingerprints: Record<string, string>;
}

/** The fields of a TrainRequest that a key depends on (its sources listed, not chosen). */
export type KeyedTrainRequest = TrainerRequestSettings & {
  encoder: EncoderConfig;
  sources: readonly TaskRef[];
  seed: number;
};

/** The key input of a training request (defaults as train.ts resolves them). */
export function weightsKeyInput(
  req: KeyedTrainRequest,
  backend: string,
  fingerprints: Record<string, string>,
): WeightsKeyInput {
  if (req.sources.length === 0) throw new Error('weightsKeyInput: no source task');
  if (!backend) throw new Error('weightsKeyInput: no backend');
  return {
    trainer: TRAINER_VERSION,
    encoder: structuredClone(req.encoder),
    resolution: req.encoder.inputSize,
    sources: req.sources.map((s) => ({ datasetId: s.datasetId, taskName: s.taskName })),
    training: {
      steps: req.steps,
      way: req.way,
      shot: req.shot,
      query: req.query,
      lr: req.lr,
      valEvery: req.valEvery ?? Math.max(1, Math.floor(req.steps / 10)),
      valEpisodes: req.valEpisodes ?? 20,
      patience: req.patience ?? 0,
      keepBest: req.keepBest ?? true,
    },
    seed: req.seed,
    backend,
    fingerprints: sourceFingerprints(req.sources, fingerprints),
  };
}

/** The fingerprints of the datasets of `sources`, checked (every one present). */
function sourceFingerprints(sources: readonly TaskRef[], fingerprints: Record<string, string>): Record<string, string> {
  const fp: Record<string, string> = {};
  for (const s of sources) {
    const f = fingerprints[s.datasetId];
    if (typeof f !== 'string' || f.length === 0)
      throw new Error(`weightsKeyInput: no fingerprint for source dataset "${s.datasetId}"`);
    fp[s.datasetId] = f;
  }
  return fp;
}

/** The key input of a supervised or mm-pt training (the trainer's version is SUPERVISED_TRAINER_VERSION). */
export function supervisedKeyInput(
  req: { encoder: EncoderConfig; sources: readonly TaskRef[]; seed: number; key: Omit<SupervisedKey, 'version'> },
  backend: string,
  fingerprints: Record<string, string>,
): WeightsKeyInput {
  if (req.sources.length === 0) throw new Error('weightsKeyInput: no source task');
  if (!backend) throw new Error('weightsKeyInput: no backend');
  return {
    trainer: SUPERVISED_TRAINER_VERSION,
    encoder: structuredClone(req.encoder),
    resolution: req.encoder.inputSize,
    sources: req.sources.map((s) => ({ datasetId: s.datasetId, taskName: s.taskName })),
    supervised: { ...structuredClone(req.key), version: SUPERVISED_TRAINER_VERSION },
    seed: req.seed,
    backend,
    fingerprints: sourceFingerprints(req.sources, fingerprints),
  };
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The stable key of a key input: `w1-<64 hex digits>`. */
export async function weightsKey(input: WeightsKeyInput): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJSON(input));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return `w1-${hex(new Uint8Array(digest))}`;
}

/** Dataset ids a key input trains on (what deleting a dataset removes weights by). */
export function keyDatasets(input: WeightsKeyInput): string[] {
  return [...new Set(input.sources.map((s) => s.datasetId))].sort();
}
