import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { partsFor, runByParts, simdKernels, simdKernelsReady } from './instance';

export const WINOGRAD_WASM = 'PBConv3x3WinogradWasm';

/** Scratch per thread, in floats: V [16, BT, CI] and M [16, BT, CO] of a block of BT tiles kept within L2. */
const BLOCK_FLOATS = 64 * 1024;

/**
 * Whether our Winograd kernels take these channel counts: CI % 4 == 0 (the input transform takes 4 channels a
 * time), CO % 16 == 0 (the 3 x 16 register tile), CI >= 16 (a first layer's 3 colour channels give products
 * too short to gain) and CI CO <= 128 x 128: the transformed filter (forward) or sums (dW), 64 CI CO bytes,
 * must stay in L2 across blocks of tiles; wider layers (ResNet-12's later stages) keep XNNPACK and the direct
 * dW kernel.
 */
export function winogradTakes(cin: number, cout: number): boolean {
  return cin % 4 === 0 && cin >= 16 && cout % 16 === 0 && cin * cout <= 128 * 128;
}

/** Whether a 3x3 'same' convolution with these channel counts runs on our Winograd kernel here (wasm, relaxed SIMD). */
export function wasmWinogradReady(cin: number, cout: number): boolean {
  return winogradTakes(cin, cout) && simdKernelsReady();
}

function winogradWasm(args: {
  inputs: { x: tf.TensorInfo; filter: tf.TensorInfo };
  backend: BackendWasm;
}): tf.TensorInfo {
  const { x, filter } = args.inputs;
  const backend = args.backend;
  const [N, H, W, CI] = x.shape as [number, number, number, number];
  const CO = filter.shape[3] as number;
  const k = simdKernels(backend);
  const tiles = N * Math.ceil(H / 2) * Math.ceil(W / 2);
  const BT = Math.max(3, 3 * Math.floor(BLOCK_FLOATS / (16 * (CI + CO)) / 3));
  const parts = partsFor(k, tiles);
  const perPart = 16 * BT * (CI + CO) * 4;
  const uBytes = 16 * CI * CO * 4;
  const out = backend.makeOutput([N, H, W, CO], 'float32');
  const raw = backend.wasm._malloc(uBytes + parts * perPart + 16) >>> 0;
  try {
    const u = (raw + 15) & ~15;
    const xo = backend.getMemoryOffset(x.dataId);
    const yo = backend.getMemoryOffset(out.dataId);
    k.exports.winogradWeights(backend.getMemoryOffset(filter.dataId), u, CI, CO);
    const s0 = u + uBytes;
    runByParts(
      k,
      'winogradConv3x3',
      tiles,
      (t0, t1, p) => [xo, u, yo, s0 + p * perPart, H, W, CI, CO, BT, t0, t1],
      parts,
    );
  } finally {
    backend.wasm._free(raw);
  }
  return out;
}

/**
 * conv2d(x, w, 1, 'same') for a 3x3 filter w [3, 3, CI, CO] on wasm by Winograd F(2x2, 3x3)
 * (assembly/winograd.ts): 16 multiplies per 2x2 output tile where the direct form needs 36. Check
 * wasmWinogradReady first. Not bit-equal to XNNPACK (other sums); e2e/engine.spec.ts bounds the difference.
 */
export function conv3x3WinogradWasm(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  if (!tf.getKernel(WINOGRAD_WASM, 'wasm'))
    tf.registerKernel({
      kernelName: WINOGRAD_WASM,
      backendName: 'wasm',
      kernelFunc: winogradWasm as unknown as tf.KernelFunc,
    });
  return tf.engine().runKernel(WINOGRAD_WASM, { x, filter: w }, {}) as tf.Tensor4D;
}
