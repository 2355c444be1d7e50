import * as tf from '@tensorflow/tfjs';
import { WEIGHTS_FORMAT, type Encoder, type EncoderConfig, type EncoderCost } from './types';

type PixelsConfig = Extract<EncoderConfig, { name: 'pixels' }>;

/** Pool window k = round(inputSize / grid): 84 -> 4 (21x21), 112 -> 5 (22x22), 224 -> 11 (20x20) for grid 21. */
function pool(c: PixelsConfig): { k: number; side: number } {
  const grid = c.grid ?? 21;
  if (!Number.isInteger(grid) || grid < 1 || grid > c.inputSize)
    throw new Error(`pixels: grid must be an integer in [1, ${c.inputSize}], got ${grid}`);
  const k = Math.max(1, Math.round(c.inputSize / grid));
  return { k, side: Math.floor(c.inputSize / k) };
}

export function pixelsCost(c: PixelsConfig): EncoderCost {
  const { side } = pool(c);
  const n = c.inputSize * c.inputSize * c.channels;
  return { dim: side * side * c.channels, peakActivation: n, peakIm2col: n, flops: n, parameters: 0 };
}

/**
 * The no-learning baseline: the preprocessed image average-pooled over k x k windows (area averaging,
 * no aliasing) and flattened. ProtoNet on these is nearest-class-mean on a thumbnail.
 */
export function createPixels(config: PixelsConfig): Encoder {
  const { k } = pool(config);
  const cost = pixelsCost(config);
  const embed = (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => tf.reshape(k > 1 ? tf.avgPool(x, k, k, 'valid') : x, [x.shape[0], cost.dim]));
  return {
    config,
    cost,
    trainable: false,
    forwardTrain: embed,
    embedder: async () => ({ embed, dispose: () => undefined }),
    variables: () => [],
    variableNames: () => [],
    getWeights: async () => ({ format: WEIGHTS_FORMAT, version: 1, config: structuredClone(config), tensors: [] }),
    setWeights: (w) => {
      if (w.tensors.length > 0) throw new Error('pixels: this encoder has no weights');
    },
    dispose: () => undefined,
  };
}
