import * as tf from '@tensorflow/tfjs';
import { addConvBn, convBnReluPoolTrain, disposeFolded, foldConvBn, step, type ConvBnNames } from '../layers';
import { convBiasReluPool, convPoolSupports, DEFAULT_TILING, type ConvPoolTiling } from '../../webgpu/conv-pool';
import { ParamStore } from '../params';
import { conv3x3BiasReluPoolWasm, wasmWinogradReady } from '../../wasm-simd/winograd-kernel';
import type { ConvPoolChoice, Embedder, Encoder, EncoderConfig, EncoderCost } from './types';

type Conv4Config = Extract<EncoderConfig, { name: 'conv4' | 'conv4-untrained' }>;

const BLOCKS = 4;

/** Side after each 2x2 max-pool (floor, as PyTorch's MaxPool2d(2)): 84 -> 42, 21, 10, 5. */
function sides(inputSize: number): number[] {
  const out: number[] = [];
  let s = inputSize;
  for (let b = 0; b < BLOCKS; b++) {
    s = Math.floor(s / 2);
    out.push(s);
  }
  return out;
}

export function conv4Cost(c: Conv4Config): EncoderCost {
  const width = c.width ?? 64;
  let s = c.inputSize;
  let cin: number = c.channels;
  let flops = 0;
  let peakIm2col = 0;
  let parameters = 0;
  for (let b = 0; b < BLOCKS; b++) {
    flops += 2 * s * s * 9 * cin * width;
    peakIm2col = Math.max(peakIm2col, s * s * 9 * cin);
    parameters += 9 * cin * width + 2 * width;
    s = Math.floor(s / 2);
    cin = width;
  }
  const last = sides(c.inputSize)[BLOCKS - 1] as number;
  return { dim: last * last * width, peakActivation: c.inputSize * c.inputSize * width, peakIm2col, flops, parameters };
}

/** The fused WebGPU block kernel's tiling, or null for tfjs's conv2d + maxPool (every other backend). */
function fusedTiling(choice: ConvPoolChoice): ConvPoolTiling | null {
  if (choice === 'tfjs' || tf.getBackend() !== 'webgpu') return null;
  return choice === 'auto' ? DEFAULT_TILING : choice;
}

/**
 * Conv-4 (Snell et al. 2017, after Vinyals et al. 2016): four blocks of [3x3 conv, `width` filters,
 * BatchNorm, ReLU, 2x2 max-pool], flattened. 84x84 input -> 5x5x64 = 1600 values, 224x224 -> 14x14x64.
 * Flattening is channels-last (H, W, C), tfjs's layout; PyTorch flattens (C, H, W): the same numbers in
 * another order, which distances do not see.
 */
export function createConv4(config: Conv4Config): Encoder {
  if (!(config.inputSize >= 16)) throw new Error(`conv4: inputSize must be at least 16, got ${config.inputSize}`);
  const width = config.width ?? 64;
  const store = new ParamStore(config);
  const units: ConvBnNames[] = [];
  for (let b = 0; b < BLOCKS; b++)
    units.push(addConvBn(store, config.seed, `block${b}`, 3, b === 0 ? config.channels : width, width));
  const cost = conv4Cost(config);

  return {
    config,
    cost,
    trainable: config.name === 'conv4',
    forwardTrain(x, opts = {}) {
      const ref = opts.reference;
      return tf.tidy(() => {
        let h = x;
        for (const n of units) h = convBnReluPoolTrain(store, n, h, ref, h === x);
        return tf.reshape(h, [x.shape[0], cost.dim]);
      });
    },
    async embedder(opts = {}): Promise<Embedder> {
      const values = await store.read();
      const folded = units.map((n, b) => foldConvBn(values, n, [3, 3, b === 0 ? config.channels : width, width]));
      const fused = fusedTiling(opts.convPool ?? 'auto');
      // wasm: our Winograd conv-bias-ReLU-pool kernel where it takes the channels (not the 3-channel input).
      const ownWasm = (opts.convPool ?? 'auto') !== 'tfjs' && tf.getBackend() === 'wasm';
      return {
        embed(x) {
          // No tidy: each activation is freed as soon as the next exists, so a batch of 100 at 224x224 peaks
          // at one conv output (1.28 GB; a quarter of it with the fused WebGPU kernel) instead of every
          // intermediate of the pass.
          let h: tf.Tensor4D = x;
          for (const f of folded) {
            if (fused && convPoolSupports(h.shape[1], h.shape[2], width)) {
              h = step(h, x, (t) => convBiasReluPool(t, f.w, f.b, fused));
              continue;
            }
            if (ownWasm && wasmWinogradReady(h.shape[3], width)) {
              h = step(h, x, (t) => conv3x3BiasReluPoolWasm(t, f.w, f.b));
              continue;
            }
            const y = step(h, x, (t) =>
              tf.fused.conv2d({ x: t, filter: f.w, strides: 1, pad: 'same', bias: f.b, activation: 'relu' }),
            );
            h = step(y, x, (t) => tf.maxPool(t, 2, 2, 'valid'));
          }
          return step(h, x, (t) => tf.reshape(t, [x.shape[0], cost.dim]));
        },
        dispose: () => disposeFolded(folded),
      };
    },
    variables: () => store.trainables(),
    variableNames: () => store.trainableNames(),
    getWeights: () => store.getWeights(),
    setWeights: (w) => store.setWeights(w),
    dispose: () => store.dispose(),
  };
}
