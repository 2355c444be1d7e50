/**
 * Prototypical Networks (Snell et al. 2017) on plain arrays, in float64: the golden reference the tfjs
 * implementation is checked against. Embeddings are row-major: n x d.
 *
 * - Single-label episodes (multiclass, ordinal, binary): a prototype per class = mean of its support
 *   embeddings; logits = -squared Euclidean distance; probabilities = softmax of the logits; prediction =
 *   argmax (the lowest class position on exact ties). For a binary episode, classes [negative, positive],
 *   the AUROC score is the probability of class 1.
 * - Multilabel episodes (MedIMeta): per label a positive prototype (mean of the support images positive
 *   for it) and a negative one; score = softmax over (-d_neg, -d_pos) taken at pos
 *   = 1 / (1 + exp(d_pos - d_neg)); prediction = 1 when d_pos < d_neg, i.e. score > 0.5 (a tie is negative, as
 *   with torchmetrics' `preds > threshold`).
 */

function checkShape(name: string, data: ArrayLike<number>, rows: number, dim: number): void {
  if (data.length !== rows * dim)
    throw new Error(`protonet: ${name} has ${data.length} values, expected ${rows} x ${dim} = ${rows * dim}`);
}

/** Class means: way x d. Throws when a class has no support image. */
export function prototypes(
  support: ArrayLike<number>,
  labels: ArrayLike<number>,
  way: number,
  dim: number,
): Float64Array {
  const n = labels.length;
  checkShape('support', support, n, dim);
  const sums = new Float64Array(way * dim);
  const counts = new Float64Array(way);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= way)
      throw new Error(`protonet: support label ${i} is ${c}, expected an integer in [0, ${way})`);
    counts[c] = (counts[c] as number) + 1;
    for (let k = 0; k < dim; k++) sums[c * dim + k] = (sums[c * dim + k] as number) + (support[i * dim + k] as number);
  }
  for (let c = 0; c < way; c++) {
    const count = counts[c] as number;
    if (count === 0) throw new Error(`protonet: class ${c} has no support image`);
    for (let k = 0; k < dim; k++) sums[c * dim + k] = (sums[c * dim + k] as number) / count;
  }
  return sums;
}

/** Squared Euclidean distances, m x c: entry (i, j) = |query_i - proto_j|^2 (summed directly, no expansion). */
export function squaredDistances(query: ArrayLike<number>, protos: ArrayLike<number>, dim: number): Float64Array {
  if (query.length % dim !== 0 || protos.length % dim !== 0)
    throw new Error(`protonet: query (${query.length}) and prototypes (${protos.length}) must be rows of ${dim}`);
  const m = query.length / dim;
  const c = protos.length / dim;
  const out = new Float64Array(m * c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const diff = (query[i * dim + k] as number) - (protos[j * dim + k] as number);
        s += diff * diff;
      }
      out[i * c + j] = s;
    }
  }
  return out;
}

/** Row-wise softmax of -distances (rows of `cols`), shifted by the row's smallest distance so exp never overflows. */
export function softmaxNegDistances(distances: ArrayLike<number>, cols: number): Float64Array {
  const m = distances.length / cols;
  const out = new Float64Array(distances.length);
  for (let i = 0; i < m; i++) {
    let min = Infinity;
    for (let j = 0; j < cols; j++) min = Math.min(min, distances[i * cols + j] as number);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(min - (distances[i * cols + j] as number));
      out[i * cols + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) out[i * cols + j] = (out[i * cols + j] as number) / sum;
  }
  return out;
}

/** Row-wise argmax (first maximum on ties). */
export function argmaxRows(values: ArrayLike<number>, cols: number): Int32Array {
  const m = values.length / cols;
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let j = 1; j < cols; j++) if ((values[i * cols + j] as number) > (values[i * cols + best] as number)) best = j;
    out[i] = best;
  }
  return out;
}

export interface ProtoNetResult {
  /** way x d */
  prototypes: Float64Array;
  /** m x way squared distances */
  distances: Float64Array;
  /** m x way softmax(-distances) */
  probabilities: Float64Array;
  /** m predicted class positions */
  predictions: Int32Array;
}

/** ProtoNet on a single-label episode: `support` n x d with `labels` in [0, way), `query` m x d. */
export function protonetSingleLabel(
  support: ArrayLike<number>,
  labels: ArrayLike<number>,
  query: ArrayLike<number>,
  way: number,
  dim: number,
): ProtoNetResult {
  const protos = prototypes(support, labels, way, dim);
  const distances = squaredDistances(query, protos, dim);
  const probabilities = softmaxNegDistances(distances, way);
  return { prototypes: protos, distances, probabilities, predictions: argmaxRows(probabilities, way) };
}

export interface MultilabelProtoNetResult {
  /** L x d: per label, the mean of its positive support images. */
  positivePrototypes: Float64Array;
  /** L x d: per label, the mean of its negative support images. */
  negativePrototypes: Float64Array;
  /** m x L squared distances to the positive / negative prototypes. */
  positiveDistances: Float64Array;
  negativeDistances: Float64Array;
  /** m x L probability that the image is positive for the label. */
  scores: Float64Array;
  /** m x L 0/1 decisions (d_pos < d_neg, i.e. score > 0.5). */
  predictions: Uint8Array;
}

/**
 * ProtoNet on a multilabel (or, label by label, binary) episode: `support` n x d with `targets` n x L
 * (0/1), `query` m x d. Throws when a label has no positive or no negative support image.
 */
export function protonetMultilabel(
  support: ArrayLike<number>,
  targets: ArrayLike<number>,
  query: ArrayLike<number>,
  numLabels: number,
  dim: number,
): MultilabelProtoNetResult {
  if (targets.length % numLabels !== 0)
    throw new Error(`protonet: ${targets.length} targets do not form rows of ${numLabels} labels`);
  const n = targets.length / numLabels;
  checkShape('support', support, n, dim);
  const pos = new Float64Array(numLabels * dim);
  const neg = new Float64Array(numLabels * dim);
  for (let j = 0; j < numLabels; j++) {
    const side = new Int32Array(n);
    for (let i = 0; i < n; i++) side[i] = targets[i * numLabels + j] ? 1 : 0;
    let p: Float64Array;
    try {
      p = prototypes(support, side, 2, dim);
    } catch (e) {
      throw new Error(`protonet: label ${j} needs positive and negative support images`, { cause: e });
    }
    neg.set(p.subarray(0, dim), j * dim);
    pos.set(p.subarray(dim), j * dim);
  }
  const dPos = squaredDistances(query, pos, dim);
  const dNeg = squaredDistances(query, neg, dim);
  const scores = new Float64Array(dPos.length);
  const predictions = new Uint8Array(dPos.length);
  for (let t = 0; t < scores.length; t++) {
    // Logistic of (d_neg - d_pos), written so that exp only sees non-positive arguments.
    const x = (dNeg[t] as number) - (dPos[t] as number);
    const score = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    scores[t] = score;
    // Decided on the distances: a score within rounding of 0.5 must not flip the decision.
    predictions[t] = x > 0 ? 1 : 0;
  }
  return {
    positivePrototypes: pos,
    negativePrototypes: neg,
    positiveDistances: dPos,
    negativeDistances: dNeg,
    scores,
    predictions,
  };
}
