import * as tf from '@tensorflow/tfjs';

/**
 * 2x2 max-pool, stride 2 (floor), whose gradient is routed by a mask built from float ops only, by
 * broadcasting the pooled value over its window ([B, h, 1, w, 1, C] against x as [B, h, 2, w, 2, C]):
 *   m    = 1 - step(y - x)   (1 where x equals the window's maximum, else 0)
 *   mask = m at the window's first maximum only (row-major, as MaxPoolGrad and PyTorch: `firstOnly`)
 *   dx   = dy * mask          (an odd last row/column is in no window: its gradient is 0, added by a pad)
 * On wasm, tfjs's MaxPoolGrad kernel, an equal()/cast() mask (bool tensors take slow paths), sign() (~30x
 * slower than step() there) and nearest-neighbour upsampling of y (this file's previous form: 10 % of a
 * step) each cost more (measured with bench/micro). The mask is built in the forward pass and saved instead
 * of x. Ties are not rare: on images with flat backgrounds 1.4 % of the first block's windows hold equal
 * maxima (bench/reference's check against PyTorch found it), and routing to each of them multiplied the
 * gradient there.
 */

/** `m` ([B, h, 2, w, 2, C], 0/1) kept at each window's first 1 only: m * (no 1 before it in the window). */
function firstOnly(m: tf.Tensor): tf.Tensor {
  const u = tf.sub(1, m);
  const [u0, u1] = tf.split(u, 2, 4) as [tf.Tensor, tf.Tensor];
  const beforeInRow = tf.concat([tf.onesLike(u0), u0], 4);
  const [row0None] = tf.split(tf.mul(u0, u1), 2, 2) as [tf.Tensor, tf.Tensor];
  const beforeRow = tf.concat([tf.onesLike(row0None), row0None], 2);
  return tf.mul(tf.mul(m, beforeInRow), beforeRow);
}

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
    const mask = tf.tidy(() =>
      firstOnly(tf.sub(1, tf.step(tf.sub(tf.reshape(y, [B, h, 1, w, 1, C]), tf.reshape(xe, [B, h, 2, w, 2, C]))))),
    );
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
