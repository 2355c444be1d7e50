/**
 * What a meta-training records about itself: its validations (the training curve) and the checkpoint that
 * model selection chose. Plain data: it travels with stored weights, run records, exports and share links.
 */

/** One validation: mean over the validated source tasks of their val accuracy and AUROC. */
export interface Validation {
  /** Steps trained before it (0: the initialisation). */
  step: number;
  /** Mean training loss of the steps since the previous validation (NaN at step 0). */
  loss: number;
  accuracy: number;
  auroc: number;
  /** Per validated source task, in source order. */
  perTask: number[];
  perTaskAuroc: number[];
  /**
   * Mean gain in val AUROC over the init's, paired over the same val episodes, and its 95% CI half-width
   * (0 at the init; absent in curves stored by trainer version 5). A trained checkpoint is a candidate
   * only when gain > gainCi95 (src/core/training/selection.ts).
   */
  gain?: number;
  gainCi95?: number;
}

/** The checkpoint a training kept: `step` 0 is the initialisation (training never beat it on validation). */
export interface ChosenCheckpoint {
  step: number;
  valAccuracy: number;
  valAuroc: number;
}
