import * as tf from '@tensorflow/tfjs';

/**
 * Images enter the device here. Pixels cross threads once as uint8; everything after the upload (cast,
 * scale, channel conversion, resize) runs on the device. tfjs has no uint8 dtype, so:
 * - wasm: the bytes are uploaded untouched as a 'bool' tensor (tfjs stores bool as one byte and keeps a
 *   Uint8Array as is), and the wasm Cast kernel converts byte values numerically. This skips a 4x
 *   widening in JS that otherwise halves streaming throughput (bench: store-stream).
 * - other backends: widened to int32 (exact everywhere; their bool storage is not byte-valued).
 * e2e/store.spec.ts checks that the values after `toInt` / `preprocess` equal the stored bytes on every backend.
 */
export function uploadPixels(
  pixels: Uint8Array,
  count: number,
  height: number,
  width: number,
  channels: number,
): tf.Tensor4D {
  if (pixels.length !== count * height * width * channels) {
    throw new Error(
      `uploadPixels: ${pixels.length} bytes do not make ${count} images of ${height}x${width}x${channels}`,
    );
  }
  const dtype = tf.getBackend() === 'wasm' ? 'bool' : 'int32';
  return tf.tensor4d(pixels, [count, height, width, channels], dtype);
}

/** The uploaded pixels as int32 values 0..255 (integrity checks). */
export function toInt(raw: tf.Tensor4D): tf.Tensor4D {
  return raw.dtype === 'int32' ? tf.clone(raw) : tf.cast(raw, 'int32');
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
      x = tf.mul(tf.floor(tf.div(tf.add(tf.sum(tf.mul(x, w), -1, true), 32768), 65536)), 1 / 255) as tf.Tensor4D;
    } else if (inC === 1 && opts.channels === 3) {
      // One broadcast multiply replicates gray into RGB and scales it. tf.tile and tf.concat on the last
      // axis are ~20x slower on wasm for 224x224 batches (bench: store-stream).
      x = tf.mul(x, tf.fill([3], 1 / 255));
    } else if (inC === opts.channels) {
      x = tf.mul(x, 1 / 255);
    } else {
      throw new Error(`preprocess: cannot convert ${inC} channels to ${opts.channels}`);
    }
    if (x.shape[1] !== opts.size || x.shape[2] !== opts.size) {
      x = tf.image.resizeBilinear(x, [opts.size, opts.size], false, true);
    }
    return x;
  });
}
