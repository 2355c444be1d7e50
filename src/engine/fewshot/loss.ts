import * as tf from '@tensorflow/tfjs';

/**
 * The ProtoNet training loss of one episode (Snell et al. 2017): prototypes are the class means of the
 * support embeddings, logits are negative squared Euclidean distances (computed as differences, not by
 * expansion: exact gradients, and the episode is small), loss is the mean cross-entropy over the query.
 *
 * `emb`: [nSupport + nQuery, D], support rows first. Labels are class positions 0..way-1.
 * Returns scalars: the loss (differentiable) and the query accuracy.
 */
export function protoLoss(
  emb: tf.Tensor2D,
  supportLabels: Int32Array,
  queryLabels: Int32Array,
  way: number,
): { loss: tf.Scalar; accuracy: tf.Scalar } {
  const nS = supportLabels.length;
  const nQ = queryLabels.length;
  return tf.tidy(() => {
    const support = tf.slice(emb, [0, 0], [nS, -1]);
    const query = tf.slice(emb, [nS, 0], [nQ, -1]);
    const member = tf.transpose(tf.oneHot(tf.tensor1d(supportLabels, 'int32'), way)); // [way, nS]
    const protos = tf.div(tf.matMul(member, support), tf.sum(member, 1, true)); // [way, D]
    const diff = tf.sub(tf.expandDims(query, 1), tf.expandDims(protos, 0)); // [nQ, way, D]
    const logits = tf.neg(tf.sum(tf.square(diff), -1)); // [nQ, way]
    const labels = tf.tensor1d(queryLabels, 'int32');
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, way), logits) as tf.Scalar;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32')) as tf.Scalar;
    return { loss, accuracy };
  });
}
