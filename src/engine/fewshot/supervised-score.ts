import * as tf from '@tensorflow/tfjs';
import type { SplitScores, SupervisedTask } from '../../core/training/split-score';
import type { EngineContext } from './cell';
import { embedStream } from './embed';
import type { Embedder } from './encoders/types';
import { embedChunk } from './limits';

/**
 * The supervised rows' classifier (encoder + a task's linear head) on a whole split, as probabilities:
 * softmax over the task's classes (binary as two), a sigmoid per label for multilabel. What their
 * validation and the upper bound's test score read (scored by src/core/training/split-score.ts).
 */

/** Probabilities of the images `indices` of the task's dataset through `embedder` and the head (w, b). */
export async function splitScores(
  ctx: EngineContext,
  task: SupervisedTask,
  indices: Uint32Array,
  embedder: Embedder,
  head: { w: tf.Tensor; b: tf.Tensor },
  input: { inputSize: number; channels: 1 | 3; dimCost: Parameters<typeof embedChunk>[0] },
): Promise<SplitScores> {
  const chunk = embedChunk(input.dimCost, ctx.env, 100);
  const { embeddings } = await embedStream(ctx.source, task.datasetId, indices, embedder, {
    inputSize: input.inputSize,
    channels: input.channels,
    chunk,
    check: ctx.check,
    checkpoint: ctx.checkpoint,
  });
  const multilabel = task.target === 'MULTILABEL_CLASSIFICATION';
  const pr = tf.tidy(() => {
    const z = tf.add(tf.matMul(embeddings, head.w as tf.Tensor2D), head.b) as tf.Tensor2D;
    return multilabel ? tf.sigmoid(z) : tf.softmax(z);
  });
  embeddings.dispose();
  const probs = (await pr.data()) as Float32Array;
  pr.dispose();
  const n = indices.length;
  const C = task.classes;
  const targets = multilabel ? new Uint8Array(n * C) : new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = indices[r] as number;
    if (multilabel) for (let c = 0; c < C; c++) targets[r * C + c] = task.labels[i * C + c] as number;
    else targets[r] = task.labels[i] as number;
  }
  return { probs, targets, n };
}
