import * as tf from '@tensorflow/tfjs';
import { filterGrad3x3Wasm } from '../../src/engine/wasm-simd/filter-grad-kernel';

/**
 * Formulations of a 3x3 'same' convolution's weight gradient dW[i, j, ci, co] =
 * sum_{b, h, w} xpad[b, h+i, w+j, ci] * dy[b, h, w, co], for bench/micro.
 */
export interface DwVariant {
  name: string;
  dw: (x: tf.Tensor4D, dy: tf.Tensor4D) => tf.Tensor;
}

const PAD: [number, number][] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

/** The current formulation: one conv with dy as a [H, W, B, Cout] filter over pad(x) as [Cin, H+2, W+2, B]. */
function convNow(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    const xp = tf.pad(x, PAD);
    const r = tf.conv2d(
      tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D,
      tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
      1,
      'valid',
    );
    return tf.transpose(r, [1, 2, 0, 3]);
  });
}

/** im2col^T [9 Cin, K] of a chunk of images (K = b H W), rows ordered (i, j, ci). */
function colsT(xc: tf.Tensor4D): tf.Tensor2D {
  const [b, H, W, C] = xc.shape;
  const xt = tf.transpose(tf.pad(xc, PAD), [3, 0, 1, 2]); // [C, b, H+2, W+2]
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) taps.push(tf.slice(xt, [0, 0, i, j], [C, b, H, W]));
  return tf.reshape(tf.concat(taps, 0), [9 * C, b * H * W]);
}

/** Chunks of `per` images: A = im2col^T [9 Cin, K], dW = A @ dy [K, Cout], via a 1x1 conv (threaded) or matMul. */
function chunked(per: number, how: 'conv' | 'matmul'): DwVariant['dw'] {
  return (x, dy) =>
    tf.tidy(() => {
      const [B, H, W, C] = x.shape;
      const co = dy.shape[3];
      const parts: tf.Tensor[] = [];
      for (let b0 = 0; b0 < B; b0 += per) {
        const b = Math.min(per, B - b0);
        const xc = tf.slice(x, [b0, 0, 0, 0], [b, H, W, C]);
        const dc = tf.reshape(tf.slice(dy, [b0, 0, 0, 0], [b, H, W, co]), [b * H * W, co]);
        const a = colsT(xc);
        const K = b * H * W;
        parts.push(
          how === 'conv'
            ? tf.conv2d(
                tf.reshape(a, [1, 1, 9 * C, K]) as tf.Tensor4D,
                tf.reshape(dc, [1, 1, K, co]) as tf.Tensor4D,
                1,
                'valid',
              )
            : tf.matMul(a, dc as tf.Tensor2D),
        );
      }
      return tf.reshape(parts.length === 1 ? parts[0]! : tf.addN(parts), [3, 3, C, co]);
    });
}

/** Current formulation per chunk of `per` images, summed. */
function convNowChunked(per: number): DwVariant['dw'] {
  return (x, dy) =>
    tf.tidy(() => {
      const [B, H, W, C] = x.shape;
      const co = dy.shape[3];
      const parts: tf.Tensor[] = [];
      for (let b0 = 0; b0 < B; b0 += per) {
        const b = Math.min(per, B - b0);
        parts.push(convNow(tf.slice(x, [b0, 0, 0, 0], [b, H, W, C]), tf.slice(dy, [b0, 0, 0, 0], [b, H, W, co])));
      }
      return parts.length === 1 ? parts[0]! : tf.addN(parts);
    });
}

/**
 * The current formulation on chunks of `per` images (K = per H W per GEMM instead of B H W), without
 * tf.slice (tfjs-wasm's Slice copies the WHOLE input through JS on every call): one 5-D transpose each of
 * pad(x) and dy into chunk-major layouts, one gather per chunk, partial dW summed.
 */
function convGatherChunked(per: number): DwVariant['dw'] {
  return (x, dy) =>
    tf.tidy(() => {
      const [B, H, W, C] = x.shape;
      const co = dy.shape[3];
      if (B % per !== 0) throw new Error('per must divide B');
      const nc = B / per;
      const xt = tf.transpose(tf.reshape(tf.pad(x, PAD), [nc, per, H + 2, W + 2, C]), [0, 4, 2, 3, 1]);
      const dt = tf.transpose(tf.reshape(dy, [nc, per, H, W, co]), [0, 2, 3, 1, 4]);
      const parts: tf.Tensor[] = [];
      for (let c = 0; c < nc; c++) {
        const idx = tf.tensor1d([c], 'int32');
        const xi = tf.reshape(tf.gather(xt, idx), [C, H + 2, W + 2, per]) as tf.Tensor4D;
        const di = tf.reshape(tf.gather(dt, idx), [H, W, per, co]) as tf.Tensor4D;
        parts.push(tf.conv2d(xi, di, 1, 'valid'));
      }
      return tf.transpose(parts.length === 1 ? parts[0]! : tf.addN(parts), [1, 2, 0, 3]);
    });
}

/** [B, H, W, C] -> [C, H, W, B] as a 2-D transpose [B, HWC] -> [HWC, B], then [H, W, C, B] -> [C, H, W, B]. */
function swapOuterInner(t: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = t.shape;
  const t2 = tf.transpose(tf.reshape(t, [B, H * W * C]), [1, 0]);
  return tf.transpose(tf.reshape(t2, [H, W, C, B]), [2, 0, 1, 3]) as tf.Tensor4D;
}

/** [B, H, W, C] -> [C, H, W, B] as [B, H*W, C] -> [C, H*W, B] by a 3-D transpose. */
function swap3d(t: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = t.shape;
  return tf.reshape(tf.transpose(tf.reshape(t, [B, H * W, C]), [2, 1, 0]), [C, H, W, B]) as tf.Tensor4D;
}

function convNowSwap(swap: (t: tf.Tensor4D) => tf.Tensor4D): DwVariant['dw'] {
  return (x, dy) =>
    tf.tidy(() => {
      const r = tf.conv2d(swap(tf.pad(x, PAD)), tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid');
      return tf.transpose(r, [1, 2, 0, 3]);
    });
}

export const DW_VARIANTS: DwVariant[] = [
  { name: 'conv-now-t2d', dw: convNowSwap(swapOuterInner) },
  { name: 'simd', dw: (x, dy) => filterGrad3x3Wasm(x, dy, false) },
  { name: 'winograd', dw: filterGrad3x3Wasm },
  { name: 'conv-now-t3d', dw: convNowSwap(swap3d) },
  ...[1, 2, 4, 5, 10, 20].map((p) => ({ name: `conv-gather-chunk${p}`, dw: convGatherChunked(p) })),
  { name: 'conv-now', dw: convNow },
  ...[1, 2, 5, 10].map((p) => ({ name: `conv-now-chunk${p}`, dw: convNowChunked(p) })),
  ...[1, 2, 5, 10, 25].map((p) => ({ name: `im2col-conv1x1-chunk${p}`, dw: chunked(p, 'conv') })),
  ...[2, 10].map((p) => ({ name: `im2col-matmul-chunk${p}`, dw: chunked(p, 'matmul') })),
];
