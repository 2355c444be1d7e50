import * as tf from '@tensorflow/tfjs';

/**
 * Train-mode BatchNorm over [B, H, W, C] with a hand-written backward pass, in as few full passes over the
 * activation as tfjs ops allow (on wasm every pass over a 100x84x84x64 activation costs tens of ms, and
 * elementwise passes, not the convolutions, were half of a Conv-4 step).
 *
 * - Per-channel means are average pools: [B, H*W, 1, C] pooled over its H*W rows (XNNPACK's average pooling,
 *   one read of the activation), then the mean of the B image means. tfjs's own reductions over the batch
 *   axes transpose the activation first, and x^T x ones runs tfjs-wasm's naive (non-XNNPACK) matmul.
 * - Forward keeps xc = x - mean (not xhat): y = xc * (gamma rstd) + beta, 4 passes with the square for the
 *   variance. With N = B*H*W, rstd = 1 / sqrt(var + eps), xhat = xc rstd:
 *
 *   dbeta = sum(dy),  dgamma = rstd sum(dy * xc),
 *   dx = gamma rstd / N (N dy - dbeta - xhat dgamma) = a dy + k xc + c, per channel
 *        a = gamma rstd,  k = -a rstd dgamma / N,  c = -a dbeta / N
 *
 * `onStats(mean, variance)` receives the batch statistics ([C], biased variance) for the running averages.
 */

/**
 * Per-channel mean of [B, H, W, C] as [C]: one average pool over each image, then the mean over images.
 * On WebGPU tfjs's reduction instead: its average pool walks a whole image per output in one thread (17 of
 * the 31 ms of GPU time in a training step on an H200, bench/gpu --profile).
 */
export function channelMean(t: tf.Tensor4D): tf.Tensor1D {
  if (tf.getBackend() === 'webgpu') return tf.mean(t, [0, 1, 2]) as tf.Tensor1D;
  const [B, H, W, C] = t.shape;
  const perImage = tf.avgPool(tf.reshape(t, [B, H * W, 1, C]) as tf.Tensor4D, [H * W, 1], 1, 'valid');
  return tf.mean(tf.reshape(perImage, [B, C]), 0) as tf.Tensor1D;
}

export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const N = x.shape[0] * x.shape[1] * x.shape[2];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const mean = channelMean(xi);
    const xc = tf.sub(xi, mean) as tf.Tensor4D;
    const variance = channelMean(tf.square(xc) as tf.Tensor4D);
    const rstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    onStats(mean, variance);
    save([xc, rstd, g]);
    return {
      value: tf.add(tf.mul(xc, tf.mul(rstd, g)), b) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxc, sr, sg] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        return tf.tidy(() => {
          const d = dy as tf.Tensor4D;
          const dbeta = tf.mul(channelMean(d), N);
          const dgamma = tf.mul(tf.mul(channelMean(tf.mul(d, sxc) as tf.Tensor4D), N), sr);
          const a = tf.mul(sg, sr);
          const k = tf.div(tf.mul(tf.mul(a, sr), dgamma), -N);
          const c = tf.div(tf.mul(a, dbeta), -N);
          const dx = tf.add(tf.add(tf.mul(d, a), tf.mul(sxc, k)), c);
          return [dx, dgamma, dbeta];
        });
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
