import * as tf from '@tensorflow/tfjs';
import type { FinetuneSettings } from '../../../core/config/types';
import { Rng } from '../../../core/rng';
import type { Episode } from '../../../core/sampling';
import type { Encoder, EncoderWeights } from '../encoders/types';
import type { PackedBlock } from '../pack';
import { emptyScores, writeEpisode } from './scores';
import type { BlockScores } from './types';

/**
 * Fine-tuning (MedIMeta's finetune_and_test.py, torchcross's SimpleClassifier): per episode, the encoder
 * from its start weights plus a new linear head, trained together on the whole support set for
 * `settings.steps` Adam steps (PyTorch's defaults: betas 0.9, 0.999, eps 1e-8; a fresh optimizer per
 * episode), BatchNorm in train mode as Lightning's `fit` has it; then the query set is scored in eval mode
 * (running statistics). Single-label: softmax cross-entropy over the episode's classes (binary included);
 * multilabel: a sigmoid per label, binary cross-entropy. Encoders with nothing to train (pixels) train the
 * head alone.
 */

export const ADAM_EPSILON = 1e-8;

/** The head's start: zeros, or nn.Linear's U(-1/sqrt(D), 1/sqrt(D)) for weight and bias, seeded. */
export function headInit(
  init: FinetuneSettings['headInit'],
  dim: number,
  classes: number,
  seed: number,
): { w: Float32Array; b: Float32Array } {
  const w = new Float32Array(dim * classes);
  const b = new Float32Array(classes);
  if (init === 'uniform') {
    const rng = new Rng(seed);
    const bound = 1 / Math.sqrt(dim);
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
  }
  return { w, b };
}

/** The support targets as the loss takes them: one-hot [n, way] or 0/1 [n, L]. */
function supportTargets(ep: Episode): tf.Tensor2D {
  if (ep.kind === 'single')
    return tf.oneHot(
      tf.tensor1d(
        ep.support.map((s) => s.label),
        'int32',
      ),
      ep.way,
    ) as tf.Tensor2D;
  return tf.tensor2d(
    ep.support.flatMap((s) => Array.from(s.targets.subarray(0, ep.way))),
    [ep.support.length, ep.way],
  );
}

export interface FinetuneEpisode {
  encoder: Encoder;
  /** Weights every episode starts from (the encoder is reset to them first); undefined: as it is. */
  start: EncoderWeights | undefined;
  ep: Episode;
  /** [n, S, S, C] support and [m, S, S, C] query images, preprocessed. */
  support: tf.Tensor4D;
  query: tf.Tensor4D;
  settings: FinetuneSettings;
  /** Seeds a uniform head. */
  headSeed: number;
  /** The head's start instead of `settings.headInit` (golden tests against PyTorch). */
  head?: { w: Float32Array; b: Float32Array };
  checkpoint: () => Promise<void>;
}

/** One support-set step's loss: mean cross-entropy of the head's logits. */
function lossOf(ep: Episode, logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return ep.kind === 'single'
    ? (tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar)
    : (tf.losses.sigmoidCrossEntropy(targets, logits) as tf.Scalar);
}

/**
 * Fine-tune on one episode; `block` is the episode's own packed block (E = 1), giving the output layout.
 * Returns its scores and the loss before each step. Everything made here is disposed.
 */
export async function finetuneEpisode(
  a: FinetuneEpisode,
  block: PackedBlock,
): Promise<{ out: BlockScores; losses: number[] }> {
  const { encoder, ep, settings } = a;
  if (a.start) encoder.setWeights(a.start);
  const dim = encoder.cost.dim;
  const h0 = a.head ?? headInit(settings.headInit, dim, ep.way, a.headSeed);
  // Variables survive tidy; their initial values and the labels' intermediates do not.
  const [w, b, targets] = tf.tidy(() => [
    tf.variable(tf.tensor2d(h0.w, [dim, ep.way])),
    tf.variable(tf.tensor1d(h0.b)),
    supportTargets(ep),
  ]) as [tf.Variable, tf.Variable, tf.Tensor2D];
  const optimizer = tf.train.adam(settings.lr, 0.9, 0.999, ADAM_EPSILON);
  const vars = [...(encoder.trainable ? encoder.variables() : []), w, b];
  // Each step's loss stays on the device until the end: a read-back per step would stall the queue.
  const lossTensors: tf.Scalar[] = [];
  try {
    for (let s = 0; s < settings.steps; s++) {
      const cost = optimizer.minimize(
        () => lossOf(ep, tf.add(tf.matMul(encoder.forwardTrain(a.support), w), b) as tf.Tensor2D, targets),
        true,
        vars,
      ) as tf.Scalar;
      lossTensors.push(cost);
      if (s % 10 === 9) await a.checkpoint();
    }
    const losses = (await Promise.all(lossTensors.map((t) => t.data()))).map((v) => v[0] as number);
    const embedder = await encoder.embedder();
    let logits: Float32Array;
    try {
      const z = tf.tidy(() => tf.add(tf.matMul(embedder.embed(a.query), w), b));
      logits = (await z.data()) as Float32Array;
      z.dispose();
    } finally {
      embedder.dispose();
    }
    const out = emptyScores(block);
    writeEpisode(out, block, ep, 0, Float64Array.from(logits));
    return { out, losses };
  } finally {
    tf.dispose(lossTensors.splice(0));
    optimizer.dispose();
    tf.dispose([w, b, targets]);
  }
}
