import * as tf from '@tensorflow/tfjs';
import type { SupervisedSettings } from '../../core/config/types';
import { seedFrom } from '../../core/rng';
import type { TaskRef } from '../../core/sources';
import type { BootstrapCI } from '../../core/stats/bootstrap';
import { planBatches } from '../../core/training/batch-plan';
import { EarlyStopping } from '../../core/training/early-stopping';
import type { SplitName } from '../../core/types';
import { encoderFor, type EngineContext } from './cell';
import type { Encoder, EncoderConfig, EncoderWeights } from './encoders/types';
import { ADAM_EPSILON, headInit } from './evaluators/finetune';
import { loadBatch } from './load-batch';
import { scoreOf, testScore, type SupervisedTask } from '../../core/training/split-score';
import { splitScores } from './supervised-score';
import { median, type TrainPoint, type TrainProgress, type TrainResult, type Validation } from './train';

/**
 * The supervised rows' trainer: the encoder with a linear head per task (torchcross's SimpleClassifier,
 * nn.Linear's uniform init), Adam (PyTorch's defaults), batches from src/core/training/batch-plan.ts, the
 * step's task's head alone trained with the encoder. Loss: softmax cross-entropy (binary as two classes),
 * sigmoid cross-entropy per label for multilabel. BatchNorm in train mode while training.
 * - `supervised` (MedIMeta's fully_supervised.py): one task, the target's, trained on its train split;
 * - `mm-pt` (cross_domain_pft.py): the source tasks at once.
 * Validation every `valEvery` steps and after the last (not at step 0: Lightning's callbacks do not see
 * the sanity check): each task's val split, at most VAL_MAX_BATCHES batches of it in order (Lightning's
 * limit_val_batches), eval-mode BatchNorm; the monitored value is the mean val AUROC over the tasks, early
 * stopping and the best checkpoint as src/core/training/early-stopping.ts. With `testSplit` (supervised),
 * the best checkpoint is scored on that whole split with bootstrap CIs.
 */

export const VAL_MAX_BATCHES = 200;

export interface SupervisedTrainRequest {
  kind: 'supervised' | 'mm-pt';
  encoder: EncoderConfig;
  sources: TaskRef[];
  settings: SupervisedSettings;
  /** Seeds the heads and the batch order; the encoder's initial weights come from `encoder.seed`. */
  seed: number;
  /** Score the chosen checkpoint on this split of the (single) task. */
  testSplit?: SplitName;
  cancelToken?: string;
}

export interface SupervisedTestScore {
  split: SplitName;
  /** Images scored. */
  n: number;
  accuracy: BootstrapCI;
  auroc: BootstrapCI;
}

export type SupervisedTrainResult = TrainResult & { test?: SupervisedTestScore };

interface Loaded {
  task: SupervisedTask;
  train: Uint32Array;
  val: Uint32Array;
}

/** A task's labels as head targets: class positions (single-label) or the 0/1 rows as they are. */
async function loadTask(ctx: EngineContext, ref: TaskRef, valCap: number): Promise<Loaded> {
  const info = await ctx.source.getDataset(ref.datasetId);
  const t = info.tasks.find((x) => x.name === ref.taskName);
  if (!t) throw new Error(`supervised: dataset "${ref.datasetId}" has no task "${ref.taskName}"`);
  const [raw, splits] = await Promise.all([
    ctx.source.getLabels(ref.datasetId, ref.taskName),
    ctx.source.getSplits(ref.datasetId),
  ]);
  let labels = raw;
  if (t.target !== 'MULTILABEL_CLASSIFICATION') {
    const pos = new Map(t.labels.map((l, i) => [l.value, i]));
    labels = Int32Array.from(raw, (v) => pos.get(v) ?? -1);
  }
  const known = (idx: Uint32Array): Uint32Array =>
    t.target === 'MULTILABEL_CLASSIFICATION' ? idx : idx.filter((i) => (labels[i] as number) >= 0);
  const task = { ...ref, target: t.target, classes: t.labels.length, labels };
  const train = known(splits.train);
  if (train.length === 0) throw new Error(`supervised: "${ref.datasetId}/${ref.taskName}" has no train images`);
  return { task, train, val: known(splits.val).slice(0, valCap) };
}

interface Head {
  w: tf.Variable;
  b: tf.Variable;
}

function targetsOf(task: SupervisedTask, images: Uint32Array): tf.Tensor2D {
  const C = task.classes;
  if (task.target === 'MULTILABEL_CLASSIFICATION')
    return tf.tensor2d(
      Float32Array.from(
        { length: images.length * C },
        (_, k) => task.labels[(images[(k / C) | 0] as number) * C + (k % C)] as number,
      ),
      [images.length, C],
    );
  return tf.tidy(
    () =>
      tf.oneHot(
        tf.tensor1d(
          Int32Array.from(images, (i) => task.labels[i] as number),
          'int32',
        ),
        C,
      ) as tf.Tensor2D,
  );
}

type Checkpoint = { weights: EncoderWeights; heads: { w: Float32Array; b: Float32Array }[] };

async function checkpointOf(encoder: Encoder, heads: Head[]): Promise<Checkpoint> {
  const weights = await encoder.getWeights();
  const values = await Promise.all(
    heads.map(async (h) => ({ w: (await h.w.data()) as Float32Array, b: (await h.b.data()) as Float32Array })),
  );
  return { weights, heads: values.map((v) => ({ w: new Float32Array(v.w), b: new Float32Array(v.b) })) };
}

export async function trainSupervised(
  ctx: EngineContext,
  req: SupervisedTrainRequest,
  onProgress?: (p: TrainProgress) => void,
): Promise<SupervisedTrainResult> {
  const { steps, lr, batch, valEvery, patience } = req.settings;
  if (!(steps >= 1) || !(lr > 0) || !(batch >= 1) || !(valEvery >= 1))
    throw new Error(
      `supervised: steps, batch and valEvery must be >= 1 and lr > 0 (got ${steps}, ${batch}, ${valEvery}, ${lr})`,
    );
  if (req.sources.length === 0) throw new Error('supervised: no task to train on');
  if (req.kind === 'supervised' && req.sources.length !== 1)
    throw new Error(`supervised: trains on one task (the target), got ${req.sources.length}`);
  const m0 = tf.memory();
  const t0 = performance.now();
  const tasks: Loaded[] = [];
  for (const ref of req.sources) tasks.push(await loadTask(ctx, ref, VAL_MAX_BATCHES * batch));
  if (!tasks.some((t) => t.val.length > 0)) throw new Error('supervised: no val images to early-stop on');
  await ctx.checkpoint();
  const encoder = encoderFor(req.encoder, undefined);
  if (!encoder.trainable) {
    encoder.dispose();
    throw new Error(`supervised: ${req.encoder.name} has nothing to train`);
  }
  const { inputSize, channels } = encoder.config;
  const dim = encoder.cost.dim;
  // Variables survive tidy; the tensors they were made from do not (they would hold a reference each).
  const heads: Head[] = tasks.map((t, i) => {
    const h = headInit('uniform', dim, t.task.classes, seedFrom(req.seed, 'head', i));
    return tf.tidy(() => ({
      w: tf.variable(tf.tensor2d(h.w, [dim, t.task.classes])),
      b: tf.variable(tf.tensor1d(h.b)),
    }));
  });
  // One Adam per head and one for the encoder: tfjs keeps Adam's moments by position in the gradient list,
  // so one optimizer fed a different head each step would mix heads' moments. Separate optimizers also give
  // PyTorch's per-parameter step count (a head's bias correction advances only on its own task's steps).
  const encoderOpt = tf.train.adam(lr, 0.9, 0.999, ADAM_EPSILON);
  const headOpts = heads.map(() => tf.train.adam(lr, 0.9, 0.999, ADAM_EPSILON));
  const plan = planBatches(
    tasks.map((t) => t.train.length),
    batch,
    seedFrom(req.seed, 'supervised'),
  );
  const stopping = new EarlyStopping<Checkpoint>(patience);
  const history: TrainPoint[] = [];
  const validations: Validation[] = [];
  const stepMs: number[] = [];
  let loadMs = 0;
  let validationMs = 0;
  let losses: number[] = [];

  const fetchStep = (s: number) => {
    const { task, rows } = plan.at(s);
    const t = tasks[task] as Loaded;
    const images = Uint32Array.from(rows, (r) => t.train[r] as number);
    return { task, images, x: loadBatch(ctx, t.task.datasetId, images, inputSize, channels) };
  };
  const validate = async (step: number): Promise<boolean> => {
    const v0 = performance.now();
    const embedder = await encoder.embedder();
    const perTask: number[] = [];
    const perTaskAuroc: number[] = [];
    try {
      for (const [i, t] of tasks.entries()) {
        if (t.val.length === 0) continue;
        const s = await splitScores(ctx, t.task, t.val, embedder, heads[i] as Head, {
          inputSize,
          channels,
          dimCost: encoder.cost,
        });
        const r = scoreOf(t.task, s);
        perTask.push(r.accuracy);
        perTaskAuroc.push(r.auroc);
      }
    } finally {
      embedder.dispose();
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const v: Validation = {
      step,
      loss: losses.length > 0 ? mean(losses) : NaN,
      accuracy: mean(perTask),
      auroc: mean(perTaskAuroc.filter((a) => !Number.isNaN(a))),
      perTask,
      perTaskAuroc,
    };
    losses = [];
    validations.push(v);
    const stop = await stopping.add(step, v.auroc, () => checkpointOf(encoder, heads));
    validationMs += performance.now() - v0;
    onProgress?.({ step, steps, loss: v.loss, valAccuracy: v.accuracy, valAuroc: v.auroc });
    return stop;
  };

  let result: SupervisedTrainResult;
  let next: ReturnType<typeof fetchStep> | undefined = fetchStep(0);
  let stoppedStep = steps;
  try {
    for (let s = 0; s < steps; s++) {
      const w0 = performance.now();
      const cur = next as ReturnType<typeof fetchStep>;
      next = undefined;
      const x = await cur.x;
      loadMs += performance.now() - w0;
      if (s + 1 < steps) next = fetchStep(s + 1);
      const a0 = performance.now();
      let loss: number;
      let acc: number;
      const t = (tasks[cur.task] as Loaded).task;
      const head = heads[cur.task] as Head;
      const y = targetsOf(t, cur.images);
      try {
        await ctx.checkpoint();
        const out = { acc: tf.scalar(0) };
        const multilabel = t.target === 'MULTILABEL_CLASSIFICATION';
        const encoderVars = encoder.variables();
        const { value: cost, grads } = tf.variableGrads(() => {
          const z = tf.add(tf.matMul(encoder.forwardTrain(x), head.w), head.b) as tf.Tensor2D;
          out.acc.dispose();
          out.acc = tf.keep(
            multilabel
              ? tf.mean(tf.cast(tf.equal(tf.greaterEqual(z, 0), tf.greater(y, 0.5)), 'float32'))
              : tf.mean(tf.cast(tf.equal(tf.argMax(z, 1), tf.argMax(y, 1)), 'float32')),
          ) as tf.Scalar;
          return (multilabel ? tf.losses.sigmoidCrossEntropy(y, z) : tf.losses.softmaxCrossEntropy(y, z)) as tf.Scalar;
        }, [...encoderVars, head.w, head.b]);
        const pick = (vs: tf.Variable[]): { name: string; tensor: tf.Tensor }[] =>
          vs.flatMap((v) => (grads[v.name] ? [{ name: v.name, tensor: grads[v.name] as tf.Tensor }] : []));
        encoderOpt.applyGradients(pick(encoderVars));
        (headOpts[cur.task] as tf.AdamOptimizer).applyGradients(pick([head.w, head.b]));
        tf.dispose(Object.values(grads));
        const [l, a] = await Promise.all([cost.data(), out.acc.data()]);
        cost.dispose();
        out.acc.dispose();
        loss = l[0] as number;
        acc = a[0] as number;
      } finally {
        x.dispose();
        y.dispose();
      }
      await ctx.checkpoint();
      stepMs.push(performance.now() - a0);
      history.push({ step: s + 1, loss, accuracy: acc });
      losses.push(loss);
      if (!Number.isFinite(loss))
        throw new Error(`supervised: loss is ${loss} at step ${s + 1} (lower the learning rate)`);
      const validating = (s + 1) % valEvery === 0 || s + 1 === steps;
      if (!validating) onProgress?.({ step: s + 1, steps, loss });
      if (validating && (await validate(s + 1))) {
        stoppedStep = s + 1;
        break;
      }
    }
    await next?.x.then((t) => t.dispose());
    next = undefined;
    const best = stopping.best;
    if (!best) throw new Error('supervised: no validation had an AUROC (every val split has a single class?)');
    let test: SupervisedTestScore | undefined;
    if (req.testSplit && req.kind === 'supervised')
      test = await scoreTest(ctx, req, encoder, tasks[0] as Loaded, best.checkpoint);
    const totalMs = performance.now() - t0;
    const med = median(stepMs);
    const chosen = validations.find((v) => v.step === best.step);
    result = {
      weights: best.checkpoint.weights,
      bestStep: best.step,
      bestValAccuracy: chosen?.accuracy ?? NaN,
      bestValAuroc: best.value,
      stoppedStep,
      history,
      validations,
      sources: tasks.map((t) => ({ datasetId: t.task.datasetId, taskName: t.task.taskName, way: t.task.classes })),
      skipped: [],
      timings: { totalMs, stepMsMedian: med, loadMs, validationMs, stepsPerSecond: 1000 / med },
      memory: { before: { numTensors: m0.numTensors, numBytes: m0.numBytes }, after: { numTensors: 0, numBytes: 0 } },
      ...(test ? { test } : {}),
    };
  } catch (e) {
    await next?.x.then(
      (t) => t.dispose(),
      () => undefined,
    );
    throw e;
  } finally {
    encoderOpt.dispose();
    for (const o of headOpts) o.dispose();
    encoder.dispose();
    tf.dispose(heads.flatMap((h) => [h.w, h.b]));
  }
  const m1 = tf.memory();
  return { ...result, memory: { ...result.memory, after: { numTensors: m1.numTensors, numBytes: m1.numBytes } } };
}

/** The chosen checkpoint (encoder and head) on the whole test split, with bootstrap CIs. */
async function scoreTest(
  ctx: EngineContext,
  req: SupervisedTrainRequest,
  encoder: Encoder,
  t: Loaded,
  best: Checkpoint,
): Promise<SupervisedTestScore> {
  const split = req.testSplit as SplitName;
  const splits = await ctx.source.getSplits(t.task.datasetId);
  const idx =
    t.task.target === 'MULTILABEL_CLASSIFICATION'
      ? splits[split]
      : splits[split].filter((i) => (t.task.labels[i] as number) >= 0);
  if (idx.length === 0)
    throw new Error(`supervised: "${t.task.datasetId}/${t.task.taskName}" has no ${split} images to score`);
  const scorer = encoderFor(req.encoder, best.weights);
  const embedder = await scorer.embedder();
  const h = best.heads[0] as { w: Float32Array; b: Float32Array };
  const w = tf.tensor2d(h.w, [encoder.cost.dim, t.task.classes]);
  const b = tf.tensor1d(h.b);
  try {
    const s = await splitScores(
      ctx,
      t.task,
      idx,
      embedder,
      { w, b },
      { inputSize: encoder.config.inputSize, channels: encoder.config.channels, dimCost: encoder.cost },
    );
    return { split, ...testScore(t.task, s, seedFrom(req.seed, 'test', split)) };
  } finally {
    embedder.dispose();
    scorer.dispose();
    tf.dispose([w, b]);
  }
}
