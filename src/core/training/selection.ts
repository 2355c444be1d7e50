/**
 * Model selection during meta-training, as MedIMeta's cross-domain training does it (val AUROC monitored,
 * best checkpoint kept, early stopping on patience), with the initialisation as the first candidate:
 * validations come at step 0 and every `valEvery` steps; the best mean val AUROC wins and ties keep the
 * earlier checkpoint, so the init stands until training beats it on validation; `patience` validations in
 * a row without a better score stop the training (0: never). `W` is whatever a checkpoint is (weights).
 */

import type { Validation } from './types';

const mean = (xs: readonly number[]): number => xs.reduce((p, c) => p + c, 0) / xs.length;

export class Selection<W> {
  readonly validations: Validation[] = [];
  best: { step: number; accuracy: number; auroc: number; checkpoint: W } | undefined;
  private sinceBest = 0;
  private losses: number[] = [];

  constructor(private readonly patience: number) {}

  /** A training step's loss (averaged into the next validation's point). */
  addLoss(loss: number): void {
    this.losses.push(loss);
  }

  /**
   * A validation after `step` steps (per validated task); `checkpoint` is called only when it is the new
   * best. Returns true when early stopping says to stop. No validated task: nothing is recorded.
   */
  async add(
    step: number,
    perTask: { accuracy: number[]; auroc: number[] },
    checkpoint: () => W | Promise<W>,
  ): Promise<boolean> {
    const loss = this.losses.length > 0 ? mean(this.losses) : NaN;
    this.losses = [];
    if (perTask.accuracy.length === 0) return false;
    const v: Validation = {
      step,
      loss,
      accuracy: mean(perTask.accuracy),
      // An undefined AUROC (a val episode with one class) counts as chance.
      auroc: mean(perTask.auroc.map((a) => (Number.isFinite(a) ? a : 0.5))),
      perTask: [...perTask.accuracy],
      perTaskAuroc: [...perTask.auroc],
    };
    this.validations.push(v);
    if (!this.best || v.auroc > this.best.auroc) {
      this.best = { step, accuracy: v.accuracy, auroc: v.auroc, checkpoint: await checkpoint() };
      this.sinceBest = 0;
      return false;
    }
    this.sinceBest++;
    return this.patience > 0 && this.sinceBest >= this.patience;
  }
}
