import type * as tf from '@tensorflow/tfjs';
import { preprocess, uploadPixels } from '../device-input';
import type { EngineContext } from './cell';

/** Pixels of `indices` (episode order) as one preprocessed batch [n, S, S, C]. */
export async function loadBatch(
  ctx: EngineContext,
  datasetId: string,
  indices: Uint32Array,
  size: number,
  channels: 1 | 3,
): Promise<tf.Tensor4D> {
  const ds = await ctx.source.getDataset(datasetId);
  const sid = await ctx.source.openStream(datasetId, indices, indices.length, 1);
  try {
    const b = await ctx.source.nextBatch(sid);
    if (!b || b.indices.length !== indices.length)
      throw new Error(`loadBatch: ${datasetId} returned ${b?.indices.length ?? 0} of ${indices.length} images`);
    const raw = uploadPixels(b.pixels, indices.length, ds.height, ds.width, ds.channels);
    const x = preprocess(raw, { channels, size });
    raw.dispose();
    return x;
  } finally {
    await ctx.source.closeStream(sid);
  }
}
