import * as tf from '@tensorflow/tfjs';
import { Rng, seedFrom } from '../../core/rng';
import { planEpisodes, type EpisodePlan, type SingleLabelEpisode } from '../../core/sampling';
import { chooseSources, type SourceChoice, type TaskRef } from '../../core/sources';
import { preprocess, uploadPixels } from '../device-input';
import { isAbortError } from './abort';
import { runCell, encoderFor, type EngineContext } from './cell';
import type { Encoder, EncoderConfig, EncoderWeights } from './encoders/types';
import { protoLoss } from './loss';
import { loadTaskView, type ViewOverride } from './task-view';

export interface TrainRequest {
  /** conv4 or resnet12 (the untrained and pixel baselines have nothing to train). */
  encoder: EncoderConfig;
  /** Start from these weights instead of the seeded init. */
  init?: EncoderWeights;
  /**
   * Source tasks, listed or chosen from the store by `chooseSources` (src/core/sources.ts: one task,
   * dataset or domain, or all datasets except a target and its overlaps). Episodes come from their train
   * split, or from `view` when given (pattern datasets in benchmarks; such a source is not validated).
   */
  sources: (TaskRef & { view?: ViewOverride })[] | SourceChoice;
  steps: number;
  /** N of the N-way episodes; a task with fewer eligible classes trains all-way. */
  way: number;
  shot: number;
  query: number;
  /** Adam's learning rate. */
  lr: number;
  seed: number;
  /** Validate every this many steps and after the last (0: never; default max(1, steps / 10)). */
  valEvery?: number;
  /** Validation episodes per source task, from its val split, same way/shot/query (default 20). */
  valEpisodes?: number;
  /** Return the weights of the best validation, not the last step (default true). */
  keepBest?: boolean;
  /** `ComputeService.cancel(token)` aborts this call (and every other call started with the token). */
  cancelToken?: string;
}

export interface TrainPoint {
  step: number;
  loss: number;
  accuracy: number;
}

export interface TrainResult {
  weights: EncoderWeights;
  /** Step after which `weights` were taken (steps when the last). */
  bestStep: number;
  bestValAccuracy: number;
  history: TrainPoint[];
  validations: { step: number; accuracy: number; perTask: number[] }[];
  /** Sources used, with the way they train at; and those left out (overlap with the target, multilabel, too few images). */
  sources: (TaskRef & { way: number })[];
  skipped: (TaskRef & { reason: string })[];
  timings: { totalMs: number; stepMsMedian: number; loadMs: number; validationMs: number; stepsPerSecond: number };
  memory: { before: { numTensors: number; numBytes: number }; after: { numTensors: number; numBytes: number } };
}

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  valAccuracy?: number;
}

interface Source {
  ref: TaskRef;
  way: number;
  train: EpisodePlan;
  hasVal: boolean;
}

/** Pixels of `indices` (episode order) as one preprocessed batch [n, S, S, C]. */
async function loadBatch(
  ctx: EngineContext,
  datasetId: string,
  indices: Uint32Array,
  size: number,
  channels: 1 | 3,
): Promise<tf.Tensor4D> {
  const ds = await ctx.source.getDataset(datasetId);
  const sid = await ctx.source.openStream(datasetId, indices, indices.length, 1);
  try {
    const b = await ctx.source.nextBatch(sid);
    if (!b || b.indices.length !== indices.length)
      throw new Error(`train: ${datasetId} returned too few images for an episode`);
    const raw = uploadPixels(b.pixels, indices.length, ds.height, ds.width, ds.channels);
    const x = preprocess(raw, { channels, size });
    raw.dispose();
    return x;
  } finally {
    await ctx.source.closeStream(sid);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Plan each source's training episodes; leave out (and say why) the ones their train split cannot serve. */
async function prepareSources(
  ctx: EngineContext,
  req: TrainRequest,
  skipped: TrainResult['skipped'],
): Promise<Source[]> {
  let refs: (TaskRef & { view?: ViewOverride })[];
  if (Array.isArray(req.sources)) {
    refs = req.sources;
  } else {
    const chosen = chooseSources(await ctx.source.listDatasets(), req.sources);
    refs = chosen.tasks;
    for (const x of chosen.excluded)
      skipped.push({ datasetId: x.datasetId, taskName: x.taskName ?? '*', reason: x.reason });
  }
  const out: Source[] = [];
  for (const { view: override, ...ref } of refs) {
    try {
      const { view, info } = await loadTaskView(ctx.source, ref.datasetId, ref.taskName, 'train', override);
      if (view.task.target === 'MULTILABEL_CLASSIFICATION')
        throw new Error('multilabel tasks are not used for training');
      // Way: as asked, or every class that has shot + query images when there are fewer.
      const probe = planEpisodes(view, { mode: 'fixed', way: 2, shot: req.shot, query: req.query, seed: req.seed });
      const way = Math.min(req.way, probe.eligible.length);
      const train = planEpisodes(view, { mode: 'fixed', way, shot: req.shot, query: req.query, seed: req.seed });
      out.push({ ref, way, train, hasVal: !override && info.splitSizes.val > 0 });
    } catch (e) {
      skipped.push({ ...ref, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  if (out.length === 0)
    throw new Error(
      `train: no usable source task (${skipped.map((s) => `${s.datasetId}/${s.taskName}: ${s.reason}`).join('; ')})`,
    );
  return out;
}

/** Mean validation accuracy over the sources (ProtoNet on their val split, eval-mode BatchNorm). */
async function validate(ctx: EngineContext, req: TrainRequest, encoder: Encoder, sources: Source[]): Promise<number[]> {
  const weights = await encoder.getWeights();
  const accs: number[] = [];
  for (const s of sources) {
    if (!s.hasVal) continue;
    try {
      const r = await runCell(ctx, {
        datasetId: s.ref.datasetId,
        taskName: s.ref.taskName,
        split: 'val',
        spec: { mode: 'fixed', way: s.way, shot: req.shot, query: req.query, seed: seedFrom(req.seed, 'val') },
        episodes: req.valEpisodes ?? 20,
        encoder: req.encoder,
        weights,
      });
      accs.push(r.accuracy.mean);
    } catch (e) {
      if (isAbortError(e)) throw e;
      // A val split too small for the episode shape: this task is not validated.
    }
  }
  return accs;
}

/**
 * Episodic ProtoNet meta-training (Snell et al. 2017) with Adam. Each step draws a source task (uniformly,
 * seeded), then an N-way K-shot Q-query episode of its train split; support and query go through the
 * encoder together in train mode (batch statistics over the episode, as the reference ProtoNet code).
 * The next episode's pixels are requested from the data worker before the current step runs.
 */
export async function trainEncoder(
  ctx: EngineContext,
  req: TrainRequest,
  onProgress?: (p: TrainProgress) => void,
): Promise<TrainResult> {
  if (!(req.steps >= 1) || !(req.lr > 0))
    throw new Error(`train: steps must be >= 1 and lr > 0 (got ${req.steps}, ${req.lr})`);
  const m0 = tf.memory();
  const t0 = performance.now();
  const skipped: TrainResult['skipped'] = [];
  const sources = await prepareSources(ctx, req, skipped);
  await ctx.checkpoint();
  const encoder = encoderFor(req.encoder, req.init);
  if (!encoder.trainable) {
    encoder.dispose();
    throw new Error(`train: ${req.encoder.name} has nothing to train`);
  }
  const optimizer = tf.train.adam(req.lr);
  const rng = new Rng(seedFrom(req.seed, 'train-order'));
  const pick = Array.from({ length: req.steps }, () => sources[rng.int(sources.length)] as Source);
  const valEvery = req.valEvery ?? Math.max(1, Math.floor(req.steps / 10));
  const history: TrainPoint[] = [];
  const validations: TrainResult['validations'] = [];
  const stepMs: number[] = [];
  let loadMs = 0;
  let validationMs = 0;
  let best: { step: number; accuracy: number; weights: EncoderWeights } | undefined;
  const { inputSize, channels } = encoder.config;

  const fetchStep = (s: number): { ep: SingleLabelEpisode; x: Promise<tf.Tensor4D> } => {
    const src = pick[s] as Source;
    const ep = src.train.episode(s) as SingleLabelEpisode;
    const idx = Uint32Array.from([...ep.support, ...ep.query], (i) => i.image);
    return { ep, x: loadBatch(ctx, src.ref.datasetId, idx, inputSize, channels) };
  };

  let next: ReturnType<typeof fetchStep> | undefined;
  try {
    next = fetchStep(0);
    for (let s = 0; s < req.steps; s++) {
      const w0 = performance.now();
      const cur = next as ReturnType<typeof fetchStep>;
      next = undefined;
      const x = await cur.x;
      loadMs += performance.now() - w0;
      if (s + 1 < req.steps) next = fetchStep(s + 1);
      const a0 = performance.now();
      let loss: number;
      let acc: number;
      try {
        // Between data batches: a cancel queued during the last step is delivered here.
        await ctx.checkpoint();
        const ep = cur.ep;
        const supportLabels = Int32Array.from(ep.support, (i) => i.label);
        const queryLabels = Int32Array.from(ep.query, (q) => q.label);
        const out = { acc: tf.scalar(0) };
        const cost = optimizer.minimize(
          () => {
            const emb = encoder.forwardTrain(x);
            const r = protoLoss(emb, supportLabels, queryLabels, ep.way);
            out.acc.dispose();
            out.acc = tf.keep(r.accuracy);
            return r.loss;
          },
          true,
          encoder.variables(),
        );
        const [l, a] = await Promise.all([(cost as tf.Scalar).data(), out.acc.data()]);
        cost?.dispose();
        out.acc.dispose();
        loss = l[0] as number;
        acc = a[0] as number;
      } finally {
        x.dispose();
      }
      await ctx.checkpoint();
      stepMs.push(performance.now() - a0);
      history.push({ step: s + 1, loss, accuracy: acc });
      if (!Number.isFinite(loss)) throw new Error(`train: loss is ${loss} at step ${s + 1} (lower the learning rate)`);
      let valAccuracy: number | undefined;
      if (valEvery > 0 && ((s + 1) % valEvery === 0 || s + 1 === req.steps)) {
        const v0 = performance.now();
        const perTask = await validate(ctx, req, encoder, sources);
        await ctx.checkpoint();
        validationMs += performance.now() - v0;
        if (perTask.length > 0) {
          valAccuracy = perTask.reduce((p, c) => p + c, 0) / perTask.length;
          validations.push({ step: s + 1, accuracy: valAccuracy, perTask });
          if (!best || valAccuracy > best.accuracy)
            best = { step: s + 1, accuracy: valAccuracy, weights: await encoder.getWeights() };
        }
      }
      onProgress?.({ step: s + 1, steps: req.steps, loss, ...(valAccuracy !== undefined ? { valAccuracy } : {}) });
    }
    const keepBest = req.keepBest ?? true;
    const weights = keepBest && best ? best.weights : await encoder.getWeights();
    const totalMs = performance.now() - t0;
    const med = median(stepMs);
    optimizer.dispose();
    encoder.dispose();
    const m1 = tf.memory();
    return {
      weights,
      bestStep: keepBest && best ? best.step : req.steps,
      bestValAccuracy: best?.accuracy ?? NaN,
      history,
      validations,
      sources: sources.map((s) => ({ ...s.ref, way: s.way })),
      skipped,
      timings: { totalMs, stepMsMedian: med, loadMs, validationMs, stepsPerSecond: 1000 / med },
      memory: {
        before: { numTensors: m0.numTensors, numBytes: m0.numBytes },
        after: { numTensors: m1.numTensors, numBytes: m1.numBytes },
      },
    };
  } catch (e) {
    // A batch prefetched for a step that will not run is freed when it arrives (awaited, so that
    // tf.memory() is back where it was when this call rejects).
    await next?.x.then(
      (t) => t.dispose(),
      () => undefined,
    );
    optimizer.dispose();
    encoder.dispose();
    throw e;
  }
}
