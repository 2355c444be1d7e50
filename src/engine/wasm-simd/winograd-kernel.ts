import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { partsFor, runByParts, simdKernels, simdKernelsReady, withHeapScratch } from './instance';

export const WINOGRAD_WASM = 'PBConv3x3WinogradWasm';

/**
 * Scratch per thread, in floats, for a block of tiles: V [16, BT, CI] and M [16, BT, CO] here, V and E in the
 * Winograd dW (filter-grad-kernel.ts); BT is chosen so that they stay within L2.
 */
export const BLOCK_FLOATS = 64 * 1024;

/**
 * Whether our Winograd kernels take these channel counts: CI % 4 == 0 (the input transform takes 4 channels a
 * time), CO % 16 == 0 (dW threads take 16-channel groups; the tiles take 8), CI >= 16 (a first layer's 3 colour
 * channels give products too short to gain) and CI CO <= 128 x 128: the transformed filter (forward) or sums
 * (dW), 64 CI CO bytes, must stay in L2 across blocks of tiles; wider layers (ResNet-12's later stages) keep
 * XNNPACK and the direct dW kernel.
 */
export function winogradTakes(cin: number, cout: number): boolean {
  return cin % 4 === 0 && cin >= 16 && cout % 16 === 0 && cin * cout <= 128 * 128;
}

/** Whether a 3x3 'same' convolution with these channel counts runs on our Winograd kernel here (wasm, relaxed SIMD). */
export function wasmWinogradReady(cin: number, cout: number): boolean {
  return winogradTakes(cin, cout) && simdKernelsReady();
}

function winogradWasm(args: {
  inputs: { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo };
  backend: BackendWasm;
  attrs: { pool: boolean };
}): tf.TensorInfo {
  const { x, filter, bias } = args.inputs;
  const { pool } = args.attrs;
  const backend = args.backend;
  const [N, H, W, CI] = x.shape as [number, number, number, number];
  const CO = filter.shape[3] as number;
  const k = simdKernels(backend);
  // Pooled: one tile per 2x2 window (floor); else ceil(H/2) x ceil(W/2) tiles, the last ones clipped.
  const [TH, TW] = pool ? [H >> 1, W >> 1] : [Math.ceil(H / 2), Math.ceil(W / 2)];
  const tiles = N * TH * TW;
  const BT = Math.max(6, 6 * Math.floor(BLOCK_FLOATS / (16 * (CI + CO)) / 6));
  const parts = partsFor(k, tiles);
  const perPart = 16 * BT * (CI + CO) * 4;
  const uBytes = 16 * CI * CO * 4;
  const out = backend.makeOutput(pool ? [N, TH, TW, CO] : [N, H, W, CO], 'float32');
  if (tiles === 0) return out;
  withHeapScratch(backend, uBytes + parts * perPart, (u) => {
    const xo = backend.getMemoryOffset(x.dataId);
    const yo = backend.getMemoryOffset(out.dataId);
    const bo = bias ? backend.getMemoryOffset(bias.dataId) : 0;
    k.exports.winogradWeights(backend.getMemoryOffset(filter.dataId), u, CI, CO);
    const s0 = u + uBytes;
    const p = pool ? 1 : 0;
    runByParts(
      k,
      'winogradConv3x3',
      tiles,
      (t0, t1, i) => [xo, u, yo, s0 + i * perPart, H, W, CI, CO, BT, t0, t1, p, bo],
      parts,
    );
  });
  return out;
}

function register(): void {
  if (tf.getKernel(WINOGRAD_WASM, 'wasm')) return;
  tf.registerKernel({
    kernelName: WINOGRAD_WASM,
    backendName: 'wasm',
    kernelFunc: winogradWasm as unknown as tf.KernelFunc,
  });
}

/**
 * conv2d(x, w, 1, 'same') for a 3x3 filter w [3, 3, CI, CO] on wasm by Winograd F(2x2, 3x3)
 * (assembly/winograd.ts): 16 multiplies per 2x2 output tile where the direct form needs 36. Check
 * wasmWinogradReady first. Not bit-equal to XNNPACK (other sums); e2e/engine.spec.ts bounds the difference.
 */
export function conv3x3WinogradWasm(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  register();
  const attrs = { pool: false } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(WINOGRAD_WASM, { x, filter: w }, attrs) as tf.Tensor4D;
}

/**
 * maxPool2(relu(conv2d(x, w, 1, 'same') + b)) ('valid' pooling, floor) in one kernel: each 2x2 Winograd tile
 * is one pooling window, so the conv output is never written. Inference only (no gradient).
 */
export function conv3x3BiasReluPoolWasm(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  register();
  const attrs = { pool: true } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(WINOGRAD_WASM, { x, filter: w, bias: b }, attrs) as tf.Tensor4D;
}
