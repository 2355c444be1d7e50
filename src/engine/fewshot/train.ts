import * as tf from '@tensorflow/tfjs';
import type { SingleLabelEpisode } from '../../core/sampling';
import { chooseSources, type SourceChoice, type TaskRef } from '../../core/sources';
import type { TrainerRequestSettings } from '../../core/training/settings';
import type { Validation } from '../../core/training/types';
import { Selection, type ValidationValues } from '../../core/training/selection';
import { planTraining, type PlannedSource, type SourceViews, type TrainingPlan } from '../../core/training/plan';
import { loadBatch } from './load-batch';
import { runCell, encoderFor, type EngineContext } from './cell';
import type { Encoder, EncoderConfig, EncoderWeights } from './encoders/types';
import { protoLoss } from './loss';
import { loadTaskView, type ViewOverride } from './task-view';

export type { Validation };

/** One training: the encoder, its sources and seed, and the settings (src/core/training/settings.ts). */
export interface TrainRequest extends TrainerRequestSettings {
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
  /** Seeds the training episodes (src/core/training/plan.ts); the initial weights come from `encoder.seed`. */
  seed: number;
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
  /** Step after which `weights` were taken: 0 is the initialisation, `stoppedStep` the last step. */
  bestStep: number;
  bestValAccuracy: number;
  bestValAuroc: number;
  /** Steps actually trained (less than `steps` when early stopping ended the training). */
  stoppedStep: number;
  history: TrainPoint[];
  validations: Validation[];
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
  valAuroc?: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Every source's train and val views, then the plan (src/core/training/plan.ts). */
async function prepareSources(ctx: EngineContext, req: TrainRequest): Promise<TrainingPlan> {
  let refs: (TaskRef & { view?: ViewOverride })[];
  const excluded: TrainingPlan['skipped'] = [];
  if (Array.isArray(req.sources)) {
    refs = req.sources;
  } else {
    const chosen = chooseSources(await ctx.source.listDatasets(), req.sources);
    refs = chosen.tasks;
    for (const x of chosen.excluded)
      excluded.push({ datasetId: x.datasetId, taskName: x.taskName ?? '*', reason: x.reason });
  }
  const views: SourceViews[] = [];
  for (const { view: override, ...ref } of refs) {
    const { view, info } = await loadTaskView(ctx.source, ref.datasetId, ref.taskName, 'train', override);
    const val =
      !override && info.splitSizes.val > 0
        ? (await loadTaskView(ctx.source, ref.datasetId, ref.taskName, 'val')).view
        : undefined;
    views.push({ ref, train: view, ...(val ? { val } : {}) });
  }
  const plan = planTraining(views, {
    steps: req.steps,
    way: req.way,
    shot: req.shot,
    query: req.query,
    seed: req.seed,
    ...(req.valEpisodes !== undefined ? { valEpisodes: req.valEpisodes } : {}),
  });
  plan.skipped.unshift(...excluded);
  return plan;
}

/** ProtoNet on each validated source's fixed val episodes (eval-mode BatchNorm): per task means, and every episode's AUROC. */
async function validate(
  ctx: EngineContext,
  req: TrainRequest,
  encoder: Encoder,
  plan: TrainingPlan,
): Promise<ValidationValues> {
  const weights = await encoder.getWeights();
  const accuracy: number[] = [];
  const auroc: number[] = [];
  const episodeAuroc: number[] = [];
  for (const s of plan.sources) {
    if (!s.val) continue;
    const r = await runCell(ctx, {
      datasetId: s.ref.datasetId,
      taskName: s.ref.taskName,
      split: 'val',
      spec: s.val.spec,
      episodes: plan.valEpisodes,
      encoder: req.encoder,
      weights,
    });
    accuracy.push(r.accuracy.mean);
    auroc.push(r.auroc.mean);
    episodeAuroc.push(...r.perEpisode.auroc);
  }
  return { accuracy, auroc, episodeAuroc };
}

/**
 * Episodic ProtoNet meta-training (Snell et al. 2017) with Adam, with model selection on the sources' val
 * splits (Selection). Each step trains on the plan's episode (src/core/training/plan.ts); support and query
 * go through the encoder together in train mode (batch statistics over the episode, as the reference
 * ProtoNet code); model selection is src/core/training/selection.ts. The next episode's pixels are requested from the data worker before the current step runs.
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
  const plan = await prepareSources(ctx, req);
  await ctx.checkpoint();
  const encoder = encoderFor(req.encoder, req.init);
  if (!encoder.trainable) {
    encoder.dispose();
    throw new Error(`train: ${req.encoder.name} has nothing to train`);
  }
  const optimizer = tf.train.adam(req.lr);
  const valEvery = req.valEvery ?? Math.max(1, Math.floor(req.steps / 10));
  const selection = new Selection<EncoderWeights>(req.patience ?? 0);
  const history: TrainPoint[] = [];
  const stepMs: number[] = [];
  let loadMs = 0;
  let validationMs = 0;
  const { inputSize, channels } = encoder.config;

  const fetchStep = (s: number): { ep: SingleLabelEpisode; x: Promise<tf.Tensor4D> } => {
    const { source, episode: ep } = plan.stepEpisode(s);
    const idx = Uint32Array.from([...ep.support, ...ep.query], (i) => i.image);
    return { ep, x: loadBatch(ctx, (plan.sources[source] as PlannedSource).ref.datasetId, idx, inputSize, channels) };
  };
  /** Validate after `step` steps; true when early stopping ends the training. */
  const validateAt = async (step: number): Promise<{ stop: boolean; v?: Validation }> => {
    const v0 = performance.now();
    const perTask = await validate(ctx, req, encoder, plan);
    await ctx.checkpoint();
    const stop = await selection.add(step, perTask, () => encoder.getWeights());
    validationMs += performance.now() - v0;
    const v = selection.validations.at(-1);
    return { stop, ...(v?.step === step ? { v } : {}) };
  };

  let next: ReturnType<typeof fetchStep> | undefined;
  let stoppedStep = req.steps;
  try {
    if (valEvery > 0) {
      const { v } = await validateAt(0);
      if (v) onProgress?.({ step: 0, steps: req.steps, loss: NaN, valAccuracy: v.accuracy, valAuroc: v.auroc });
    }
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
      selection.addLoss(loss);
      if (!Number.isFinite(loss)) throw new Error(`train: loss is ${loss} at step ${s + 1} (lower the learning rate)`);
      let v: Validation | undefined;
      let stop = false;
      if (valEvery > 0 && ((s + 1) % valEvery === 0 || s + 1 === req.steps)) ({ stop, v } = await validateAt(s + 1));
      onProgress?.({
        step: s + 1,
        steps: req.steps,
        loss,
        ...(v ? { valAccuracy: v.accuracy, valAuroc: v.auroc } : {}),
      });
      if (stop) {
        stoppedStep = s + 1;
        break;
      }
    }
    await next?.x.then((t) => t.dispose());
    next = undefined;
    const best = (req.keepBest ?? true) ? selection.best : undefined;
    const weights = best ? best.checkpoint : await encoder.getWeights();
    const totalMs = performance.now() - t0;
    const med = median(stepMs);
    optimizer.dispose();
    encoder.dispose();
    const m1 = tf.memory();
    return {
      weights,
      bestStep: best ? best.step : stoppedStep,
      bestValAccuracy: selection.best?.accuracy ?? NaN,
      bestValAuroc: selection.best?.auroc ?? NaN,
      stoppedStep,
      history,
      validations: selection.validations,
      sources: plan.sources.map((s) => ({ ...s.ref, way: s.way })),
      skipped: plan.skipped,
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
