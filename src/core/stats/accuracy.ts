/**
 * Accuracy, the MedIMeta papers' second metric. An empty set gives NaN (nothing was scored).
 *
 * MedIMeta computes multiclass accuracy with torchmetrics' default macro average (mean per-class
 * accuracy); `macroAccuracy` is that number. The samplers' query sets hold the same number of images per
 * class, where macro and plain accuracy coincide.
 */

/** Fraction of `predictions` equal to `labels`. */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length)
    throw new Error(`accuracy: ${predictions.length} predictions but ${labels.length} labels`);
  if (labels.length === 0) return NaN;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) right++;
  return right / labels.length;
}

/** Accuracy among the images of each class (recall); NaN for a class with no image. */
export function perClassAccuracy(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): Float64Array {
  if (predictions.length !== labels.length)
    throw new Error(`perClassAccuracy: ${predictions.length} predictions but ${labels.length} labels`);
  const total = new Float64Array(numClasses);
  const right = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses)
      throw new Error(`perClassAccuracy: label ${i} is ${c}, expected an integer in [0, ${numClasses})`);
    total[c] = (total[c] as number) + 1;
    if (predictions[i] === c) right[c] = (right[c] as number) + 1;
  }
  return right.map((r, c) => r / (total[c] as number));
}

/** Mean of the defined per-class accuracies (torchmetrics' macro accuracy over classes present); NaN if none. */
export function macroAccuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  let sum = 0;
  let defined = 0;
  for (const v of perClassAccuracy(predictions, labels, numClasses)) {
    if (!Number.isNaN(v)) {
      sum += v;
      defined++;
    }
  }
  return defined > 0 ? sum / defined : NaN;
}

/**
 * Multilabel accuracy: fraction of (image, label) decisions that are right (`predictions`, `targets`:
 * m*L 0/1). Every label has the same m images, so this equals the macro average of per-label accuracies.
 */
export function multilabelAccuracy(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  if (predictions.length !== targets.length)
    throw new Error(`multilabelAccuracy: ${predictions.length} predictions but ${targets.length} targets`);
  if (targets.length === 0) return NaN;
  let right = 0;
  for (let i = 0; i < targets.length; i++) if (!predictions[i] === !targets[i]) right++;
  return right / targets.length;
}
