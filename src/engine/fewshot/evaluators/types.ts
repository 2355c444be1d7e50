import type * as tf from '@tensorflow/tfjs';
import type { MethodChoice } from '../../../core/config/types';
import type { Episode } from '../../../core/sampling';
import type { PackedBlock } from '../pack';

/**
 * A block's outputs on the CPU, in ProtoNet's padded layout (protonet.ts, BlockOutput), which
 * `episodeOutcome` (metrics.ts) cuts and scores: single-label [E, Qmax, Pmax] class probabilities, [E, Qmax]
 * predicted classes and [E, Qmax, Pmax] logits; multilabel [E, Qmax, Pmax/2] positive-side probabilities,
 * 0/1 decisions and log-odds.
 */
export interface BlockScores {
  scores: Float32Array;
  preds: Int32Array;
  rank: Float32Array;
}

/**
 * An evaluation method on frozen embeddings: every episode of a block adapted to its support set and
 * scored on its query set, from the rows of `embeddings` ([U, D]) the block addresses. Methods see the
 * same packed episodes, so their cells are paired.
 */
export interface BlockEvaluator {
  readonly name: MethodChoice;
  evaluate(embeddings: tf.Tensor2D, block: PackedBlock, episodes: readonly Episode[]): Promise<BlockScores>;
}
