import type { Page } from '@playwright/test';
import type { StoredTrainRequest } from '../src/engine/weights';
import { expect, openApp, test } from './fixtures';
import { configureShortRun, matrixCells } from './run-page';

/**
 * Trained encoder weights in IndexedDB (`weights` store), in the real workers (wasm): stored after a
 * training, reused by a training with the same key (no training), not by one whose config, seed or data
 * differ; deleted with their dataset; exported to a file and loaded back bit for bit.
 */

/** A tiny, fast training on a pattern dataset (parity task, 2 classes). */
const TRAIN: StoredTrainRequest = {
  encoder: { name: 'conv4', inputSize: 28, channels: 1, seed: 1, width: 8 },
  sources: [{ datasetId: 'wpat', taskName: 'parity' }],
  steps: 3,
  way: 2,
  shot: 2,
  query: 2,
  lr: 1e-3,
  seed: 1,
  valEvery: 0,
  store: {},
};

interface Trained {
  key: string | undefined;
  reused: boolean | undefined;
  stored: boolean | undefined;
  createdAt: string | undefined;
  historyLength: number;
  totalMs: number;
  values: number[][];
  memory: { before: number; after: number };
}

/** Run a (stored) training in the page's compute worker; the weights' values come back as plain arrays. */
async function train(page: Page, req: StoredTrainRequest): Promise<Trained> {
  return page.evaluate(async (r) => {
    const before = (await window.protobench.compute.memory()).numTensors;
    const res = await window.protobench.compute.trainEncoder(r);
    const after = (await window.protobench.compute.memory()).numTensors;
    return {
      key: res.weightsStore?.key,
      reused: res.weightsStore?.reused,
      stored: res.weightsStore?.stored,
      createdAt: res.weightsStore?.createdAt,
      historyLength: res.history.length,
      totalMs: res.timings.totalMs,
      values: res.weights.tensors.map((t) => Array.from(t.values)),
      memory: { before, after },
    };
  }, req);
}

test.describe('stored trained weights', () => {
  test('a training stores its weights; the same key reuses them bit for bit; any change trains again', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    await app.evaluate(() =>
      window.protobench.data.writePattern({ id: 'wpat', numImages: 120, channels: 1, seed: 4, shardSize: 16 }),
    );
    expect(await app.evaluate(() => window.protobench.data.listWeights())).toEqual([]);

    const first = await train(app, TRAIN);
    expect(first.reused).toBe(false);
    expect(first.stored).toBe(true);
    expect(first.key).toMatch(/^w1-[0-9a-f]{64}$/);
    expect(first.historyLength).toBe(3);
    expect(first.totalMs).toBeGreaterThan(0);
    const listed = await app.evaluate(() => window.protobench.data.listWeights());
    expect(listed).toHaveLength(1);
    const rec = listed[0];
    expect(rec?.key).toBe(first.key);
    expect(rec?.datasets).toEqual(['wpat']);
    expect(rec?.keyInput.backend).toBe('wasm');
    expect(rec?.keyInput.training).toEqual({
      steps: 3,
      way: 2,
      shot: 2,
      query: 2,
      lr: 1e-3,
      valEvery: 0,
      valEpisodes: 20,
      patience: 0,
      keepBest: true,
    });
    expect(rec?.summary.environment?.backend).toBe('wasm');
    expect(rec?.summary.trainMs).toBeGreaterThan(0);
    expect(rec?.bytes).toBe(4 * first.values.reduce((n, v) => n + v.length, 0));
    const manifest = await app.evaluate(() => window.protobench.data.getDataset('wpat'));
    expect(rec?.keyInput.fingerprints).toEqual({ wpat: manifest.fingerprint });

    // The same request again: loaded, not trained; the very same values; no tensor left behind.
    const again = await train(app, TRAIN);
    expect(again.reused).toBe(true);
    expect(again.key).toBe(first.key);
    expect(again.createdAt).toBe(first.createdAt);
    expect(again.historyLength, 'no training step ran').toBe(0);
    expect(again.totalMs).toBe(0);
    expect(again.values).toEqual(first.values);
    expect(again.memory.after).toBe(again.memory.before);
    // reuse: false trains (the same numbers: training is seeded) and replaces the record.
    const fresh = await train(app, { ...TRAIN, store: { reuse: false } });
    expect(fresh.reused).toBe(false);
    expect(fresh.historyLength).toBe(3);
    expect(fresh.values).toEqual(first.values);

    // Loading stored weights leaves tf.memory() flat.
    const mem = await app.evaluate(async (key) => {
      const m0 = await window.protobench.compute.memory();
      const w = await window.protobench.compute.loadStoredWeights(key);
      const m1 = await window.protobench.compute.memory();
      return { m0, m1, tensors: w?.weights.tensors.length ?? 0 };
    }, first.key as string);
    expect(mem.tensors).toBe(first.values.length);
    expect(mem.m1).toEqual(mem.m0);

    // A different seed, training config or encoder resolution is a different key: trained, stored beside.
    const changes: [string, StoredTrainRequest][] = [
      ['seed', { ...TRAIN, seed: 2 }],
      ['steps', { ...TRAIN, steps: 4 }],
      ['lr', { ...TRAIN, lr: 2e-3 }],
      ['patience', { ...TRAIN, patience: 2 }],
      ['resolution', { ...TRAIN, encoder: { ...TRAIN.encoder, inputSize: 32 } }],
    ];
    const keys = new Set([first.key]);
    for (const [what, req] of changes) {
      const r = await train(app, req);
      expect(r.reused, what).toBe(false);
      expect(r.historyLength, what).toBe('steps' in req ? req.steps : NaN);
      expect(keys.has(r.key), what).toBe(false);
      keys.add(r.key);
    }
    expect(await app.evaluate(() => window.protobench.data.listWeights().then((l) => l.length))).toBe(6);
    // Without `store` nothing is looked up or stored (the engine API as before).
    const plain = await train(app, { ...TRAIN, store: undefined });
    expect(plain.key).toBeUndefined();
    expect(plain.historyLength).toBe(3);
    expect(await app.evaluate(() => window.protobench.data.listWeights().then((l) => l.length))).toBe(6);
  });

  test('deleting a dataset deletes the weights trained on it; replacing it makes them unreachable and pruned', async ({
    app,
  }) => {
    test.setTimeout(120_000);
    for (const id of ['wpat', 'wpat2'])
      await app.evaluate(
        (i) => window.protobench.data.writePattern({ id: i, numImages: 120, channels: 1, seed: 4 }),
        id,
      );
    const a = await train(app, TRAIN);
    const both = await train(app, {
      ...TRAIN,
      sources: [
        { datasetId: 'wpat', taskName: 'parity' },
        { datasetId: 'wpat2', taskName: 'parity' },
      ],
    });
    const b = await train(app, { ...TRAIN, sources: [{ datasetId: 'wpat2', taskName: 'parity' }] });
    expect(await app.evaluate(() => window.protobench.data.weightsOfDataset('wpat').then((k) => k.sort()))).toEqual(
      [a.key, both.key].sort(),
    );
    await app.evaluate(() => window.protobench.data.deleteDataset('wpat'));
    const left = await app.evaluate(() => window.protobench.data.listWeights());
    expect(left.map((r) => r.key)).toEqual([b.key]);
    expect(await app.evaluate(() => window.protobench.data.auditWeights())).toMatchObject({ records: 1, stale: 0 });

    // Rewriting wpat2 with other content changes its fingerprint: b can never be reused, and is pruned.
    await app.evaluate(() =>
      window.protobench.data.writePattern({ id: 'wpat2', numImages: 120, channels: 1, seed: 5 }),
    );
    expect(await app.evaluate(() => window.protobench.data.listWeights())).toEqual([]);
    const b2 = await train(app, { ...TRAIN, sources: [{ datasetId: 'wpat2', taskName: 'parity' }] });
    expect(b2.reused).toBe(false);
    expect(b2.key).not.toBe(b.key);
  });

  test('stored weights export to a file and load back bit for bit; a forged file is refused', async ({ app }) => {
    test.setTimeout(120_000);
    await app.evaluate(() => window.protobench.data.writePattern({ id: 'wpat', numImages: 120, channels: 1, seed: 4 }));
    const t = await train(app, TRAIN);
    const key = t.key as string;
    const out = await app.evaluate(async (k) => {
      const data = window.protobench.data;
      const bytes = await data.exportWeights(k);
      const head = new TextDecoder().decode(bytes.subarray(0, 8));
      await data.deleteWeights(k);
      const gone = (await data.listWeights()).length;
      const info = await data.importWeightsFile(bytes.slice());
      const back = await window.protobench.compute.loadStoredWeights(k);
      // A file whose header claims another key is refused; so is one whose test score is out of range.
      const h = new DataView(bytes.buffer).getUint32(8, true);
      const pad = (n: number) => (n + 3) & ~3;
      const start = pad(12 + h);
      type Meta = { keyInput: { seed: number }; summary: Record<string, unknown> };
      const forge = (edit: (json: { meta: Meta }) => void): Uint8Array => {
        const json = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + h)));
        edit(json);
        const forgedHeader = new TextEncoder().encode(JSON.stringify(json));
        const fstart = pad(12 + forgedHeader.length);
        const forged = new Uint8Array(fstart + bytes.length - start);
        forged.set(bytes.subarray(0, 8));
        new DataView(forged.buffer).setUint32(8, forgedHeader.length, true);
        forged.set(forgedHeader, 12);
        forged.set(bytes.subarray(start), fstart);
        return forged;
      };
      const attempt = (b: Uint8Array) =>
        data.importWeightsFile(b).then(
          () => 'stored',
          (e: Error) => e.message,
        );
      const refused = await attempt(
        forge((j) => {
          j.meta.keyInput.seed = 99;
        }),
      );
      const badTest = await attempt(
        forge((j) => {
          const v = { value: 0.9, lo: 0.8, hi: 1 };
          j.meta.summary.test = { split: 'test', n: 60, accuracy: v, auroc: { ...v, hi: 7 } };
        }),
      );
      return {
        head,
        size: bytes.length,
        gone,
        key: info.key,
        values: back?.weights.tensors.map((x) => Array.from(x.values)),
        refused,
        badTest,
      };
    }, key);
    expect(out.head).toBe('PBWEIGHT');
    expect(out.gone).toBe(0);
    expect(out.key).toBe(key);
    expect(out.values).toEqual(t.values);
    expect(out.refused).toMatch(/key does not match/);
    expect(out.badTest).toBe("This weights file's summary.test.auroc.hi: expected a finite number in [0, 1], found 7");
    // Reused after the import as if it had been trained here.
    expect((await train(app, TRAIN)).reused).toBe(true);
  });
});

test('the run page stores trained weights and a second run reuses them: no training, the same numbers', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await configureShortRun(page, { k: '1', episodes: 20, seed: 3, steps: 2 });
  // Every progress line, as shown (each assignment replaces the text node).
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="run-progress"]') as HTMLElement;
    const w = window as unknown as { progressLines: string[] };
    w.progressLines = [];
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) w.progressLines.push(n.textContent ?? '');
    }).observe(el, { childList: true, subtree: true });
  });
  const lines = async (): Promise<string[]> => {
    const w = await page.evaluate(() => (window as unknown as { progressLines: string[] }).progressLines.splice(0));
    return w;
  };
  const newestRun = async () =>
    page.evaluate(async () => {
      const [s] = await window.protobench.data.listRuns();
      return s ? window.protobench.data.getRun(s.id) : undefined;
    });
  /** Press Run and wait until a new run record is done and the page shows it. */
  const runToEnd = async (): Promise<void> => {
    const before = (await newestRun())?.id;
    await page.getByTestId('run-start').click();
    await expect
      .poll(
        async () => {
          const r = await newestRun();
          return r && r.id !== before ? r.status : 'not started';
        },
        { timeout: 120_000 },
      )
      .toBe('done');
    await expect(page.locator('#run-body[data-status="done"]')).toBeAttached();
  };

  await runToEnd();
  const full = await matrixCells(page);
  const run1 = await newestRun();
  const firstLines = await lines();
  expect(
    firstLines.some((l) => /step \d+ of 2/.test(l)),
    'the first run trained',
  ).toBe(true);
  expect(firstLines.some((l) => /reusing trained weights/.test(l))).toBe(false);
  expect(run1?.timings.trainMs).toBeGreaterThan(0);
  const trainedCells = run1?.cells.filter((c) => c.trainedWeights) ?? [];
  expect(trainedCells.length).toBeGreaterThan(0);
  expect(trainedCells.every((c) => c.trainedWeights?.reused === false)).toBe(true);
  const stored = await page.evaluate(() => window.protobench.data.listWeights());
  expect(stored.map((s) => s.key).sort()).toEqual([...new Set(trainedCells.map((c) => c.trainedWeights?.key))].sort());
  for (const s of stored) {
    expect(s.keyInput.backend).toBe('wasm');
    expect(s.keyInput.training?.steps).toBe(2);
    expect(s.keyInput.seed).toBe(3);
  }
  console.log(`stored weights: ${stored.map((s) => `${s.key.slice(0, 11)} ${s.bytes} bytes`).join(', ')}`);

  // 2. The same config again: every trained row reuses the stored weights.
  const m0 = await page.evaluate(() => window.protobench.compute.memory());
  await runToEnd();
  const m1 = await page.evaluate(() => window.protobench.compute.memory());
  expect(m1.numTensors).toBe(m0.numTensors);
  const run2 = await newestRun();
  expect(run2?.id).not.toBe(run1?.id);
  const secondLines = await lines();
  expect(secondLines.some((l) => /reusing trained weights from \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(l))).toBe(true);
  expect(
    secondLines.filter((l) => /step \d+ of 2, loss/.test(l)),
    'no training step',
  ).toEqual([]);
  expect(run2?.timings.trainMs).toBe(0);
  const reusedCells = run2?.cells.filter((c) => c.trainedWeights) ?? [];
  expect(reusedCells.map((c) => c.trainedWeights)).toEqual(
    trainedCells.map((c) => ({ key: c.trainedWeights?.key, reused: true })),
  );
  expect(await matrixCells(page)).toEqual(full);

  // 3. Another seed: trained again, stored beside the first.
  await page.getByTestId('run-seed').fill('4');
  await runToEnd();
  const run3 = await newestRun();
  expect(run3?.timings.trainMs).toBeGreaterThan(0);
  expect(run3?.cells.some((c) => c.trainedWeights?.reused)).toBe(false);
  expect((await lines()).some((l) => /step \d+ of 2/.test(l))).toBe(true);
  expect(await page.evaluate(() => window.protobench.data.listWeights().then((l) => l.length))).toBe(2 * stored.length);

  // 4. The page's list of stored weights: one row per record; download one, delete it, load the file back.
  await page.getByTestId('weights-list').locator('summary').click();
  await expect(page.getByTestId('weights-row')).toHaveCount(2 * stored.length);
  const first = stored[0]!;
  const row = page.locator(`[data-testid="weights-row"][data-key="${first.key}"]`);
  const dl = page.waitForEvent('download');
  await row.getByTestId('weights-download').click();
  const file = await (await dl).path();
  page.once('dialog', (d) => void d.accept());
  await row.getByTestId('weights-delete').click();
  await expect(page.getByTestId('weights-row')).toHaveCount(2 * stored.length - 1);
  await expect(row).toHaveCount(0);
  await page.getByTestId('weights-load').setInputFiles(file);
  await expect(page.getByTestId('weights-note')).toContainText(`Loaded weights ${first.key.slice(0, 15)}`);
  await expect(row).toHaveCount(1);
  // A file that is not a weights file is refused with its name.
  await page.getByTestId('weights-load').setInputFiles({
    name: 'junk.pbweights',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('not weights'),
  });
  await expect(page.getByTestId('weights-note')).toContainText('Could not load junk.pbweights');
  await expect(page.getByTestId('weights-row')).toHaveCount(2 * stored.length);
  expect(errors).toEqual([]);
});
