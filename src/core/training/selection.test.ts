import { describe, expect, it } from 'vitest';
import { Selection } from './selection';

/**
 * Validations at steps 0, 10, 20, ... whose 8 val episodes have AUROC `base + offsets[e]`: the same
 * offsets every time, so a gain over the init has no spread unless `noise` adds some.
 */
async function run(
  bases: number[],
  patience: number,
  noise: (step: number, e: number) => number = () => 0,
): Promise<{ sel: Selection<string>; stoppedAt?: number }> {
  const offsets = [-0.1, 0.05, 0, 0.1, -0.05, 0.02, -0.02, 0];
  const sel = new Selection<string>(patience);
  for (const [i, b] of bases.entries()) {
    const step = i * 10;
    if (step > 0) for (let s = 0; s < 10; s++) sel.addLoss(step + s);
    const episodeAuroc = offsets.map((o, e) => b + o + noise(step, e));
    const values = { accuracy: [b / 2, b / 2], auroc: [b, b], episodeAuroc };
    if (await sel.add(step, values, () => `w${step}`)) return { sel, stoppedAt: step };
  }
  return { sel };
}

describe('Selection (model selection with the init as the default candidate)', () => {
  it('keeps the initialisation when training never beats it on validation', async () => {
    const { sel, stoppedAt } = await run([0.8, 0.7, 0.75, 0.8], 0);
    expect(sel.best).toMatchObject({ step: 0, checkpoint: 'w0' });
    expect(sel.best?.auroc).toBeCloseTo(0.8, 12);
    expect(stoppedAt).toBeUndefined();
  });

  it('picks the peak of a hand-made curve; ties keep the earlier checkpoint', async () => {
    const { sel } = await run([0.6, 0.7, 0.9, 0.9, 0.85], 0);
    expect(sel.best?.step).toBe(20);
    expect(sel.best?.checkpoint).toBe('w20');
    expect(sel.validations[2]?.gain).toBeCloseTo(0.3, 12);
    expect(sel.validations[2]?.gainCi95).toBeCloseTo(0, 12);
  });

  it('a gain inside its paired CI is noise: the init stays chosen', async () => {
    // Step 10: mean gain 0.02, but the episodes move by +-0.1 around it (sd 0.1, CI 1.96 * 0.1 / sqrt(8) = 0.07).
    const swing = (step: number, e: number): number => (step === 10 ? (e % 2 === 0 ? 0.1 : -0.1) : 0);
    const { sel } = await run([0.6, 0.62], 0, swing);
    expect(sel.validations[1]?.gain).toBeCloseTo(0.02, 12);
    expect(sel.validations[1]?.gainCi95).toBeGreaterThan(0.02);
    expect(sel.best?.step).toBe(0);
    // The same gain without the swing is real: chosen.
    expect((await run([0.6, 0.62], 0)).sel.best?.step).toBe(10);
  });

  it('stops after `patience` validations without a higher val AUROC', async () => {
    const { sel, stoppedAt } = await run([0.6, 0.7, 0.65, 0.66, 0.69, 0.9], 3);
    expect(stoppedAt).toBe(40);
    expect(sel.best?.step).toBe(10);
    expect(sel.validations.map((v) => v.step)).toEqual([0, 10, 20, 30, 40]);
  });

  it('records the mean loss since the last validation, and chance for an undefined AUROC', async () => {
    const sel = new Selection<number>(0);
    await sel.add(0, { accuracy: [0.5], auroc: [NaN], episodeAuroc: [NaN, NaN] }, () => 0);
    sel.addLoss(2);
    sel.addLoss(4);
    await sel.add(2, { accuracy: [0.6, 0.8], auroc: [0.7, NaN], episodeAuroc: [0.7, NaN] }, () => 2);
    expect(sel.validations[0]?.loss).toBeNaN();
    expect(sel.validations[0]?.auroc).toBe(0.5);
    expect(sel.validations[1]).toMatchObject({ step: 2, loss: 3 });
    expect(sel.validations[1]?.auroc).toBeCloseTo(0.6, 12);
    expect(sel.validations[1]?.accuracy).toBeCloseTo(0.7, 12);
    await expect(sel.add(4, { accuracy: [1], auroc: [1], episodeAuroc: [1] }, () => 4)).rejects.toThrow(
      /1 val episodes/,
    );
  });
});
