import * as tf from '@tensorflow/tfjs';
import { filterGrad3x3Wasm, wasmFilterGradReady } from '../wasm-simd/filter-grad-kernel';
import { conv3x3WinogradWasm, wasmWinogradReady } from '../wasm-simd/winograd-kernel';
import { conv3x3FilterGrad, filterGradSupports } from '../webgpu/conv-filter-grad';

/**
 * A stride-1 'same' convolution (odd square kernel) whose gradients are themselves forward convolutions.
 * tfjs-wasm registers no Conv2DBackpropFilter kernel, so tf.conv2d cannot be trained there; forward
 * convolutions run on XNNPACK, or for 3x3 filters (winogradTakes) our Winograd F(2x2, 3x3) kernel
 * (wasm-simd/winograd-kernel.ts, 2.4-2.6x XNNPACK's speed: 16 multiplies per 2x2 outputs, not 36).
 * With p = (k - 1) / 2:
 *
 * - dx = conv(dy, W flipped in space with in/out channels swapped, 'same'):  [B, H, W, Cin]
 * - dW = conv(pad(x) as [Cin, H+2p, W+2p, B] (swapOuterInner), dy as a [H, W, B, Cout] filter, 'valid'), i.e.
 *        dW[i, j, ci, co] = sum_{b, h, w} x_pad[b, h+i, w+j, ci] * dy[b, h, w, co]:  [k, k, Cin, Cout]
 *
 * A 3x3 dW runs our own kernels where they exist: on wasm SIMD kernels on every thread (wasm-simd/: Winograd
 * F(3x3, 2x2) where winogradTakes(CI, CO), else a register-tiled direct kernel; 2-4x faster than XNNPACK
 * with dy as the filter, which tfjs-wasm repacks on every call); on WebGPU a split-sum kernel
 * (src/engine/webgpu/conv-filter-grad.ts). `ownKernels: false` keeps tfjs's (benchmarks' A/B).
 *
 * e2e/engine.spec.ts checks these against the cpu backend's native gradients.
 */
/**
 * [B, H, W, C] -> [C, H, W, B]. tfjs-wasm's 4-D Transpose with perm [3, 1, 2, 0] walks memory element by
 * element: about 10x slower on a [100, 44, 44, 64] activation than a 2-D transpose [B, HWC] -> [HWC, B]
 * followed by [H, W, C, B] -> [C, H, W, B] (which moves runs of B contiguous floats). Same values, bit for bit.
 */
export function swapOuterInner(t: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = t.shape;
  const t2 = tf.transpose(tf.reshape(t, [B, H * W * C]), [1, 0]);
  return tf.transpose(tf.reshape(t2, [H, W, C, B]), [2, 0, 1, 3]) as tf.Tensor4D;
}

/** dW as one forward conv: pad(x) as [Cin, H+2p, W+2p, B] over dy as a [H, W, B, Cout] filter (XNNPACK on wasm). */
export function filterGradAsConv(x: tf.Tensor4D, dy: tf.Tensor4D, p: number): tf.Tensor4D {
  return tf.tidy(() => {
    const xp =
      p > 0
        ? tf.pad(x, [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ])
        : x;
    const r = tf.conv2d(swapOuterInner(xp), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid');
    return tf.transpose(r, [1, 2, 0, 3]);
  });
}

/** dW of a 'same' convolution: our kernel for this backend and shape if there is one, else filterGradAsConv. */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, ownKernels: boolean, winograd: boolean): tf.Tensor4D {
  const cin = x.shape[3];
  const cout = dy.shape[3];
  if (ownKernels && k === 3) {
    const backend = tf.getBackend();
    // On WebGPU the wasm-shaped dW starves the GPU (a few workgroups, each summing every pixel).
    if (backend === 'webgpu' && filterGradSupports(cout)) return conv3x3FilterGrad(x, dy);
    if (wasmFilterGradReady(cin, cout)) return filterGrad3x3Wasm(x, dy, winograd);
  }
  return filterGradAsConv(x, dy, (k - 1) / 2);
}

/** conv2d(x, w, 1, 'same'): on wasm, 3x3 filters by our Winograd kernel where it takes the channels, else tfjs's. */
function convSame(x: tf.Tensor4D, w: tf.Tensor4D, winograd: boolean): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  if (winograd && kh === 3 && kw === 3 && wasmWinogradReady(cin, cout)) return conv3x3WinogradWasm(x, w);
  return tf.conv2d(x, w, 1, 'same');
}

/**
 * `ownKernels`: our dW kernels; `winograd`: on wasm, Winograd for the forward, dx and (with ownKernels) dW
 * (both true in training; false for the benchmarks' A/B).
 */
export function customConv(
  inputGrad: boolean,
  ownKernels = true,
  winograd = ownKernels,
): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const w = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: convSame(x, w, winograd),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const dx = inputGrad
          ? tf.tidy(() => convSame(g, tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]), winograd))
          : tf.zerosLike(xs);
        return [dx, filterGrad(xs, g, ws.shape[0], ownKernels, winograd)];
      },
    };
  }) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
}

export const conv2dSame = customConv(true);

/** For a first layer, whose input (the images) needs no gradient: dx is zeros, not a convolution. */
export const conv2dSameNoInputGrad = customConv(false);

/** The same convolution with tfjs's own gradients (cpu, webgl, webgpu): the reference for gradient checks. */
export function conv2dSameNative(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  return tf.conv2d(x, w, 1, 'same');
}
