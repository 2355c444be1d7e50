import type * as tf from '@tensorflow/tfjs';

/**
 * What an encoder is, as plain data (it travels with results and weights). `inputSize` is the square side
 * images are resized to on the device (84, 112 or 224 in the UI); `channels` what the encoder reads (gray
 * images are replicated to RGB, RGB converted to luma by `preprocess`). `seed` fixes the initial weights.
 */
export type EncoderConfig =
  | {
      /** `conv4`: Snell et al.'s Conv-4, to be meta-trained; `conv4-untrained`: the same at its seeded init, frozen. */
      name: 'conv4' | 'conv4-untrained';
      inputSize: number;
      channels: 1 | 3;
      seed: number;
      /** Filters per block (64 in Snell et al.). */
      width?: number;
    }
  | {
      /** ResNet-12 as in MetaOptNet / FEAT, narrower by default (see resnet12.ts). */
      name: 'resnet12';
      inputSize: number;
      channels: 1 | 3;
      seed: number;
      /** Filters of the four residual blocks. */
      widths?: readonly number[];
    }
  | {
      /** Raw pixels, average-pooled to about `grid` x `grid` and flattened: the no-learning baseline. */
      name: 'pixels';
      inputSize: number;
      channels: 1 | 3;
      grid?: number;
    };

export type EncoderName = EncoderConfig['name'];

/** One variable as plain data: what `getWeights` gives and `setWeights` takes (structured-clonable). */
export interface WeightTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export const WEIGHTS_FORMAT = 'protobench/encoder-weights';

/** An encoder's state: its config and every variable (BatchNorm running statistics included). */
export interface EncoderWeights {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  config: EncoderConfig;
  tensors: WeightTensor[];
}

/**
 * How an embedder runs a Conv-4 block: `auto` (our fused conv-bias-ReLU-pool kernel where it applies: on
 * WebGPU src/engine/webgpu/conv-pool.ts, on wasm the Winograd kernel of wasm-simd/), `tfjs` (tfjs's conv2d and maxPool:
 * the reference), or an explicit WebGPU tiling (benchmarks).
 */
export type ConvPoolChoice = 'auto' | 'tfjs' | { pt: number; cpt: number };

export interface EmbedderOptions {
  convPool?: ConvPoolChoice;
}

/** Eval-mode forward pass with constant weights (BatchNorm folded into the convolutions). */
export interface Embedder {
  /** x: [B, S, S, C] floats in [0, 1], S = inputSize, C = channels -> [B, dim]. */
  embed(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** Sizes an encoder reports so callers can chunk batches and quote GFLOP/s. */
export interface EncoderCost {
  /** Embedding length for the configured input size. */
  dim: number;
  /** Floats of the largest activation one image produces (a conv output before pooling). */
  peakActivation: number;
  /** Floats of the largest im2col matrix per image (WebGL materialises it; wasm and WebGPU do not). */
  peakIm2col: number;
  /** 2 x multiply-adds of one image's forward pass (convolutions only). */
  flops: number;
  /** Trainable parameters. */
  parameters: number;
}

export interface Encoder {
  readonly config: EncoderConfig;
  readonly cost: EncoderCost;
  /** False for `pixels` and `conv4-untrained`: nothing to train, no weights to load. */
  readonly trainable: boolean;
  /**
   * Train-mode forward: BatchNorm normalises with the statistics of this batch and updates its running
   * statistics (momentum 0.1, as PyTorch). Convolution, BatchNorm and max-pool use hand-written
   * gradients that wasm runs fast (and at all: it has no Conv2DBackpropFilter); `reference` uses tfjs's
   * own ops and gradients instead (gradient checks on backends that have them all).
   * x: [B, S, S, C] -> [B, dim].
   */
  forwardTrain(x: tf.Tensor4D, opts?: { reference?: boolean }): tf.Tensor2D;
  /** A frozen eval-mode copy for embedding; reads the variables once (async). Dispose it. */
  embedder(opts?: EmbedderOptions): Promise<Embedder>;
  /** Trainable variables (for the optimizer). */
  variables(): tf.Variable[];
  /** Their names, in the same order (gradient reports). */
  variableNames(): string[];
  getWeights(): Promise<EncoderWeights>;
  /** Replace every variable; throws when the config, a name or a shape differs. */
  setWeights(w: EncoderWeights): void;
  dispose(): void;
}
