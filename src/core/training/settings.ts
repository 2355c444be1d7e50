/**
 * The one training type: how an encoder is meta-trained (episodic N-way K-shot Q-query, Adam). The run
 * config's budget, the trainer's request and the stored-weights key all take their fields from it, so a
 * training setting is declared once.
 */

export interface TrainingSettings {
  /** Optimiser steps (0: the encoder stays at its seeded init). */
  steps: number;
  /** N of the N-way episodes; a task with fewer eligible classes trains all-way. */
  way: number;
  shot: number;
  query: number;
  /** Adam's learning rate. */
  lr: number;
  /** Validate at step 0, every this many steps and after the last (0: never; then the last step's weights are kept). */
  valEvery: number;
  /** Validation episodes per source task, from its val split, same way/shot/query. */
  valEpisodes: number;
  /** Stop after this many validations in a row without a better val AUROC (0: never). */
  patience: number;
  /** Return the weights of the best validation (the init included), not the last step. */
  keepBest: boolean;
  /**
   * Repeats of every training (and of the untrained row's init) with seeds `trainingSeeds(seed, seeds)`;
   * a cell then reports the mean over repeats and a CI that includes their spread (src/core/stats/repeats.ts).
   * A run's setting: one call of the trainer is one repeat.
   */
  seeds: number;
}

/** What one call of the trainer is told, its defaults resolved: what a weights key records. */
export type TrainerSettings = Omit<TrainingSettings, 'seeds'>;

/** Settings a trainer request may leave out (train.ts: valEvery max(1, steps / 10), 20 episodes, patience 0, keep best). */
export type DefaultedSetting = 'valEvery' | 'valEpisodes' | 'patience' | 'keepBest';

/** The settings of a trainer request. */
export type TrainerRequestSettings = Omit<TrainerSettings, DefaultedSetting> &
  Partial<Pick<TrainerSettings, DefaultedSetting>>;

/** A run config's training budget: the trainer's settings it exposes, and its repeats. */
export type TrainingBudget = Omit<TrainingSettings, 'valEpisodes' | 'keepBest'>;
