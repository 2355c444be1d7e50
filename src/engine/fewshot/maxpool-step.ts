import * as tf from '@tensorflow/tfjs';

/**
 * 2x2 max-pool, stride 2 (floor), whose gradient is routed by a mask built from float ops only, by
 * broadcasting the pooled value over its window ([B, h, 1, w, 1, C] against x as [B, h, 2, w, 2, C]):
 *   mask = 1 - step(y - x)   (y >= x in its window, equal exactly at the window's maximum: 1 there, else 0)
 *   dx   = dy * mask          (an odd last row/column is in no window: its gradient is 0, added by a pad)
 * On wasm, tfjs's MaxPoolGrad kernel, an equal()/cast() mask (bool tensors take slow paths), sign() (~30x
 * slower than step() there) and nearest-neighbour upsampling of y (this file's previous form: 10 % of a
 * step) each cost more (measured with bench/micro). The mask is built in the forward pass and saved instead
 * of x. Where a window holds several equal maxima each receives the gradient (MaxPoolGrad picks one); the
 * encoders pool BatchNorm outputs, where exact ties have probability ~0.
 */
export function maxPool2TrainStep(x: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const h = Math.floor(H / 2);
  const w = Math.floor(W / 2);
  const even = H === 2 * h && W === 2 * w;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const y = tf.maxPool(xi, 2, 2, 'valid');
    // Odd sides: only the windowed part (tfjs-wasm's Slice copies through JS, but only the small blocks are odd).
    const xe = even ? xi : tf.slice(xi, [0, 0, 0, 0], [B, 2 * h, 2 * w, C]);
    const mask = tf.sub(1, tf.step(tf.sub(tf.reshape(y, [B, h, 1, w, 1, C]), tf.reshape(xe, [B, h, 2, w, 2, C]))));
    save([mask]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [m] = saved as [tf.Tensor];
        return tf.tidy(() => {
          const d = tf.reshape(tf.mul(tf.reshape(dy, [B, h, 1, w, 1, C]), m), [B, 2 * h, 2 * w, C]) as tf.Tensor4D;
          if (even) return d;
          return tf.pad(d, [
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
