// FROZEN COPY, not the live code: src/engine/fewshot/conv-grad.ts as it stood at 34baf7f^, byte for byte (2026-11-26),
// kept unchanged as the "before" side of the A/B in bench/micro/ab.ts. Do not edit or refactor it; the
// live implementation is the one to change.
import * as tf from '@tensorflow/tfjs';

/**
 * A stride-1 'same' convolution (odd square kernel) whose gradients are themselves forward convolutions.
 * tfjs-wasm registers no Conv2DBackpropFilter kernel, so tf.conv2d cannot be trained there; forward
 * convolutions run on XNNPACK, the fastest kernels wasm has. With p = (k - 1) / 2:
 *
 * - dx = conv(dy, W flipped in space with in/out channels swapped, 'same'):  [B, H, W, Cin]
 * - dW = conv(pad(x) as [Cin, H+2p, W+2p, B], dy as a [H, W, B, Cout] filter, 'valid'), i.e.
 *        dW[i, j, ci, co] = sum_{b, h, w} x_pad[b, h+i, w+j, ci] * dy[b, h, w, co]:  [k, k, Cin, Cout]
 *
 * e2e/engine.spec.ts checks these against the cpu backend's native gradients.
 */
function customConv(inputGrad: boolean): (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const w = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: tf.conv2d(x, w, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const k = ws.shape[0];
        const p = (k - 1) / 2;
        const dx = inputGrad
          ? tf.tidy(() => tf.conv2d(g, tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]), 1, 'same'))
          : tf.zerosLike(xs);
        const dw = tf.tidy(() => {
          const xp =
            p > 0
              ? tf.pad(xs, [
                  [0, 0],
                  [p, p],
                  [p, p],
                  [0, 0],
                ])
              : xs;
          const r = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]), tf.transpose(g, [1, 2, 0, 3]), 1, 'valid');
          return tf.transpose(r, [1, 2, 0, 3]);
        });
        return [dx, dw];
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
