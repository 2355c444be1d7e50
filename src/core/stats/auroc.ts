/**
 * Area under the ROC curve, the MedIMeta papers' first metric.
 *
 * Binary AUROC is the Mann-Whitney U statistic over n+ positives and n- negatives:
 *   AUROC = (R+ - n+(n+ + 1)/2) / (n+ * n-),  R+ = sum of the positives' ranks of the scores,
 * with tied scores given their mid-rank (a tie between a positive and a negative counts 1/2). This equals
 * the trapezoidal area under the ROC curve (torchmetrics / scikit-learn).
 *
 * Undefined cases are NaN: no positive or no negative. Macro AUROC (multiclass one-vs-rest, multilabel
 * per label) averages only the classes/labels where it is defined (torchmetrics' macro average also skips
 * NaN classes); it is NaN when none is. NaN scores are an error (a broken model, not an undefined metric).
 */

/** Scores of the images (higher = more positive) and their targets (non-zero = positive). */
export function auroc(scores: ArrayLike<number>, targets: ArrayLike<number | boolean>): number {
  const m = scores.length;
  if (targets.length !== m) throw new Error(`auroc: ${m} scores but ${targets.length} targets`);
  const s = new Float64Array(m);
  let nPos = 0;
  for (let i = 0; i < m; i++) {
    const v = scores[i] as number;
    if (Number.isNaN(v)) throw new Error(`auroc: score ${i} is NaN`);
    s[i] = v;
    if (targets[i]) nPos++;
  }
  const nNeg = m - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  const order = Uint32Array.from({ length: m }, (_, i) => i).sort((a, b) => (s[a] as number) - (s[b] as number));
  let rankSum = 0;
  for (let start = 0; start < m;) {
    let end = start + 1;
    const v = s[order[start] as number] as number;
    while (end < m && s[order[end] as number] === v) end++;
    // Ranks start+1..end share their mean.
    const midRank = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) if (targets[order[t] as number]) rankSum += midRank;
    start = end;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface MacroAuroc {
  /** Mean of the defined entries of `perClass`; NaN when none is defined. */
  macro: number;
  /** AUROC of each class (label); NaN where it has no positives or no negatives among the query images. */
  perClass: Float64Array;
  /** Entries of `perClass` that are defined. */
  defined: number;
}

function macro(perClass: Float64Array): MacroAuroc {
  let sum = 0;
  let defined = 0;
  for (const v of perClass) {
    if (!Number.isNaN(v)) {
      sum += v;
      defined++;
    }
  }
  return { macro: defined > 0 ? sum / defined : NaN, perClass, defined };
}

/**
 * One-vs-rest macro AUROC of a multiclass (or ordinal) episode.
 * - `scores`: m*C row-major (e.g. ProtoNet probabilities), row i for query image i.
 * - `labels`: m class positions in [0, C).
 */
export function multiclassAuroc(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): MacroAuroc {
  const m = labels.length;
  if (scores.length !== m * numClasses)
    throw new Error(`multiclassAuroc: expected ${m} x ${numClasses} = ${m * numClasses} scores, got ${scores.length}`);
  const perClass = new Float64Array(numClasses);
  const column = new Float64Array(m);
  const isClass = new Uint8Array(m);
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < m; i++) {
      column[i] = scores[i * numClasses + c] as number;
      isClass[i] = labels[i] === c ? 1 : 0;
    }
    perClass[c] = auroc(column, isClass);
  }
  return macro(perClass);
}

/**
 * Per-label macro AUROC of a multilabel episode.
 * - `scores`, `targets`: m*L row-major; targets 0/1.
 */
export function multilabelAuroc(scores: ArrayLike<number>, targets: ArrayLike<number>, numLabels: number): MacroAuroc {
  if (scores.length !== targets.length || scores.length % numLabels !== 0) {
    throw new Error(
      `multilabelAuroc: ${scores.length} scores and ${targets.length} targets do not form rows of ${numLabels} labels`,
    );
  }
  const m = scores.length / numLabels;
  const perClass = new Float64Array(numLabels);
  const column = new Float64Array(m);
  const target = new Uint8Array(m);
  for (let j = 0; j < numLabels; j++) {
    for (let i = 0; i < m; i++) {
      column[i] = scores[i * numLabels + j] as number;
      target[i] = targets[i * numLabels + j] ? 1 : 0;
    }
    perClass[j] = auroc(column, target);
  }
  return macro(perClass);
}
