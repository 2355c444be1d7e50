import type { CellRequest } from '../src/engine/fewshot/cell';
import type { TrainRequest } from '../src/engine/fewshot/train';
import { expect, openApp, test } from './fixtures';

/**
 * ComputeService.cancel in the real compute worker (wasm): an aborted training or cell rejects with an
 * AbortError within about a second, leaves tf.memory() as it found it, and the next cell gives the same
 * numbers as without the cancel.
 */

/** demo_derm "Lesion shape" (4 classes, 30 test images each) through the seeded Conv-4. */
const CELL: CellRequest = {
  datasetId: 'demo_derm',
  taskName: 'Lesion shape',
  split: 'test',
  spec: { mode: 'fixed', way: 4, shot: 5, query: 10, seed: 1 },
  episodes: 20,
  encoder: { name: 'conv4-untrained', inputSize: 84, channels: 3, seed: 1 },
};

const TRAIN: TrainRequest = {
  encoder: { name: 'conv4', inputSize: 84, channels: 3, seed: 1 },
  sources: [{ datasetId: 'demo_derm', taskName: 'Lesion shape' }],
  steps: 500,
  way: 4,
  shot: 5,
  query: 5,
  lr: 1e-3,
  seed: 1,
  valEvery: 0,
};

interface Aborted {
  ms: number;
  name: string;
  flagged: number;
}

test('cancel aborts a training and a cell within a second, frees their tensors, keeps the worker usable', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await openApp(page, 'backend=wasm');
  const before = await page.evaluate(() => window.protobench.compute.memory());
  const reference = await page.evaluate((req) => window.protobench.compute.evaluateCell(req), CELL);

  // The time of one training step (the longest stretch the worker cannot be interrupted in).
  const probe = await page.evaluate((req) => window.protobench.compute.trainEncoder(req), { ...TRAIN, steps: 3 });

  /** Start `what`, cancel it after `afterMs`, and return the time from cancel() to the rejection. */
  const abortAfter = (what: 'train' | 'cell', afterMs: number) =>
    page.evaluate(
      async ([kind, wait, train, cell]): Promise<Aborted> => {
        const c = window.protobench.compute;
        const call: Promise<unknown> =
          kind === 'train'
            ? c.trainEncoder({ ...train, cancelToken: 'a' })
            : c.evaluateCell({ ...cell, cancelToken: 'a' });
        const settled = call.then(
          () => ({ name: 'finished' }),
          (e: unknown) => ({ name: e instanceof Error ? e.name : String(e) }),
        );
        await new Promise((r) => setTimeout(r, wait));
        // A cancel with another token leaves the call alone.
        const other = await c.cancel('not-this-one');
        const t0 = performance.now();
        const flagged = await c.cancel('a');
        const { name } = await settled;
        return { ms: performance.now() - t0, name, flagged: flagged + 100 * other };
      },
      // The naive path (each episode embeds its own images): a cell of many embedding calls.
      [what, afterMs, TRAIN, { ...CELL, episodes: 600, path: 'naive', encoder: { ...CELL.encoder, seed: 2 } }] as const,
    );

  const results: Record<string, Aborted> = {};
  for (const [kind, wait] of [
    ['train', 3000],
    ['train', 4321],
    ['cell', 1500],
  ] as const) {
    const r = await abortAfter(kind, wait);
    results[`${kind}@${wait}ms`] = r;
    expect(r.name, kind).toBe('AbortError');
    expect(r.flagged, kind).toBe(1);
    expect(r.ms, kind).toBeLessThan(1500);
    const m = await page.evaluate(() => window.protobench.compute.memory());
    expect(m.numTensors, kind).toBe(before.numTensors);
    expect(m.numBytes, kind).toBe(before.numBytes);
  }

  // A cell started right after a cancel (without waiting for the rejection) waits for the aborted call to
  // unwind and gives the reference numbers.
  const after = await page.evaluate(
    async ([train, cell]) => {
      const c = window.protobench.compute;
      const t = c.trainEncoder({ ...train, cancelToken: 'b' }).then(
        () => 'finished',
        (e: unknown) => (e instanceof Error ? e.name : String(e)),
      );
      await new Promise((r) => setTimeout(r, 2500));
      await c.cancel('b');
      const next = await c.evaluateCell(cell);
      return { trainEnd: await t, next };
    },
    [TRAIN, CELL] as const,
  );
  expect(after.trainEnd).toBe('AbortError');
  expect(after.next.perEpisode).toEqual(reference.perEpisode);
  expect(after.next.accuracy).toEqual(reference.accuracy);
  expect(after.next.memory.after).toEqual(after.next.memory.before);
  const end = await page.evaluate(() => window.protobench.compute.memory());
  expect(end.numTensors).toBe(before.numTensors);
  expect(end.numBytes).toBe(before.numBytes);

  const summary = { stepMsMedian: probe.timings.stepMsMedian, cancelMs: results };
  console.log(JSON.stringify(summary));
  test.info().annotations.push({ type: 'cancel', description: JSON.stringify(summary) });
});
