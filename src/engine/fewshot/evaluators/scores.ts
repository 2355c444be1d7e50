import type { Episode } from '../../../core/sampling';
import type { PackedBlock } from '../pack';
import type { BlockScores } from './types';

/** Zeroed outputs in the block's padded layout (BlockScores). */
export function emptyScores(block: PackedBlock): BlockScores {
  const cols = block.kind === 'single' ? block.protos : block.protos / 2;
  const size = block.episodes * block.query * cols;
  return {
    scores: new Float32Array(size),
    preds: new Int32Array(block.kind === 'single' ? block.episodes * block.query : size),
    rank: new Float32Array(size),
  };
}

/**
 * Writes episode `e`'s query logits (m x way, float64: a linear head's) into the padded outputs: softmax and
 * argmax (first maximum) for single-label, sigmoid and log-odds > 0 per label for multilabel.
 */
export function writeEpisode(out: BlockScores, block: PackedBlock, ep: Episode, e: number, logits: Float64Array): void {
  const w = ep.way;
  const cols = ep.kind === 'single' ? block.protos : block.protos / 2;
  for (let i = 0; i < ep.query.length; i++) {
    const row = (e * block.query + i) * cols;
    const z = logits.subarray(i * w, (i + 1) * w);
    if (ep.kind === 'single') {
      let best = 0;
      const max = Math.max(...z);
      let sum = 0;
      for (let c = 0; c < w; c++) sum += Math.exp((z[c] as number) - max);
      for (let c = 0; c < w; c++) {
        out.rank[row + c] = z[c] as number;
        out.scores[row + c] = Math.exp((z[c] as number) - max) / sum;
        if ((z[c] as number) > (z[best] as number)) best = c;
      }
      out.preds[e * block.query + i] = best;
    } else {
      for (let c = 0; c < w; c++) {
        out.rank[row + c] = z[c] as number;
        out.scores[row + c] = 1 / (1 + Math.exp(-(z[c] as number)));
        out.preds[row + c] = (z[c] as number) > 0 ? 1 : 0;
      }
    }
  }
}
