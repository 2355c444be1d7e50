import { protonetBlock, readBlock } from '../protonet';
import type { BlockEvaluator } from './types';

/** ProtoNet (Snell et al. 2017): class means of the support embeddings, softmax over negative squared distances. */
export const protonet: BlockEvaluator = {
  name: 'protonet',
  evaluate: async (embeddings, block) => {
    const out = await readBlock(protonetBlock(embeddings, block));
    return { scores: out.scores, preds: out.preds, rank: out.rank };
  },
};
