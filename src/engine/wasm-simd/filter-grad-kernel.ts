import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BLOCK_FLOATS, winogradTakes } from './winograd-kernel';
import {
  partsFor,
  runByChannelGroups,
  runByParts,
  simdKernels,
  simdKernelsReady,
  withHeapScratch,
  type SimdKernels,
} from './instance';

export const FILTER_GRAD_WASM = 'PBFilterGrad3x3Wasm';

/**
 * Whether the backend is wasm, the SIMD kernel takes these channel counts (CO % 16 == 0) and runs in this
 * browser (see trySimdKernels: where it does not, the environment report says why and tfjs's kernels run).
 */
export function wasmFilterGradReady(cin: number, cout: number): boolean {
  return cout % 16 === 0 && cin > 0 && simdKernelsReady();
}

function filterGradWasm(args: {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: BackendWasm;
  attrs: { winograd: boolean };
}): tf.TensorInfo {
  const { x, dy } = args.inputs;
  const backend = args.backend;
  const [B, H, W, CI] = x.shape as [number, number, number, number];
  const CO = dy.shape[3] as number;
  const k = simdKernels(backend);
  const out = backend.makeOutput([3, 3, CI, CO], 'float32');
  const outOffset = backend.getMemoryOffset(out.dataId);
  const xo = backend.getMemoryOffset(x.dataId);
  const dyo = backend.getMemoryOffset(dy.dataId);
  if (args.attrs.winograd && winogradTakes(CI, CO)) {
    winogradFilterGrad(backend, k, { x: xo, dy: dyo, out: outOffset }, [B, H, W, CI, CO]);
    return out;
  }
  // After makeOutput: allocation may have grown the heap, detaching older views.
  new Float32Array(k.memory.buffer, outOffset, 9 * CI * CO).fill(0);
  runByChannelGroups(k, 'filterGrad3x3', CO, (c0, c1) => [xo, dyo, outOffset, H, W, CI, CO, B, c0, c1]);
  return out;
}

/**
 * dW by Winograd F(3x3, 2x2) (assembly/winograd.ts: 16 multiplies per tile and channel pair, not 36), the
 * output channels split into whole 16-channel groups per thread, each with its own scratch.
 */
function winogradFilterGrad(
  backend: BackendWasm,
  k: SimdKernels,
  at: { x: number; dy: number; out: number },
  [B, H, W, CI, CO]: [number, number, number, number, number],
): void {
  const groups = CO / 16;
  const parts = partsFor(k, groups);
  const cp = 16 * Math.ceil(groups / parts);
  const BT = Math.max(1, Math.floor(BLOCK_FLOATS / (16 * (CI + cp))));
  const perPart = 4 * 16 * (BT * (CI + cp) + CI * cp);
  withHeapScratch(backend, parts * perPart, (s0) =>
    runByParts(
      k,
      'winogradFilterGrad3x3',
      groups,
      (g0, g1, p) => [at.x, at.dy, at.out, s0 + p * perPart, B, H, W, CI, CO, BT, 16 * g0, 16 * g1],
      parts,
    ),
  );
}

/**
 * dW [3, 3, CI, CO] of a 3x3 'same' convolution on wasm: by Winograd (assembly/winograd.ts) where
 * winogradTakes(CI, CO), else (or with `winograd` false) by the direct SIMD kernel (assembly/filter-grad.ts).
 */
export function filterGrad3x3Wasm(x: tf.Tensor4D, dy: tf.Tensor4D, winograd = true): tf.Tensor4D {
  if (!tf.getKernel(FILTER_GRAD_WASM, 'wasm'))
    tf.registerKernel({
      kernelName: FILTER_GRAD_WASM,
      backendName: 'wasm',
      kernelFunc: filterGradWasm as unknown as tf.KernelFunc,
    });
  const attrs = { winograd } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(FILTER_GRAD_WASM, { x, dy }, attrs) as tf.Tensor4D;
}
