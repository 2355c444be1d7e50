import * as tf from '@tensorflow/tfjs';

/** Pad [B, h, w, C] at the bottom and right to [B, H, W, C] with `value` (no-op when already that size). */
function padTo(t: tf.Tensor4D, H: number, W: number, value: number): tf.Tensor4D {
  const [, h, w] = t.shape;
  if (h === H && w === W) return t;
  return tf.pad(
    t,
    [
      [0, 0],
      [0, H - h],
      [0, W - w],
      [0, 0],
    ],
    value,
  );
}

/**
 * 2x2 max-pool, stride 2 (floor), whose gradient is routed by a mask built from float ops only:
 *   mask = 1 - step(up(y) - x)   (up(y) >= x everywhere, equal exactly at a window's maximum: 1 there, else 0)
 *   dx   = up(dy) * mask         (an odd last row/column is padded: +Infinity in up(y), 0 in up(dy))
 * with up() nearest-neighbour upsampling. On wasm, tfjs's MaxPoolGrad kernel, an equal()/cast() mask (bool
 * tensors take slow paths) and sign() (~30x slower than step() there) each cost several times more (measured
 * with bench/micro). The mask is built in the forward pass and saved instead of x. Where a window holds
 * several equal maxima each receives the gradient (MaxPoolGrad picks one); the encoders pool BatchNorm
 * outputs, where exact ties have probability ~0.
 */
export function maxPool2TrainStep(x: tf.Tensor4D): tf.Tensor4D {
  const [, H, W] = x.shape;
  const h = Math.floor(H / 2);
  const w = Math.floor(W / 2);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = tf.maxPool(xi, 2, 2, 'valid');
    // An odd last row/column (in no window) faces +Infinity: mask 0 there, and no slice of x (tfjs-wasm's
    // Slice copies the whole input through JS).
    const upY = padTo(tf.image.resizeNearestNeighbor(y, [2 * h, 2 * w]), H, W, Infinity);
    const mask = tf.sub(1, tf.step(tf.sub(upY, xi)));
    save([mask]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [m] = saved as [tf.Tensor4D];
        return tf.tidy(() => {
          return tf.mul(padTo(tf.image.resizeNearestNeighbor(dy as tf.Tensor4D, [2 * h, 2 * w]), H, W, 0), m);
        });
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
