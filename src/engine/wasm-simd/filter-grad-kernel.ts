import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runByChannelGroups, simdKernels, simdKernelsReady } from './instance';

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
}): tf.TensorInfo {
  const { x, dy } = args.inputs;
  const backend = args.backend;
  const [B, H, W, CI] = x.shape as [number, number, number, number];
  const CO = dy.shape[3] as number;
  const k = simdKernels(backend);
  const out = backend.makeOutput([3, 3, CI, CO], 'float32');
  const outOffset = backend.getMemoryOffset(out.dataId);
  // After makeOutput: allocation may have grown the heap, detaching older views.
  new Float32Array(k.memory.buffer, outOffset, 9 * CI * CO).fill(0);
  const xo = backend.getMemoryOffset(x.dataId);
  const dyo = backend.getMemoryOffset(dy.dataId);
  runByChannelGroups(k, 'filterGrad3x3', CO, (c0, c1) => [xo, dyo, outOffset, H, W, CI, CO, B, c0, c1]);
  return out;
}

/** dW [3, 3, CI, CO] of a 3x3 'same' convolution on wasm, by the SIMD kernel in assembly/filter-grad.ts. */
export function filterGrad3x3Wasm(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  if (!tf.getKernel(FILTER_GRAD_WASM, 'wasm'))
    tf.registerKernel({
      kernelName: FILTER_GRAD_WASM,
      backendName: 'wasm',
      kernelFunc: filterGradWasm as unknown as tf.KernelFunc,
    });
  return tf.engine().runKernel(FILTER_GRAD_WASM, { x, dy }, {}) as tf.Tensor4D;
}
