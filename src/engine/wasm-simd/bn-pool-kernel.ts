import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runByChannelGroups, simdKernels, simdKernelsReady, type SimdKernels } from './instance';

/**
 * Train-mode BatchNorm (batch statistics, biased variance), 2x2 max-pool (stride 2, floor) and ReLU of a
 * conv output y [B, H, W, C] on wasm, by the fused kernels in assembly/bn-pool.ts: the forward reads y three
 * times (mean, centred variance, normalise + pool), the backward twice; tfjs ops took ~20 passes. Same maths
 * as batchnorm-train.ts + maxpool-step.ts + ReLU, with N = B H W, rstd = 1 / sqrt(var + eps), a = gamma rstd:
 *   z = (y - mean) a + beta, pooled = 2x2 max of z, out = max(pooled, 0)
 *   dz = dOut [pooled > 0] at the window's first position equal to its maximum (row-major, as MaxPoolGrad), else 0
 *   dbeta = sum dz, dgamma = rstd sum dz (y - mean), dy = a dz - a rstd dgamma / N (y - mean) - a dbeta / N
 */

const FORWARD = 'PBBnPoolReluWasm';
const BACKWARD = 'PBBnPoolReluGradWasm';

/** Whether the backend is wasm, our kernels run, and they take C (16-channel groups). */
export function wasmBnPoolReady(c: number): boolean {
  return c % 16 === 0 && simdKernelsReady();
}

/** a = gamma / sqrt(var + eps) in float32, as both passes must compute it bit for bit. */
function scaleOf(
  variance: Float32Array,
  gamma: Float32Array,
  eps: number,
): { scale: Float32Array; rstd: Float32Array } {
  const C = variance.length;
  const rstd = new Float32Array(C);
  const scale = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    rstd[c] = 1 / Math.sqrt((variance[c] as number) + eps);
    scale[c] = (gamma[c] as number) * (rstd[c] as number);
  }
  return { scale, rstd };
}

/** Scratch in tfjs-wasm's heap: acc f32 [2C], sums f64 [2C], vec f32 [6C]; freed by release(). */
class Scratch {
  readonly base: number;
  constructor(
    private readonly backend: BackendWasm,
    readonly C: number,
  ) {
    this.base = (backend.wasm._malloc(48 * C + 16) >>> 0) as number;
  }
  get acc(): number {
    return (this.base + 15) & ~15;
  }
  get sums(): number {
    return this.acc + 8 * this.C;
  }
  get vec(): number {
    return this.sums + 16 * this.C;
  }
  /** Views made now: heap growth (any allocation) detaches older ones. */
  f32(at: number, n: number, k: SimdKernels): Float32Array {
    return new Float32Array(k.memory.buffer, at, n);
  }
  zeroSums(k: SimdKernels): void {
    new Uint8Array(k.memory.buffer, this.acc, 24 * this.C).fill(0);
  }
  /** vec = [mean, scale, beta, ...]: the BatchNorm affine every pass recomputes z with. */
  writeAffine(k: SimdKernels, mean: Float32Array, scale: Float32Array, beta: Float32Array): void {
    const vec = this.f32(this.vec, 3 * this.C, k);
    vec.set(mean, 0);
    vec.set(scale, this.C);
    vec.set(beta, 2 * this.C);
  }
  readSums(k: SimdKernels, half: number): Float64Array {
    return new Float64Array(k.memory.buffer, this.sums + 8 * this.C * half, this.C).slice();
  }
  release(): void {
    this.backend.wasm._free(this.base);
  }
}

type Infos = Record<string, tf.TensorInfo>;

function read(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function forward(args: { inputs: Infos; backend: BackendWasm; attrs: { eps: number } }): tf.TensorInfo[] {
  const { y, gamma, beta } = args.inputs as { y: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const backend = args.backend;
  const [B, H, W, C] = y.shape as [number, number, number, number];
  const k = simdKernels(backend);
  const P = B * H * W;
  const h = H >> 1;
  const w = W >> 1;
  const out = backend.makeOutput([B, h, w, C], 'float32');
  const pooled = backend.makeOutput([B, h, w, C], 'float32');
  const mean = backend.makeOutput([C], 'float32');
  const variance = backend.makeOutput([C], 'float32');
  const s = new Scratch(backend, C);
  try {
    const yo = backend.getMemoryOffset(y.dataId);
    // Mean (shift 0), then the centred sum of squares: two reads, no cancellation.
    s.zeroSums(k);
    s.f32(s.vec, C, k).fill(0);
    runByChannelGroups(k, 'channelSums', C, (c0, c1) => [yo, s.vec, s.acc, s.sums, P, W, C, c0, c1, 0]);
    const m = read(backend, mean);
    s.readSums(k, 0).forEach((v, c) => (m[c] = v / P));
    s.zeroSums(k);
    s.f32(s.vec, C, k).set(m);
    runByChannelGroups(k, 'channelSums', C, (c0, c1) => [yo, s.vec, s.acc, s.sums, P, W, C, c0, c1, 1]);
    const v = read(backend, variance);
    s.readSums(k, 0).forEach((x, c) => (v[c] = x / P));
    s.writeAffine(k, m, scaleOf(v, read(backend, gamma), args.attrs.eps).scale, read(backend, beta));
    const po = backend.getMemoryOffset(pooled.dataId);
    const oo = backend.getMemoryOffset(out.dataId);
    runByChannelGroups(k, 'bnPoolRelu', C, (c0, c1) => [yo, s.vec, po, oo, B, H, W, C, c0, c1]);
  } finally {
    s.release();
  }
  return [out, pooled, mean, variance];
}

function backward(args: { inputs: Infos; backend: BackendWasm; attrs: { eps: number } }): tf.TensorInfo[] {
  const { y, pooled, dOut, gamma, beta, mean, variance } = args.inputs as Record<
    'y' | 'pooled' | 'dOut' | 'gamma' | 'beta' | 'mean' | 'variance',
    tf.TensorInfo
  >;
  const backend = args.backend;
  const [B, H, W, C] = y.shape as [number, number, number, number];
  const N = B * H * W;
  const k = simdKernels(backend);
  const dy = backend.makeOutput([B, H, W, C], 'float32');
  const dgamma = backend.makeOutput([C], 'float32');
  const dbeta = backend.makeOutput([C], 'float32');
  const s = new Scratch(backend, C);
  try {
    const { scale, rstd } = scaleOf(read(backend, variance), read(backend, gamma), args.attrs.eps);
    s.writeAffine(k, read(backend, mean), scale, read(backend, beta));
    s.zeroSums(k);
    const yo = backend.getMemoryOffset(y.dataId);
    const po = backend.getMemoryOffset(pooled.dataId);
    const go = backend.getMemoryOffset(dOut.dataId);
    runByChannelGroups(k, 'bnPoolReluGradSums', C, (c0, c1) => [yo, s.vec, po, go, s.acc, s.sums, B, H, W, C, c0, c1]);
    const sumDz = s.readSums(k, 0);
    const sumDzXc = s.readSums(k, 1);
    const db = read(backend, dbeta);
    const dg = read(backend, dgamma);
    const v = s.f32(s.vec, 6 * C, k);
    for (let c = 0; c < C; c++) {
      db[c] = sumDz[c] as number;
      dg[c] = (sumDzXc[c] as number) * (rstd[c] as number);
      const a = scale[c] as number;
      v[3 * C + c] = a;
      v[4 * C + c] = (-a * (rstd[c] as number) * (dg[c] as number)) / N;
      v[5 * C + c] = (-a * (db[c] as number)) / N;
    }
    runByChannelGroups(k, 'bnPoolReluGrad', C, (c0, c1) => [
      yo,
      s.vec,
      po,
      go,
      backend.getMemoryOffset(dy.dataId),
      B,
      H,
      W,
      C,
      c0,
      c1,
    ]);
  } finally {
    s.release();
  }
  return [dy, dgamma, dbeta];
}

function register(): void {
  if (tf.getKernel(FORWARD, 'wasm')) return;
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc });
}

/**
 * relu(maxPool2(batchNorm_train(y))) with its gradient for y, gamma and beta; onStats(mean, variance) gets the
 * batch statistics ([C], biased variance) for the running averages. Check wasmBnPoolReady(C) first.
 */
export function bnReluPoolTrainWasm(
  y: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  register();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [yi, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const attrs = { eps } as unknown as tf.NamedAttrMap;
    const [out, pooled, mean, variance] = tf
      .engine()
      .runKernel(FORWARD, { y: yi, gamma: g, beta: b }, attrs) as tf.Tensor[];
    onStats(mean as tf.Tensor1D, variance as tf.Tensor1D);
    save([yi, pooled as tf.Tensor, g, b, mean as tf.Tensor, variance as tf.Tensor]);
    return {
      value: out as tf.Tensor4D,
      gradFunc: (dOut: tf.Tensor, saved: tf.Tensor[]) => {
        const [sy, sp, sg, sb, sm, sv] = saved as tf.Tensor[];
        const inputs = { y: sy!, pooled: sp!, dOut, gamma: sg!, beta: sb!, mean: sm!, variance: sv! };
        return tf.engine().runKernel(BACKWARD, inputs, attrs) as tf.Tensor[];
      },
    };
  });
  return op(y, gamma, beta) as tf.Tensor4D;
}
