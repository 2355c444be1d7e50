import * as tf from '@tensorflow/tfjs';

/** Candidate formulations of the non-conv parts of a training step, for bench/micro (timed interleaved). */
export interface OpCase {
  name: string;
  run: () => tf.Tensor | tf.Tensor[];
}

const up = (t: tf.Tensor, H: number, W: number): tf.Tensor4D =>
  tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [H, W]);

/** Per-channel affine y = x * s + o in one FusedBatchNorm pass (mean 0, variance 1, epsilon 0). */
export function affine(x: tf.Tensor, s: tf.Tensor1D, o: tf.Tensor1D): tf.Tensor {
  const C = s.shape[0];
  return tf.batchNorm(x, tf.zeros([C]) as tf.Tensor1D, tf.ones([C]) as tf.Tensor1D, o, s, 0);
}

export function makeCases(B: number, S: number, C: number): { cases: OpCase[]; dispose: () => void } {
  const x = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 1) as tf.Tensor4D;
  const h = S >> 1;
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dyp = tf.randomNormal([B, h, h, C], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 3) as tf.Tensor4D;
  const N = B * S * S;
  const x2 = tf.reshape(x, [N, C]) as tf.Tensor2D;
  const d2 = tf.reshape(dy, [N, C]) as tf.Tensor2D;
  const ones = tf.ones([N, 1]) as tf.Tensor2D;
  const onesRow = tf.ones([1, N]) as tf.Tensor2D;
  const g = tf.randomUniform([C], 0.5, 1.5, 'float32', 4) as tf.Tensor1D;
  const b = tf.randomUniform([C], -0.5, 0.5, 'float32', 5) as tf.Tensor1D;
  const argmax = tf.maxPoolWithArgmax(x, 2, 2, 'valid', true);
  const idx = tf.reshape(argmax.indexes as tf.Tensor, [-1, 1]);
  const cases: OpCase[] = [
    // max-pool backward
    {
      name: 'pool-bw-mask-now',
      run: () => tf.mul(up(dyp, S, S), tf.cast(tf.equal(x, up(y, S, S)), 'float32')),
    },
    {
      name: 'pool-bw-native-MaxPoolGrad',
      run: () =>
        tf.engine().runKernel(
          'MaxPoolGrad',
          { dy: dyp, input: x, output: y },
          {
            filterSize: 2,
            strides: 2,
            pad: 'valid',
          },
        ) as tf.Tensor,
    },
    { name: 'pool-fw-maxPool', run: () => tf.maxPool(x, 2, 2, 'valid') },
    { name: 'pool-fw-withArgmax', run: () => Object.values(tf.maxPoolWithArgmax(x, 2, 2, 'valid', true)) },
    { name: 'pool-bw-scatterNd', run: () => tf.scatterND(idx, tf.reshape(dyp, [-1]), [B * S * S * C]) },
    { name: 'pool-bw-resize-only', run: () => up(dyp, S, S) },
    { name: 'pool-bw-equal-only', run: () => tf.equal(x, x) },
    // channel sums over N = B*H*W
    { name: 'csum-matmulT-now', run: () => tf.matMul(x2, ones, true, false) },
    { name: 'csum-matmul-onesrow', run: () => tf.matMul(onesRow, x2) },
    { name: 'csum-tf.sum', run: () => tf.sum(x2, 0) },
    {
      name: 'csum-avgpool-img',
      run: () => tf.sum(tf.avgPool(tf.reshape(x, [B, S * S, 1, C]) as tf.Tensor4D, [S * S, 1], 1, 'valid'), [0, 1, 2]),
    },
    {
      name: 'csum-avgpool-all',
      run: () => tf.avgPool(tf.reshape(x, [1, N, 1, C]) as tf.Tensor4D, [N, 1], 1, 'valid'),
    },
    // elementwise passes
    { name: 'ew-mul-same', run: () => tf.mul(x2, d2) },
    { name: 'ew-mul-bcast', run: () => tf.mul(x2, g) },
    { name: 'ew-sub-bcast', run: () => tf.sub(x2, g) },
    { name: 'ew-square', run: () => tf.square(x2) },
    { name: 'ew-relu', run: () => tf.relu(x2) },
    { name: 'u-sign', run: () => tf.sign(x2) },
    { name: 'u-step', run: () => tf.step(x2) },
    { name: 'u-clip', run: () => tf.clipByValue(x2, -1, 0) },
    { name: 'u-add-scalar', run: () => tf.add(x2, 1) },
    { name: 'u-add-scalar-t', run: () => tf.add(x2, tf.scalar(1)) },
    { name: 'u-mul-scalar', run: () => tf.mul(x2, 3) },
    { name: 'u-neg', run: () => tf.neg(x2) },
    { name: 'u-minimum', run: () => tf.minimum(x2, d2) },
    { name: 'u-sqdiff', run: () => tf.squaredDifference(x2, d2) },
    { name: 'ew-sub-same', run: () => tf.sub(x2, d2) },
    { name: 'ew-add-same', run: () => tf.add(x2, d2) },
    { name: 'ew-add-bcast', run: () => tf.add(x2, g) },
    { name: 'ew-affine-fbn', run: () => affine(x2, g, b) },
    { name: 'ew-batchnorm4d', run: () => tf.batchNorm(x, g, tf.abs(g), b, g, 1e-5) },
    { name: 'ew-transpose-cfirst', run: () => tf.transpose(x, [3, 1, 2, 0]) },
    { name: 'up-resize', run: () => up(dyp, S, S) },
    { name: 'up-resize-mul', run: () => tf.mul(up(dyp, S, S), x) },
    {
      name: 'up-bcast6-mul',
      run: () =>
        tf.reshape(tf.mul(tf.reshape(x, [B, h, 2, h, 2, C]), tf.reshape(dyp, [B, h, 1, h, 1, C])), [B, S, S, C]),
    },
    {
      name: 'up-bcast6-sub',
      run: () =>
        tf.reshape(tf.sub(tf.reshape(dyp, [B, h, 1, h, 1, C]), tf.reshape(x, [B, h, 2, h, 2, C])), [B, S, S, C]),
    },
    { name: 'tr-dy-4d', run: () => tf.transpose(dy, [1, 2, 0, 3]) },
    { name: 'tr-dy-3d', run: () => tf.transpose(tf.reshape(dy, [B, S * S, C]), [1, 0, 2]) },
    { name: 'tr-2d', run: () => tf.transpose(tf.reshape(dy, [B, S * S * C]), [1, 0]) },
    {
      name: 'ew-pad',
      run: () =>
        tf.pad(x, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
    },
  ];
  return {
    cases,
    dispose: () =>
      tf.dispose([x, y, dyp, dy, ones, onesRow, g, b, argmax.result as tf.Tensor, argmax.indexes as tf.Tensor, idx]),
  };
}
