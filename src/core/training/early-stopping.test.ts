import { describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping';

/** Feeds a curve of val AUROC (validation i after step 10 * (i + 1)); returns the best step and the stop step. */
async function run(curve: number[], patience: number): Promise<{ best?: number; stoppedAt?: number; saved: number[] }> {
  const es = new EarlyStopping<number>(patience);
  const saved: number[] = [];
  for (const [i, v] of curve.entries()) {
    const step = 10 * (i + 1);
    const stop = await es.add(step, v, () => {
      saved.push(step);
      return step;
    });
    if (stop) return { ...(es.best ? { best: es.best.checkpoint } : {}), stoppedAt: step, saved };
  }
  return { ...(es.best ? { best: es.best.checkpoint } : {}), saved };
}

describe('EarlyStopping (Lightning: strictly greater improves, stop when the wait reaches patience)', () => {
  const curve = [0.6, 0.65, 0.64, 0.65, 0.63, 0.7, 0.69, 0.68, 0.67];

  it('patience 3: the tie at step 40 does not improve, so training stops at step 50 with step 20 kept', async () => {
    // Hand count: 20 improves (wait 0); 30 wait 1; 40 ties 0.65, wait 2; 50 wait 3 = patience -> stop.
    expect(await run(curve, 3)).toEqual({ best: 20, stoppedAt: 50, saved: [10, 20] });
  });

  it('patience 4: step 60 improves (0.70) and is kept; three waits after it do not stop', async () => {
    expect(await run(curve, 4)).toEqual({ best: 60, saved: [10, 20, 60] });
  });

  it('patience 0 never stops; NaN never improves and counts as a wait', async () => {
    expect(await run([NaN, 0.5, NaN, 0.4], 0)).toEqual({ best: 20, saved: [20] });
    expect(await run([0.5, NaN, NaN], 2)).toEqual({ best: 10, stoppedAt: 30, saved: [10] });
  });

  it('refuses a negative or fractional patience', () => {
    expect(() => new EarlyStopping(-1)).toThrow(/patience must be an integer >= 0, got -1/);
    expect(() => new EarlyStopping(1.5)).toThrow(/got 1.5/);
  });
});
