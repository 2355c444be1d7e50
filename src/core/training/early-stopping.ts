/**
 * Early stopping and best-checkpoint choice of the supervised rows, with PyTorch Lightning's semantics as
 * MedIMeta's fully_supervised.py configures them (EarlyStopping and ModelCheckpoint on `AUROC/val`, mode
 * max, min_delta 0): a validation improves only when its value is strictly above the best so far (a tie
 * keeps the earlier checkpoint); every other one, NaN included, adds one to the wait, and training stops
 * once the wait reaches `patience` (0: never stops early). `W` is whatever a checkpoint is.
 */

export class EarlyStopping<W> {
  best: { step: number; value: number; checkpoint: W } | undefined;
  private wait = 0;

  constructor(private readonly patience: number) {
    if (!Number.isInteger(patience) || patience < 0)
      throw new Error(`EarlyStopping: patience must be an integer >= 0, got ${patience}`);
  }

  /** A validation after `step` steps; `checkpoint` is called only when it becomes the best. True: stop. */
  async add(step: number, value: number, checkpoint: () => W | Promise<W>): Promise<boolean> {
    if (!Number.isNaN(value) && (this.best === undefined || value > this.best.value)) {
      this.best = { step, value, checkpoint: await checkpoint() };
      this.wait = 0;
      return false;
    }
    this.wait++;
    return this.patience > 0 && this.wait >= this.patience;
  }
}
