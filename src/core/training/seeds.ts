/**
 * Training seeds of a run that repeats meta-training (`trainSeeds` > 1). Repeat 0 uses the run's seed,
 * so a run with one repeat trains exactly what a run without repeats trains; repeat r > 0 uses
 * `seedFrom(seed, 'training', r)`. A training seed fixes the initial weights and the training episodes;
 * evaluation episodes always come from the run's seed, so every repeat is scored on the same episodes.
 */

import { seedFrom } from '../rng';

export function trainingSeed(runSeed: number, repeat: number): number {
  if (!Number.isInteger(repeat) || repeat < 0) throw new Error(`training seed: repeat must be >= 0, found ${repeat}`);
  return repeat === 0 ? runSeed : seedFrom(runSeed, 'training', repeat);
}

export function trainingSeeds(runSeed: number, repeats: number): number[] {
  return Array.from({ length: Math.max(1, repeats) }, (_, r) => trainingSeed(runSeed, r));
}
