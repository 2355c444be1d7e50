import * as tf from '@tensorflow/tfjs';

/**
 * Images enter the device here. Pixels cross threads once as uint8 and are uploaded as they are;
 * tfjs has no uint8 dtype, so the upload widens them to int32 (exact on every backend). Everything
 * after that (cast, scale, channel conversion, resize) runs on the device.
 */
export function uploadPixels(pixels: Uint8Array, count: number, height: number, width: number, channels: number): tf.Tensor4D {
  if (pixels.length !== count * height * width * channels) {
    throw new Error(`uploadPixels: ${pixels.length} bytes do not make ${count} images of ${height}x${width}x${channels}`);
  }
  return tf.tensor4d(pixels, [count, height, width, channels], 'int32');
}

export interface PreprocessOptions {
  /** Channels the encoder expects: gray is replicated to RGB, RGB is converted to luma (as PIL's convert('L')). */
  channels: 1 | 3;
  /** Square output side; 224 keeps the native resolution. */
  size: number;
}

/**
 * int32 [B, H, W, C] pixels in 0..255 -> float32 [B, size, size, channels] in [0, 1].
 * RGB -> L uses PIL's integer formula L = (19595 R + 38470 G + 7471 B + 32768) >> 16, exact in float32
 * (every intermediate is an integer below 2^24), so gray images match the reference reader bit for bit.
 */
export function preprocess(raw: tf.Tensor4D, opts: PreprocessOptions): tf.Tensor4D {
  return tf.tidy(() => {
    const inC = raw.shape[3];
    let x: tf.Tensor4D = tf.cast(raw, 'float32');
    if (inC === 3 && opts.channels === 1) {
      const w = tf.tensor1d([19595, 38470, 7471]);
      x = tf.floor(tf.div(tf.add(tf.sum(tf.mul(x, w), -1, true), 32768), 65536)) as tf.Tensor4D;
    } else if (inC === 1 && opts.channels === 3) {
      x = tf.tile(x, [1, 1, 1, 3]);
    } else if (inC !== opts.channels) {
      throw new Error(`preprocess: cannot convert ${inC} channels to ${opts.channels}`);
    }
    x = tf.div(x, 255);
    if (x.shape[1] !== opts.size || x.shape[2] !== opts.size) {
      x = tf.image.resizeBilinear(x, [opts.size, opts.size], false, true);
    }
    return x;
  });
}
