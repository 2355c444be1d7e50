import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FINETUNE, type FinetuneSettings } from '../../core/config/types';
import type { Episode } from '../../core/sampling';
import type { EngineContext } from './cell';
import { createEncoder } from './encoders/registry';
import type { EncoderConfig, EncoderWeights } from './encoders/types';
import { finetuneEpisode } from './evaluators/finetune';
import { loadBatch } from './load-batch';
import { episodeOutcome, type EpisodeOutcome } from './metrics';
import { packEpisodes } from './pack';

export interface FinetunePathResult {
  outcomes: EpisodeOutcome[];
  /** Each episode's loss before every step. */
  losses: number[][];
  loadMs: number;
  episodesMs: number;
  dim: number;
}

/** The untrained baseline is Conv-4 frozen at its seeded init; fine-tuning trains that same init. */
function trainableConfig(c: EncoderConfig): EncoderConfig {
  return c.name === 'conv4-untrained' ? { ...c, name: 'conv4' } : c;
}

/**
 * The fine-tune path of a cell: no embedding cache (the encoder changes per episode); each episode's
 * support and query pixels are loaded, the encoder reset to its start weights and fine-tuned with a
 * new head (evaluators/finetune.ts), and the query scored.
 */
export async function runFinetunePath(
  ctx: EngineContext,
  req: {
    datasetId: string;
    encoder: EncoderConfig;
    weights?: EncoderWeights;
    finetune?: FinetuneSettings;
    seed: number;
  },
  episodes: readonly Episode[],
  onEpisode: (done: number) => void,
): Promise<FinetunePathResult> {
  const encoder = createEncoder(trainableConfig(req.encoder));
  const settings = req.finetune ?? DEFAULT_FINETUNE;
  const outcomes: EpisodeOutcome[] = [];
  const losses: number[][] = [];
  let loadMs = 0;
  let episodesMs = 0;
  try {
    if (req.weights) encoder.setWeights(req.weights);
    const start = encoder.trainable ? await encoder.getWeights() : undefined;
    const { inputSize, channels } = encoder.config;
    for (const ep of episodes) {
      const t0 = performance.now();
      const idx = Uint32Array.from([...ep.support, ...ep.query], (x) => x.image);
      const x = await loadBatch(ctx, req.datasetId, idx, inputSize, channels);
      const [support, query] = tf.split(x, [ep.support.length, ep.query.length]) as [tf.Tensor4D, tf.Tensor4D];
      x.dispose();
      const t1 = performance.now();
      loadMs += t1 - t0;
      try {
        const block = packEpisodes([ep], () => 0);
        const r = await finetuneEpisode(
          {
            encoder,
            start,
            ep,
            support,
            query,
            settings,
            headSeed: (req.seed ^ ep.index) >>> 0,
            checkpoint: ctx.checkpoint,
          },
          block,
        );
        outcomes.push(episodeOutcome(ep, 0, block, r.out));
        losses.push(r.losses);
      } finally {
        tf.dispose([support, query]);
      }
      await ctx.checkpoint();
      episodesMs += performance.now() - t1;
      onEpisode(outcomes.length);
    }
    return { outcomes, losses, loadMs, episodesMs, dim: encoder.cost.dim };
  } finally {
    encoder.dispose();
  }
}
