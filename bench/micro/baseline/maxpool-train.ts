// FROZEN COPY, not the live code: src/engine/fewshot/maxpool-train.ts (now maxpool-step.ts) as it stood at 34baf7f^, byte for byte (2026-11-26),
// kept unchanged as the "before" side of the A/B in bench/micro/ab.ts. Do not edit or refactor it; the
// live implementation is the one to change.
import * as tf from '@tensorflow/tfjs';

/**
 * 2x2 max-pool, stride 2 (floor), whose gradient is routed by a mask instead of tfjs's MaxPoolGrad
 * kernel (the slowest part of a wasm training step after the convolutions):
 *   dx = nearest-upsampled dy * [x == nearest-upsampled y]   (zero in a cropped odd last row/column)
 * Where a window holds several equal maxima each receives the gradient (MaxPoolGrad picks one); the
 * encoders pool BatchNorm outputs, where exact ties have probability ~0.
 */
export function maxPool2Train(x: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const h = Math.floor(H / 2);
  const w = Math.floor(W / 2);
  const even = H === 2 * h && W === 2 * w;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = tf.maxPool(xi, 2, 2, 'valid');
    save([xi, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor4D, tf.Tensor4D];
        return tf.tidy(() => {
          const crop = even ? sx : tf.slice(sx, [0, 0, 0, 0], [B, 2 * h, 2 * w, C]);
          const up = (t: tf.Tensor): tf.Tensor4D => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [2 * h, 2 * w]);
          const g = tf.mul(up(dy), tf.cast(tf.equal(crop, up(sy)), 'float32')) as tf.Tensor4D;
          return even
            ? g
            : tf.pad(g, [
                [0, 0],
                [0, H - 2 * h],
                [0, W - 2 * w],
                [0, 0],
              ]);
        });
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
