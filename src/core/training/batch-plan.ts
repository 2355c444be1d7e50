/**
 * The supervised rows' batch order as data (pure: no tfjs), so that the browser trainer
 * (src/engine/fewshot/supervised-train.ts) and the PyTorch reference draw the same batches.
 *
 * Rules (a shuffled DataLoader with drop_last=False, one per task):
 * - task t's images are listed in its train split's order; epoch e is a permutation of them seeded by
 *   `seedFrom(seed, 'batches', t, e)`, cut into consecutive batches of `batch` (the last one smaller);
 * - with several tasks (mm-pt), steps go round by round: round r visits every task once, in the order of a
 *   permutation seeded by `seedFrom(seed, 'rounds', r)`, so each task trains on one batch per round (a
 *   task's b-th batch is drawn in round b). MedIMeta's cross_domain_pft.py also trains one task per batch.
 * Any step is computed directly (no state), so a resumed or reference run needs no replay.
 */

import { Rng, seedFrom } from '../rng';

export interface BatchStep {
  /** Index of the task (into the sizes given to `planBatches`). */
  task: number;
  /** Positions into that task's image list. */
  rows: Uint32Array;
}

export interface BatchPlan {
  /** Batches per epoch of each task. */
  batchesPerEpoch: number[];
  /** The batch step s (0-based) trains on. */
  at(step: number): BatchStep;
}

function permutation(n: number, seed: number): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}

/** A plan over tasks of `sizes[t]` images each, `batch` images a step. */
export function planBatches(sizes: readonly number[], batch: number, seed: number): BatchPlan {
  if (sizes.length === 0) throw new Error('planBatches: no task');
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`planBatches: batch must be an integer >= 1, got ${batch}`);
  sizes.forEach((n, t) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`planBatches: task ${t} has ${n} images (needs >= 1)`);
  });
  const batchesPerEpoch = sizes.map((n) => Math.ceil(n / batch));
  const T = sizes.length;
  let roundCache: { r: number; order: Uint32Array } | undefined;
  const epochCache = new Map<string, Uint32Array>();
  const roundOrder = (r: number): Uint32Array => {
    if (roundCache?.r !== r)
      roundCache = { r, order: T === 1 ? Uint32Array.of(0) : permutation(T, seedFrom(seed, 'rounds', r)) };
    return roundCache.order;
  };
  const epoch = (t: number, e: number): Uint32Array => {
    const key = `${t}|${e}`;
    let p = epochCache.get(key);
    if (!p) {
      // Steps run in order: one epoch per task is live at a time.
      for (const k of epochCache.keys()) if (k.startsWith(`${t}|`)) epochCache.delete(k);
      p = permutation(sizes[t] as number, seedFrom(seed, 'batches', t, e));
      epochCache.set(key, p);
    }
    return p;
  };
  return {
    batchesPerEpoch,
    at(step: number): BatchStep {
      if (!Number.isInteger(step) || step < 0)
        throw new Error(`BatchPlan.at: step must be an integer >= 0, got ${step}`);
      const r = Math.floor(step / T);
      const task = roundOrder(r)[step % T] as number;
      const per = batchesPerEpoch[task] as number;
      const e = Math.floor(r / per);
      const j = r % per;
      const n = sizes[task] as number;
      return { task, rows: epoch(task, e).slice(j * batch, Math.min(n, (j + 1) * batch)) };
    },
  };
}
