/**
 * Model selection during meta-training, as MedIMeta's cross-domain training does it (val AUROC monitored,
 * best checkpoint kept, early stopping on patience), with two guards against choosing noise:
 * - the initialisation is the first candidate (a validation at step 0), and the default;
 * - a trained checkpoint is a candidate only when its val AUROC beats the init's by more than the paired
 *   95% CI over the same validation episodes (mean gain > 1.96 sd / sqrt(n), n = episodes x tasks).
 * Among candidates the best mean val AUROC wins, ties keeping the earlier one. Measured on the real-image
 * set (docs/training-protocol.md): without the gate, gains of 1-2 pp on the sources' val episodes (noise
 * at 20 episodes a task) picked checkpoints 2-4 pp worse than the init on the targets.
 * `patience` validations in a row without a higher val AUROC (gated or not) stop training (0: never).
 * `W` is whatever a checkpoint is (weights).
 */

import { summarize } from '../stats/summary';
import type { Validation } from './types';

const mean = (xs: readonly number[]): number => xs.reduce((p, c) => p + c, 0) / xs.length;
/** An undefined AUROC (a val episode with one class) counts as chance. */
const chance = (a: number): number => (Number.isFinite(a) ? a : 0.5);

/** One validation's values: per task means, and every val episode's AUROC (tasks in order, then episodes). */
export interface ValidationValues {
  accuracy: number[];
  auroc: number[];
  episodeAuroc: number[];
}

export class Selection<W> {
  readonly validations: Validation[] = [];
  best: { step: number; accuracy: number; auroc: number; checkpoint: W } | undefined;
  private init: number[] | undefined;
  private highest = -Infinity;
  private sinceHighest = 0;
  private losses: number[] = [];

  constructor(private readonly patience: number) {}

  /** A training step's loss (averaged into the next validation's point). */
  addLoss(loss: number): void {
    this.losses.push(loss);
  }

  /**
   * A validation after `step` steps (the first one is the init's); `checkpoint` is called only when it
   * becomes the chosen one. Returns true when early stopping says to stop. No validated task: nothing.
   */
  async add(step: number, values: ValidationValues, checkpoint: () => W | Promise<W>): Promise<boolean> {
    const loss = this.losses.length > 0 ? mean(this.losses) : NaN;
    this.losses = [];
    if (values.accuracy.length === 0) return false;
    const episodes = values.episodeAuroc.map(chance);
    const first = this.init === undefined;
    const init = (this.init ??= episodes);
    if (init.length !== episodes.length)
      throw new Error(`selection: ${episodes.length} val episodes at step ${step}, ${init.length} at the init`);
    const gain = first ? { mean: 0, ci95: 0 } : summarize(episodes.map((a, i) => a - (init[i] as number)));
    const v: Validation = {
      step,
      loss,
      accuracy: mean(values.accuracy),
      auroc: mean(episodes),
      perTask: [...values.accuracy],
      perTaskAuroc: [...values.auroc],
      gain: gain.mean,
      gainCi95: gain.ci95,
    };
    this.validations.push(v);
    // A gain with no spread at all (every episode moved alike) has a NaN-free CI of 0: it counts if > 0.
    const candidate = first || gain.mean > (Number.isFinite(gain.ci95) ? gain.ci95 : Infinity);
    if (candidate && (!this.best || v.auroc > this.best.auroc))
      this.best = { step, accuracy: v.accuracy, auroc: v.auroc, checkpoint: await checkpoint() };
    if (v.auroc > this.highest) {
      this.highest = v.auroc;
      this.sinceHighest = 0;
      return false;
    }
    this.sinceHighest++;
    return this.patience > 0 && this.sinceHighest >= this.patience;
  }
}
