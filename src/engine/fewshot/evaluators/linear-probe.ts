import * as tf from '@tensorflow/tfjs';
import type { Episode } from '../../../core/sampling';
import { DEFAULT_PROBE_C, solveLinearProbe } from '../../../core/stats/linear-probe';
import type { PackedBlock } from '../pack';
import { emptyScores, writeEpisode } from './scores';
import type { BlockEvaluator } from './types';

/** Rows of a matrix (tf.gatherND copies whole rows; see protonet.ts). */
function gatherRows(m: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  return tf.gatherND(m, tf.tensor2d(rows, [rows.length, 1], 'int32')) as tf.Tensor2D;
}

/**
 * Per episode, the support Gram [E, S, S] and query-support products [E, Q, S] of the embeddings centred
 * on the episode's support mean: the bias is not penalised, so centring leaves the solution unchanged,
 * and it keeps float32 from cancelling (post-ReLU embeddings sit far from the origin). One read-back.
 */
async function grams(embeddings: tf.Tensor2D, block: PackedBlock, episodes: readonly Episode[]) {
  const { episodes: E, support: S, query: Q } = block;
  const D = embeddings.shape[1];
  const mask = new Float32Array(E * S);
  episodes.forEach((ep, e) => mask.fill(1 / ep.support.length, e * S, e * S + ep.support.length));
  const [g, x] = tf.tidy(() => {
    const sup = tf.reshape(gatherRows(embeddings, block.supportRows), [E, S, D]);
    const centre = tf.sum(tf.mul(sup, tf.tensor3d(mask, [E, S, 1])), 1, true);
    const s = tf.sub(sup, centre);
    const q = tf.sub(tf.reshape(gatherRows(embeddings, block.queryRows), [E, Q, D]), centre);
    return [tf.matMul(s, s, false, true), tf.matMul(q, s, false, true)];
  });
  try {
    const [gram, cross] = await Promise.all([g.data(), x.data()]);
    return { gram: gram as Float32Array, cross: cross as Float32Array };
  } finally {
    tf.dispose([g, x]);
  }
}

/** Top-left rows x cols of a row-major [.., ld] slab starting at `offset`, in float64. */
function slab(src: Float32Array, offset: number, ld: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = src[offset + i * ld + j] as number;
  return out;
}

/** One episode's labels as the solver takes them: class positions, or n x L 0/1 targets. */
function supportLabels(ep: Episode): number[] {
  if (ep.kind === 'single') return ep.support.map((s) => s.label);
  return ep.support.flatMap((s) => Array.from(s.targets.subarray(0, ep.way)));
}

/**
 * Linear probe: the encoder frozen, an L2-regularised logistic-regression head (softmax over the classes;
 * multilabel: one sigmoid per label) fit exactly, in float64, on each episode's support embeddings
 * (src/core/stats/linear-probe.ts: scikit-learn's objective with C = 1). The device computes the Gram
 * matrices; the small solves run on the CPU.
 */
export const linearProbe: BlockEvaluator = {
  name: 'linear-probe',
  evaluate: async (embeddings, block, episodes) => {
    const { gram, cross } = await grams(embeddings, block, episodes);
    const S = block.support;
    const out = emptyScores(block);
    episodes.forEach((ep, e) => {
      const n = ep.support.length;
      const m = ep.query.length;
      const sol = solveLinearProbe({
        gram: slab(gram, e * S * S, S, n, n),
        n,
        cross: slab(cross, e * block.query * S, S, m, n),
        m,
        kind: ep.kind,
        labels: supportLabels(ep),
        classes: ep.way,
        c: DEFAULT_PROBE_C,
      });
      writeEpisode(out, block, ep, e, sol.logits);
    });
    return out;
  },
};
