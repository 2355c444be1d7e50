import * as tf from '@tensorflow/tfjs';
import type { PackedBlock } from './pack';

/** What one block evaluation leaves on the device (read back once per block). */
export interface BlockOutput {
  /**
   * Single-label: [E, Qmax, Pmax] softmax over negative squared distances (padded classes get 0).
   * Multilabel: [E, Qmax, L] probability of the positive side, sigmoid(d_neg - d_pos).
   */
  scores: tf.Tensor3D;
  /** Single-label: [E, Qmax] argmax class; multilabel: [E, Qmax, L] 1 where d_pos < d_neg. int32. */
  predictions: tf.Tensor;
  /**
   * What AUROC ranks, in the shape of `scores`: the logits (single-label; metrics.ts takes their log-odds
   * in float64) or d_neg - d_pos (multilabel: the log-odds already). With far-apart prototypes most query
   * rows have a float32 probability of exactly 1, and XNNPACK's softmax (wasm) flushes subnormal ones to 0,
   * so AUROC on probabilities tied them, and depended on the backend (bench/reference/README.md).
   */
  rank: tf.Tensor3D;
}

/** A block's outputs read back (one await for all three) and disposed. */
export async function readBlock(
  out: BlockOutput,
): Promise<{ scores: Float32Array; preds: Int32Array; rank: Float32Array }> {
  try {
    const [scores, preds, rank] = await Promise.all([out.scores.data(), out.predictions.data(), out.rank.data()]);
    return { scores: scores as Float32Array, preds: preds as Int32Array, rank: rank as Float32Array };
  } finally {
    tf.dispose([out.scores, out.predictions, out.rank]);
  }
}

/**
 * Rows of a matrix. tf.gatherND with [n, 1] indices copies whole rows; tf.gather on wasm moves element by
 * element and was 12x slower (435 vs 34 ms for 7500 rows of 1600).
 */
function gatherRows(m: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  return tf.gatherND(m, tf.tensor2d(rows, [rows.length, 1], 'int32')) as tf.Tensor2D;
}

/** Added to the logits of padded classes: exp of it underflows to exactly 0 after the max shift. */
const MASKED = -1e30;

/**
 * ProtoNet on a block of episodes, all on the device. `embeddings`: [U, D], rows addressed by the block.
 *
 * Prototypes are class means (sum over members / count). Squared distances use
 * |q - c|^2 + |p - c|^2 - 2 (q - c).(p - c) with c the mean of the episode's prototypes: distances do not
 * change under a shift, and centring keeps the expansion's cancellation small (post-ReLU embeddings are
 * all positive, far from the origin). Clamped at 0.
 */
export function protonetBlock(embeddings: tf.Tensor2D, block: PackedBlock): BlockOutput {
  const { episodes: E, protos: P, support: S, query: Q } = block;
  const D = embeddings.shape[1];
  return tf.tidy(() => {
    const sup = tf.reshape(gatherRows(embeddings, block.supportRows), [E, S, D]);
    const sums = tf.matMul(tf.tensor3d(block.membership, [E, P, S]), sup);
    const protos = tf.div(sums, tf.tensor3d(block.counts, [E, P, 1]));
    const valid = tf.tensor3d(block.valid, [E, P, 1]);
    const centre = tf.div(tf.sum(tf.mul(protos, valid), 1, true), tf.sum(valid, 1, true));
    const p = tf.sub(protos, centre);
    const q = tf.sub(tf.reshape(gatherRows(embeddings, block.queryRows), [E, Q, D]), centre);
    const qq = tf.sum(tf.square(q), -1, true);
    const pp = tf.reshape(tf.sum(tf.square(p), -1), [E, 1, P]);
    const d = tf.relu(tf.sub(tf.add(qq, pp), tf.mul(tf.matMul(q, p, false, true), 2))) as tf.Tensor3D;
    if (block.kind === 'single') {
      const mask = tf.mul(tf.sub(1, tf.reshape(valid, [E, 1, P])), MASKED);
      const logits = tf.add(tf.neg(d), mask);
      return {
        scores: tf.softmax(logits) as tf.Tensor3D,
        predictions: tf.argMax(logits, -1),
        rank: logits as tf.Tensor3D,
      };
    }
    const pairs = tf.reshape(d, [E, Q, P / 2, 2]);
    const [dNeg, dPos] = tf.unstack(pairs, 3) as [tf.Tensor3D, tf.Tensor3D];
    const x = tf.sub(dNeg, dPos);
    return {
      scores: tf.sigmoid(x) as tf.Tensor3D,
      predictions: tf.cast(tf.greater(x, 0), 'int32'),
      rank: tf.clone(x) as tf.Tensor3D,
    };
  });
}
