// FROZEN COPY, not the live code: src/engine/fewshot/batchnorm-train.ts as it stood at 34baf7f^, byte for byte (2026-11-26),
// kept unchanged as the "before" side of the A/B in bench/micro/ab.ts. Do not edit or refactor it; the
// live implementation is the one to change.
import * as tf from '@tensorflow/tfjs';

/**
 * Train-mode BatchNorm over [B, H, W, C] with a hand-written backward pass. tfjs's own gradient of
 * batchNorm tiles the per-channel statistics to the full activation shape (tf.tile), and its reductions
 * over the batch axes transpose the activation first; on wasm those took most of a Conv-4 training step.
 * Here every per-channel sum is x^T [C, N] x ones [N, 1] (a matmul whose packed operand is the small
 * column of ones: [1, N] x [N, C] would repack the whole activation every call, 6x slower on wasm), every
 * other op a per-channel broadcast. With N = B*H*W, xhat = (x - mean) / sqrt(var + eps), y = gamma * xhat + beta:
 *
 *   dbeta = sum(dy),  dgamma = sum(dy * xhat),  dx = gamma / sqrt(var + eps) / N * (N dy - dbeta - xhat dgamma)
 *
 * `onStats(mean, variance)` receives the batch statistics ([C], biased variance) for the running averages.
 */
/** Column sums of t [N, C] as a [1, C] row; `ones` is [N, 1]. */
function channelSum(t: tf.Tensor2D, ones: tf.Tensor2D): tf.Tensor2D {
  return tf.reshape(tf.matMul(t, ones, true, false), [1, -1]);
}

export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
  onStats: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const N = B * H * W;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const ones = tf.ones([N, 1]) as tf.Tensor2D;
    const x2 = tf.reshape(xi, [N, C]) as tf.Tensor2D;
    const mean = tf.div(channelSum(x2, ones), N);
    const xc = tf.sub(x2, mean);
    const variance = tf.div(channelSum(tf.square(xc) as tf.Tensor2D, ones), N);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(xc, rstd) as tf.Tensor2D;
    onStats(tf.reshape(mean, [C]), tf.reshape(variance, [C]));
    save([xhat, rstd, g, ones]);
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, g), b), [B, H, W, C]) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sr, sg, so] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
        return tf.tidy(() => {
          const d2 = tf.reshape(dy, [N, C]) as tf.Tensor2D;
          const dbeta = channelSum(d2, so);
          const dgamma = channelSum(tf.mul(d2, sx) as tf.Tensor2D, so);
          const scale = tf.div(tf.mul(sr, sg), N);
          const dx = tf.mul(tf.sub(tf.sub(tf.mul(d2, N), dbeta), tf.mul(sx, dgamma)), scale);
          return [tf.reshape(dx, [B, H, W, C]), tf.reshape(dgamma, [C]), tf.reshape(dbeta, [C])];
        });
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
