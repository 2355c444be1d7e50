/**
 * Stored trained weights, compute side: a training request with `store` first looks for weights stored
 * under its key (src/engine/weights-key.ts) in the data worker's `weights` store, over the compute worker's
 * own port; found, they are checked against the encoder and returned instead of training (no training
 * time spent); not found, the encoder is trained and its weights stored for the next run.
 */

import * as tf from '@tensorflow/tfjs';
import type { TaskRef } from '../core/sources';
import type { DatasetInfo } from '../core/types';
import type { StoredWeights, StoredWeightsInfo } from '../data/store/schema';
import type { EnvironmentReport } from './environment';
import { encoderFor, type EngineContext } from './fewshot/cell';
import type { EncoderConfig, EncoderWeights } from './fewshot/encoders/types';
import { trainSupervised, type SupervisedTrainRequest, type SupervisedTestScore } from './fewshot/supervised-train';
import { trainEncoder, type TrainProgress, type TrainRequest, type TrainResult } from './fewshot/train';
import { keyDatasets, supervisedKeyInput, weightsKey, weightsKeyInput, type WeightsKeyInput } from './weights-key';

/** What the compute worker needs from the data worker's weights store (ImageSource's optional part). */
export interface WeightsSource {
  getDataset(id: string): Promise<DatasetInfo & { fingerprint?: string }>;
  getStoredWeights?(key: string): Promise<StoredWeights | undefined>;
  putWeights?(record: StoredWeights): Promise<boolean>;
}

export interface WeightsStoreOptions {
  /** Load weights stored under the key instead of training (default true). */
  reuse?: boolean;
  /** Store the weights after training (default true). */
  save?: boolean;
}

/** A training request (episodic, or supervised / mm-pt) that may reuse and store its weights. */
export type StoredTrainRequest = (TrainRequest | SupervisedTrainRequest) & { store?: WeightsStoreOptions };

/** The supervised rows' requests carry their kind; episodic ones do not. */
export function isSupervisedRequest(req: TrainRequest | SupervisedTrainRequest): req is SupervisedTrainRequest {
  return 'kind' in req;
}

/** Where the weights of a training came from. */
export interface WeightsOutcome {
  key: string;
  /** Loaded from the store: nothing was trained. */
  reused: boolean;
  /** When the weights were trained (ISO 8601): the stored record's date, or now. */
  createdAt: string;
  /** In the store after this call (false: storing failed or a dataset changed meanwhile; see storeError). */
  stored: boolean;
  storeError?: string;
  /** Reading and checking the stored weights (reuse only). */
  loadMs: number;
}

export type StoredTrainResult = TrainResult & { weightsStore?: WeightsOutcome; test?: SupervisedTestScore };

/** Progress of a stored training: TrainProgress, plus one `reused` event when the weights come from the store. */
export type StoredTrainProgress = TrainProgress & { reused?: { key: string; createdAt: string } };

/** The key and its input for a request, with fingerprints read from the store's manifests now. */
export async function keyForRequest(
  source: WeightsSource,
  env: EnvironmentReport | undefined,
  req: TrainRequest | SupervisedTrainRequest,
): Promise<{ key: string; input: WeightsKeyInput }> {
  if (!env) throw new Error('stored weights: the backend is not initialised');
  if (!Array.isArray(req.sources)) throw new Error('stored weights: the request must list its source tasks');
  const fingerprints: Record<string, string> = {};
  for (const s of req.sources as (TaskRef & { view?: unknown })[]) {
    if (s.view) throw new Error('stored weights: a source with a view override cannot be stored');
    if (fingerprints[s.datasetId]) continue;
    const fp = (await source.getDataset(s.datasetId)).fingerprint;
    if (!fp) throw new Error(`stored weights: dataset "${s.datasetId}" has no fingerprint`);
    fingerprints[s.datasetId] = fp;
  }
  const sources = req.sources.map((s) => ({ datasetId: s.datasetId, taskName: s.taskName }));
  const input = isSupervisedRequest(req)
    ? supervisedKeyInput(
        {
          encoder: req.encoder,
          sources,
          seed: req.seed,
          key: { kind: req.kind, settings: req.settings, ...(req.testSplit ? { testSplit: req.testSplit } : {}) },
        },
        env.backend,
        fingerprints,
      )
    : weightsKeyInput({ ...req, sources }, env.backend, fingerprints);
  return { key: await weightsKey(input), input };
}

/** Throws unless `weights` load into the encoder `config` (names, shapes); leaves tf.memory() as it was. */
export function checkWeightsFit(config: EncoderConfig, weights: EncoderWeights): void {
  encoderFor(config, weights).dispose();
}

/** A stored record's weights, checked against `config` (when given). Undefined when none is stored. */
export async function loadStoredWeights(
  source: WeightsSource,
  key: string,
  config?: EncoderConfig,
): Promise<StoredWeights | undefined> {
  if (!source.getStoredWeights) throw new Error('stored weights: the data source has no weights store');
  const r = await source.getStoredWeights(key);
  if (r && config) checkWeightsFit(config, r.weights);
  return r;
}

const copyWeights = (w: EncoderWeights): EncoderWeights => ({
  ...w,
  config: structuredClone(w.config),
  tensors: w.tensors.map((t) => ({ name: t.name, shape: [...t.shape], values: new Float32Array(t.values) })),
});

/** Train, or reuse stored weights; see the file comment. Without `req.store` this is plain trainEncoder. */
export async function trainOrReuse(
  ctx: EngineContext,
  source: WeightsSource,
  env: EnvironmentReport | undefined,
  req: StoredTrainRequest,
  onProgress?: (p: StoredTrainProgress) => void,
): Promise<StoredTrainResult> {
  const { store, ...train } = req;
  const run = (): Promise<StoredTrainResult> =>
    isSupervisedRequest(train) ? trainSupervised(ctx, train, onProgress) : trainEncoder(ctx, train, onProgress);
  if (!store) return run();
  const { key, input } = await keyForRequest(source, env, train);
  if (store.reuse ?? true) {
    const m0 = tf.memory();
    const l0 = performance.now();
    const hit = await loadStoredWeights(source, key, train.encoder);
    await ctx.checkpoint();
    if (hit) {
      const loadMs = performance.now() - l0;
      const steps = isSupervisedRequest(train) ? train.settings.steps : train.steps;
      onProgress?.({ step: 0, steps, loss: NaN, reused: { key, createdAt: hit.createdAt } });
      const m1 = tf.memory();
      return {
        weights: hit.weights,
        bestStep: hit.summary.bestStep,
        bestValAccuracy: hit.summary.bestValAccuracy,
        bestValAuroc: hit.summary.bestValAuroc ?? NaN,
        stoppedStep: hit.summary.stoppedStep ?? steps,
        history: [],
        validations: hit.summary.validations,
        sources: hit.summary.sources,
        skipped: hit.summary.skipped,
        timings: { totalMs: 0, stepMsMedian: NaN, loadMs: 0, validationMs: 0, stepsPerSecond: NaN },
        memory: {
          before: { numTensors: m0.numTensors, numBytes: m0.numBytes },
          after: { numTensors: m1.numTensors, numBytes: m1.numBytes },
        },
        weightsStore: { key, reused: true, createdAt: hit.createdAt, stored: true, loadMs },
        ...(hit.summary.test ? { test: hit.summary.test } : {}),
      };
    }
  }
  const r = await run();
  const createdAt = new Date().toISOString();
  const outcome: WeightsOutcome = { key, reused: false, createdAt, stored: false, loadMs: 0 };
  if ((store.save ?? true) && source.putWeights) {
    const weights = copyWeights(r.weights);
    const record: StoredWeights = {
      key,
      createdAt,
      keyInput: input,
      datasets: keyDatasets(input),
      summary: {
        bestStep: r.bestStep,
        bestValAccuracy: r.bestValAccuracy,
        bestValAuroc: r.bestValAuroc,
        stoppedStep: r.stoppedStep,
        validations: r.validations,
        sources: r.sources,
        skipped: r.skipped,
        trainMs: r.timings.totalMs,
        stepMsMedian: r.timings.stepMsMedian,
        stepsPerSecond: r.timings.stepsPerSecond,
        environment: env ? structuredClone(env) : null,
        ...(r.test ? { test: structuredClone(r.test) } : {}),
      },
      bytes: weights.tensors.reduce((n, t) => n + t.values.byteLength, 0),
      weights,
    };
    try {
      outcome.stored = await source.putWeights(record);
      if (!outcome.stored) outcome.storeError = 'a dataset trained on was deleted or replaced during training';
    } catch (e) {
      // The store is a cache: a full disk loses the reuse, not the run.
      outcome.storeError = e instanceof Error ? e.message : String(e);
    }
  }
  return { ...r, weightsStore: outcome };
}

export type { StoredWeights, StoredWeightsInfo };
