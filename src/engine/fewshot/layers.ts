import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from './batchnorm-train';
import { conv2dSame, conv2dSameNative, conv2dSameNoInputGrad } from './conv-grad';
import { maxPool2TrainStep } from './maxpool-step';
import { bnReluPoolTrainWasm, wasmBnPoolReady } from '../wasm-simd/bn-pool-kernel';
import { heUniform, type ParamStore } from './params';

/** PyTorch's BatchNorm2d defaults. */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/** Names of a conv + BatchNorm unit's variables under `prefix`. */
export interface ConvBnNames {
  w: string;
  gamma: string;
  beta: string;
  mean: string;
  variance: string;
}

/**
 * Register a k x k convolution without bias (BatchNorm's shift makes a bias redundant) and its BatchNorm:
 * W [k, k, cin, cout] He-uniform from the seed, gamma 1, beta 0, running mean 0, running variance 1.
 */
export function addConvBn(
  store: ParamStore,
  seed: number,
  prefix: string,
  k: number,
  cin: number,
  cout: number,
): ConvBnNames {
  const n: ConvBnNames = {
    w: `${prefix}.conv.weight`,
    gamma: `${prefix}.bn.weight`,
    beta: `${prefix}.bn.bias`,
    mean: `${prefix}.bn.running_mean`,
    variance: `${prefix}.bn.running_var`,
  };
  store.add(n.w, [k, k, cin, cout], heUniform(seed, n.w, k * k * cin * cout, k * k * cin));
  store.add(n.gamma, [cout], new Float32Array(cout).fill(1));
  store.add(n.beta, [cout], new Float32Array(cout));
  store.add(n.mean, [cout], new Float32Array(cout), false);
  store.add(n.variance, [cout], new Float32Array(cout).fill(1), false);
  return n;
}

/**
 * Train mode: convolution, then BatchNorm with this batch's statistics (biased variance, as PyTorch), and
 * the running statistics moved towards them (unbiased variance, momentum 0.1): a side effect inside the
 * gradient tape that takes no part in the loss.
 *
 * Fast path: the custom-gradient convolution and BatchNorm (conv-grad.ts, batchnorm-train.ts). With
 * `reference`, tfjs's own ops and gradients throughout (gradient checks on backends that have them all).
 * `isInput`: x is the encoder's input, whose gradient nobody needs (saves a convolution per step).
 */
export function convBnTrain(
  store: ParamStore,
  n: ConvBnNames,
  x: tf.Tensor4D,
  reference = false,
  isInput = false,
): tf.Tensor4D {
  const y = convTrain(store, n, x, reference, isInput);
  const gamma = store.get(n.gamma) as tf.Tensor1D;
  const beta = store.get(n.beta) as tf.Tensor1D;
  const update = runningStatsUpdate(store, n, y.shape[0] * y.shape[1] * y.shape[2]);
  if (!reference) return batchNormTrain(y, gamma, beta, BN_EPS, update);
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  update(mean as tf.Tensor1D, variance as tf.Tensor1D);
  return tf.batchNorm4d(y, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, BN_EPS);
}

function convTrain(
  store: ParamStore,
  n: ConvBnNames,
  x: tf.Tensor4D,
  reference: boolean,
  isInput: boolean,
): tf.Tensor4D {
  const conv = reference ? conv2dSameNative : isInput ? conv2dSameNoInputGrad : conv2dSame;
  return conv(x, store.get(n.w) as tf.Tensor4D);
}

/** Moves the running statistics towards a batch's (unbiased variance over `count` values, momentum 0.1). */
function runningStatsUpdate(
  store: ParamStore,
  n: ConvBnNames,
  count: number,
): (mean: tf.Tensor1D, variance: tf.Tensor1D) => void {
  return (mean, variance) => {
    const runMean = store.get(n.mean);
    const runVar = store.get(n.variance);
    runMean.assign(tf.add(tf.mul(runMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
    runVar.assign(tf.add(tf.mul(runVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  };
}

/**
 * Train mode, a Conv-4 block: convolution, BatchNorm, ReLU, 2x2 max-pool. On wasm with 16k channels, one
 * fused BatchNorm-pool-ReLU kernel (wasm-simd/bn-pool-kernel.ts); elsewhere convBnTrain then actPoolTrain.
 */
export function convBnReluPoolTrain(
  store: ParamStore,
  n: ConvBnNames,
  x: tf.Tensor4D,
  reference = false,
  isInput = false,
): tf.Tensor4D {
  const cout = (store.get(n.w) as tf.Tensor4D).shape[3];
  if (reference || !wasmBnPoolReady(cout))
    return actPoolTrain(convBnTrain(store, n, x, reference, isInput), (t) => tf.relu(t), reference);
  const y = convTrain(store, n, x, false, isInput);
  const update = runningStatsUpdate(store, n, y.shape[0] * y.shape[1] * y.shape[2]);
  return bnReluPoolTrainWasm(y, store.get(n.gamma) as tf.Tensor1D, store.get(n.beta) as tf.Tensor1D, BN_EPS, update);
}

/**
 * Train mode: activation and 2x2 max-pool. Both activations are monotonic, so pooling first gives the same
 * values and runs the activation (and its gradient) on a quarter of the data. `reference`: activation
 * then tf.maxPool, with tfjs's gradients.
 */
export function actPoolTrain(x: tf.Tensor4D, act: (t: tf.Tensor4D) => tf.Tensor4D, reference = false): tf.Tensor4D {
  return reference ? tf.maxPool(act(x), 2, 2, 'valid') : act(maxPool2TrainStep(x));
}

/** A conv with BatchNorm folded in (eval mode): y = conv(x, w) + b. */
export interface FoldedConv {
  w: tf.Tensor4D;
  b: tf.Tensor1D;
}

/**
 * Fold eval-mode BatchNorm into the convolution, in float64 on the CPU so every backend gets the same
 * float32 weights: s = gamma / sqrt(var + eps), W' = W * s (per output channel), b' = beta - mean * s.
 */
export function foldConvBn(
  values: Map<string, Float32Array>,
  n: ConvBnNames,
  shape: [number, number, number, number],
): FoldedConv {
  const get = (name: string): Float32Array => {
    const v = values.get(name);
    if (!v) throw new Error(`foldConvBn: no values for "${name}"`);
    return v;
  };
  const w = get(n.w);
  const gamma = get(n.gamma);
  const beta = get(n.beta);
  const mean = get(n.mean);
  const variance = get(n.variance);
  const cout = shape[3];
  const s = new Float64Array(cout);
  const b = new Float32Array(cout);
  for (let c = 0; c < cout; c++) {
    s[c] = (gamma[c] as number) / Math.sqrt((variance[c] as number) + BN_EPS);
    b[c] = (beta[c] as number) - (mean[c] as number) * (s[c] as number);
  }
  const wf = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) wf[i] = (w[i] as number) * (s[i % cout] as number);
  return { w: tf.tensor4d(wf, shape), b: tf.tensor1d(b) };
}

export function disposeFolded(convs: readonly FoldedConv[]): void {
  for (const c of convs) {
    c.w.dispose();
    c.b.dispose();
  }
}

/** Run `f` on `x` and dispose `x` unless it is `keep` (eval passes free each activation as soon as it is used). */
export function step<T extends tf.Tensor, U extends tf.Tensor>(x: T, keep: tf.Tensor, f: (x: T) => U): U {
  const y = f(x);
  if (x !== keep) x.dispose();
  return y;
}
