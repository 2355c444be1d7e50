import { describe, expect, it } from 'vitest';
import { Selection } from './selection';

/** Feed validations with these AUROCs at steps 0, 10, 20, ...; returns the selection and where it stopped. */
async function run(aurocs: number[], patience: number): Promise<{ sel: Selection<string>; stoppedAt?: number }> {
  const sel = new Selection<string>(patience);
  for (const [i, a] of aurocs.entries()) {
    const step = i * 10;
    if (step > 0) for (let s = 0; s < 10; s++) sel.addLoss(step + s);
    if (await sel.add(step, { accuracy: [a / 2, a / 2], auroc: [a, a] }, () => `w${step}`))
      return { sel, stoppedAt: step };
  }
  return { sel };
}

describe('Selection (model selection with the init as a candidate)', () => {
  it('keeps the initialisation when training never beats it on validation', async () => {
    const { sel, stoppedAt } = await run([0.8, 0.7, 0.75, 0.8], 0);
    expect(sel.best).toMatchObject({ step: 0, auroc: 0.8, checkpoint: 'w0' });
    expect(stoppedAt).toBeUndefined();
  });

  it('picks the peak of a hand-made curve; ties keep the earlier checkpoint', async () => {
    const { sel } = await run([0.6, 0.7, 0.9, 0.9, 0.85], 0);
    expect(sel.best?.step).toBe(20);
    expect(sel.best?.checkpoint).toBe('w20');
  });

  it('stops after `patience` validations without improvement', async () => {
    const { sel, stoppedAt } = await run([0.6, 0.7, 0.65, 0.66, 0.69, 0.9], 3);
    expect(stoppedAt).toBe(40);
    expect(sel.best?.step).toBe(10);
    expect(sel.validations.map((v) => v.step)).toEqual([0, 10, 20, 30, 40]);
  });

  it('records the mean loss since the last validation, and chance for an undefined AUROC', async () => {
    const sel = new Selection<number>(0);
    await sel.add(0, { accuracy: [0.5], auroc: [NaN] }, () => 0);
    sel.addLoss(2);
    sel.addLoss(4);
    await sel.add(2, { accuracy: [0.6, 0.8], auroc: [0.7, NaN] }, () => 2);
    expect(sel.validations[0]?.loss).toBeNaN();
    expect(sel.validations[0]?.auroc).toBe(0.5);
    expect(sel.validations[1]).toMatchObject({ step: 2, loss: 3, auroc: 0.6 });
    expect(sel.validations[1]?.accuracy).toBeCloseTo(0.7, 12);
    expect(sel.best?.step).toBe(2);
  });
});
