import type { Page } from '@playwright/test';
import { planEpisodes, type Episode } from '../src/core/sampling';
import { multilabelView, singleLabelView } from '../src/core/sampling/test-fixtures';
import { Rng } from '../src/core/rng';
import { protonetMultilabel, protonetSingleLabel } from '../src/core/stats';
import type { CellRequest } from '../src/engine/fewshot/cell';
import type { ConvPoolCase } from '../src/engine/fewshot/probes';
import type { EncoderConfig } from '../src/engine/fewshot/encoders/types';
import { expect, openApp, test } from './fixtures';

/**
 * The few-shot engine in the real compute worker, on the synthetic demo meta-dataset. Episodes, images
 * and weights are seeded: every number here is reproducible.
 */

/** Plain-data view of an episode outcome (typed arrays do not cross page.evaluate). */
interface Outcome {
  index: number;
  accuracy: number;
  auroc: number;
  predictions: number[];
  scores: number[];
}

async function predict(page: Page, req: CellRequest): Promise<Outcome[]> {
  return page.evaluate(async (r) => {
    const out = await window.protobench.compute.predictEpisodes(r);
    return out.map((o) => ({ ...o, predictions: Array.from(o.predictions), scores: Array.from(o.scores) }));
  }, req);
}

const CONV4_84: EncoderConfig = { name: 'conv4-untrained', inputSize: 84, channels: 3, seed: 1 };
const PIXELS_84: EncoderConfig = { name: 'pixels', inputSize: 84, channels: 3 };

/** demo_derm "Lesion shape": 4 classes, 30 test images each. */
const DERM_TEST: Omit<CellRequest, 'encoder'> = {
  datasetId: 'demo_derm',
  taskName: 'Lesion shape',
  split: 'test',
  spec: { mode: 'fixed', way: 4, shot: 5, query: 10, seed: 1 },
  episodes: 100,
};

type FilterGradCase = { n: number; h: number; w: number; cin: number; cout: number };

/** Runs f; the compute worker's tf.memory() (tensors and bytes) must be the same after it as before. */
async function flatMemory<T>(page: Page, f: () => Promise<T>): Promise<T> {
  const before = await page.evaluate(() => window.protobench.compute.memory());
  const got = await f();
  const after = await page.evaluate(() => window.protobench.compute.memory());
  expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
  return got;
}

/** The backend's 3x3 weight-gradient kernel vs its reference (relative differences); tf.memory() must not move. */
function filterGradCheck(page: Page, cases: FilterGradCase[]): Promise<number[]> {
  return flatMemory(page, () => page.evaluate((cs) => window.protobench.compute.filterGradCheck(cs), cases));
}

/** The app on wasm, our SIMD kernels' helper thread up (the backend report waits for it before any call). */
async function openWasmKernels(page: Page): Promise<void> {
  await openApp(page, 'backend=wasm&demo=off');
  await expect(page.getByTestId('env-backend')).toHaveText('wasm');
  await expect(page.getByTestId('env-own-kernels')).toHaveText('2 thread(s)');
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Episodes as JSON-safe data (multilabel targets as arrays), rebuilt in the page. */
function toPlain(episodes: Episode[]): unknown {
  return episodes.map((ep) =>
    ep.kind === 'single'
      ? ep
      : {
          ...ep,
          support: ep.support.map((s) => ({ image: s.image, targets: Array.from(s.targets) })),
          query: ep.query.map((q) => ({ image: q.image, targets: Array.from(q.targets) })),
        },
  );
}

test.describe('few-shot engine', () => {
  test('golden: the device ProtoNet on hand-made embeddings equals the float64 reference in src/core/stats', async ({
    app,
  }) => {
    const dim = 12;
    const single = planEpisodes(
      singleLabelView([
        [0, 'a', 30],
        [2, 'b', 25],
        [4, 'c', 40],
        [6, 'd', 33],
        [8, 'e', 28],
      ]),
      { mode: 'variable', seed: 3 },
    ).episodes(0, 10);
    const multi = planEpisodes(multilabelView([0.3, 0.6, 0.4], 150), {
      mode: 'medimeta',
      shot: 3,
      query: 5,
      seed: 1,
    }).episodes(0, 6);
    const rows = 400;
    const rng = new Rng(5);
    const emb = Array.from({ length: rows * dim }, () => rng.uniform(-1, 3));
    const rowsOf = (imgs: number[]): number[] => imgs.flatMap((i) => emb.slice(i * dim, (i + 1) * dim));
    for (const episodes of [single, multi]) {
      const out = await app.evaluate(
        async ([e, d, eps]) => {
          const parsed = (eps as Episode[]).map((ep) =>
            ep.kind === 'single'
              ? ep
              : {
                  ...ep,
                  support: ep.support.map((s) => ({ image: s.image, targets: Uint8Array.from(s.targets) })),
                  query: ep.query.map((q) => ({ image: q.image, targets: Uint8Array.from(q.targets) })),
                },
          );
          const r = await window.protobench.compute.protonetOnEmbeddings(Float32Array.from(e), d, parsed);
          return r.map((o) => ({ predictions: Array.from(o.predictions), scores: Array.from(o.scores) }));
        },
        [emb, dim, toPlain(episodes)] as const,
      );
      episodes.forEach((ep, i) => {
        const got = out[i]!;
        const sup = rowsOf(ep.support.map((s) => s.image));
        const qry = rowsOf(ep.query.map((q) => q.image));
        if (ep.kind === 'single') {
          const ref = protonetSingleLabel(
            sup,
            ep.support.map((s) => s.label),
            qry,
            ep.way,
            dim,
          );
          expect(got.predictions).toEqual(Array.from(ref.predictions));
          expect(maxAbsDiff(got.scores, Array.from(ref.probabilities))).toBeLessThan(1e-5);
        } else {
          const targets = ep.support.flatMap((s) => Array.from(s.targets));
          const ref = protonetMultilabel(sup, targets, qry, ep.way, dim);
          expect(got.predictions).toEqual(Array.from(ref.predictions));
          expect(maxAbsDiff(got.scores, Array.from(ref.scores))).toBeLessThan(1e-5);
        }
      });
    }
  });

  test('the same 100 episodes on wasm, cpu, webgpu and webgl give the same predictions', async ({ page }) => {
    test.setTimeout(420_000);
    const results: Record<string, Outcome[]> = {};
    for (const backend of ['wasm', 'cpu', 'webgpu', 'webgl'] as const) {
      // One browser context: the demo is written once and reused by the next page loads.
      await openApp(page, `backend=${backend}`);
      await expect(page.getByTestId('env-backend')).toHaveText(backend);
      // 12 test images per class (48 in all), so that SwiftShader's WebGPU embeds them in seconds, not minutes.
      results[backend] = await page.evaluate(async (encoder) => {
        const data = window.protobench.data;
        const labels = (await data.getLabels('demo_derm', 'Lesion shape')) as Int32Array;
        const test = (await data.getSplits('demo_derm')).test;
        const taken = new Map<number, number>();
        const indices = Uint32Array.from(
          Array.from(test).filter((i) => {
            const n = taken.get(labels[i] as number) ?? 0;
            taken.set(labels[i] as number, n + 1);
            return n < 12;
          }),
        );
        const task = (await data.getDataset('demo_derm')).tasks.find((t) => t.name === 'Lesion shape')!;
        const out = await window.protobench.compute.predictEpisodes({
          datasetId: 'demo_derm',
          taskName: task.name,
          split: 'test',
          spec: { mode: 'fixed', way: 4, shot: 3, query: 6, seed: 5 },
          episodes: 100,
          encoder,
          view: { task, labels, indices },
        });
        return out.map((o) => ({ ...o, predictions: Array.from(o.predictions), scores: Array.from(o.scores) }));
      }, CONV4_84);
    }
    const wasm = results.wasm!;
    expect(wasm).toHaveLength(100);
    for (const other of ['cpu', 'webgpu', 'webgl'] as const) {
      const o = results[other]!;
      // Predictions identical, episode by episode, hence identical accuracies. Probabilities within 1e-4:
      // the backends' convolutions differ in the last bits. AUROC ranks scores across images, so two near-
      // equal scores may swap: one swapped pair moves an episode's macro AUROC by 1/(4 x 6 x 18) = 0.0023.
      // Per episode within 0.01 (four swaps), and the mean over the 100 episodes within 0.001.
      expect(
        o.map((e) => e.predictions),
        `${other} vs wasm`,
      ).toEqual(wasm.map((e) => e.predictions));
      expect(o.map((e) => e.accuracy)).toEqual(wasm.map((e) => e.accuracy));
      expect(
        maxAbsDiff(
          o.flatMap((e) => e.scores),
          wasm.flatMap((e) => e.scores),
        ),
      ).toBeLessThan(1e-4);
      expect(
        maxAbsDiff(
          o.map((e) => e.auroc),
          wasm.map((e) => e.auroc),
        ),
      ).toBeLessThan(0.01);
      const mean = (xs: Outcome[]): number => xs.reduce((a, e) => a + e.auroc, 0) / xs.length;
      expect(Math.abs(mean(o) - mean(wasm))).toBeLessThan(1e-3);
    }
  });

  test('the fused WebGPU conv-bias-ReLU-pool kernel equals tfjs conv2d + maxPool (SwiftShader)', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page, 'backend=webgpu&demo=off');
    await expect(page.getByTestId('env-backend')).toHaveText('webgpu');
    const cases: ConvPoolCase[] = [
      // Odd sides (21 -> 10: the last conv row and column are dropped), 3 channels (scalar loads), partial tiles.
      { n: 2, h: 21, w: 21, cin: 3, cout: 64, tiling: { pt: 8, cpt: 16 } },
      // 64 channels (vec4 loads, 16 chunks), a non-square image.
      { n: 2, h: 16, w: 10, cin: 64, cout: 64, tiling: { pt: 8, cpt: 16 } },
      // 8 channels staged per barrier; 12 channels: a last chunk half full.
      { n: 1, h: 12, w: 12, cin: 12, cout: 64, tiling: { pt: 4, cpt: 16, chunk: 8 } },
      // Two output-channel tiles, another tiling.
      { n: 1, h: 9, w: 9, cin: 8, cout: 128, tiling: { pt: 4, cpt: 8 } },
      // Scalar loads with 8 staged (5 channels: one valid of the second four); 32 channels per thread; 2x3.
      { n: 3, h: 2, w: 3, cin: 5, cout: 64, tiling: { pt: 2, cpt: 32, chunk: 8 } },
    ];
    const got = await flatMemory(page, () => page.evaluate((cs) => window.protobench.compute.convPoolCheck(cs), cases));
    expect(got.map((g) => g.shape)).toEqual([
      [2, 10, 10, 64],
      [2, 8, 5, 64],
      [1, 6, 6, 64],
      [1, 4, 4, 128],
      [3, 1, 1, 64],
    ]);
    for (const [k, g] of got.entries()) expect(g.relDiff, `case ${k}`).toBeLessThan(1e-5);
  });

  test("the WebGPU 3x3 weight-gradient kernel equals tfjs's Conv2DBackpropFilter (SwiftShader)", async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page, 'backend=webgpu&demo=off');
    await expect(page.getByTestId('env-backend')).toHaveText('webgpu');
    const cases = [
      // 3 input channels (one partial tile), a row of 20 (one partial segment of 32).
      { n: 3, h: 20, w: 20, cin: 3, cout: 16 },
      // 640 (image, row, segment) items: 2 per workgroup; 20 and 68 channels: partial tiles both ways.
      { n: 8, h: 40, w: 40, cin: 20, cout: 68 },
      // 1x1 images: every tap but the centre reads padding.
      { n: 2, h: 1, w: 1, cin: 4, cout: 4 },
    ];
    const got = await filterGradCheck(page, cases);
    expect(got).toHaveLength(3);
    for (const [k, d] of got.entries()) expect(d, `case ${k}`).toBeLessThan(1e-5);
  });

  test("the wasm SIMD 3x3 weight-gradient kernels (direct, Winograd), on two threads, equal XNNPACK's formulation", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await openWasmKernels(page);
    const cases = [
      // One 16-channel group: the calling thread alone.
      { n: 3, h: 20, w: 20, cin: 3, cout: 16 },
      // Odd sides; 5 input channels: a 3-channel tile and a remainder of 2; 4 groups split 2 + 2.
      { n: 4, h: 13, w: 11, cin: 5, cout: 64 },
      // 1x1 images: only the centre tap reads the image.
      { n: 2, h: 1, w: 1, cin: 4, cout: 32 },
      // One column; 3 groups split 1 + 2.
      { n: 2, h: 3, w: 1, cin: 64, cout: 48 },
      // A Conv-4 second block's shape, 10 images (CI % 4 == 0, CI >= 16 from here: Winograd F(3x3, 2x2)).
      { n: 10, h: 42, w: 42, cin: 64, cout: 64 },
      // Winograd: odd rows and even columns (clipped gradient tiles, padded input columns); 3 groups split 1 + 2.
      { n: 3, h: 7, w: 10, cin: 16, cout: 48 },
      // Winograd on 1x1 images: one tile, three of its four gradients outside; 20 input channels (6 + 6 + 6 + 2).
      { n: 2, h: 1, w: 1, cin: 20, cout: 32 },
    ];
    const got = await filterGradCheck(page, cases);
    expect(got).toHaveLength(cases.length);
    for (const [k, d] of got.entries()) expect(d, `case ${k}`).toBeLessThan(1e-5);
  });

  test("the wasm Winograd 3x3 convolution (plain, and fused with bias, ReLU and max-pool) equals XNNPACK's", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await openWasmKernels(page);
    const cases = [
      // Odd rows: the last tile row half outside (its outputs clipped). Even columns: the last tile's fourth
      // input column is padding that its second output column reads.
      { n: 3, h: 7, w: 10, cin: 16, cout: 16 },
      // 1x1 images: one tile, three of its four outputs clipped; a single tile cannot be split.
      { n: 1, h: 1, w: 1, cin: 4, cout: 32 },
      // One column, two rows; 20 input channels (5 groups of 4), 48 output channels (3 register tiles).
      { n: 5, h: 2, w: 1, cin: 20, cout: 48 },
      // 441 tiles split 220 + 221: blocks of 30, remainders of 10 and 11 (products of 6 tiles and of 1).
      { n: 1, h: 42, w: 41, cin: 64, cout: 64 },
      // Wide channels: blocks of 6 tiles, 9 per thread (training keeps such layers on XNNPACK: winogradTakes).
      { n: 2, h: 5, w: 5, cin: 320, cout: 640 },
    ];
    // The embedder's fused form: bias, ReLU and the 2x2 max-pool on each tile; the conv output is never written.
    const pooled: ConvPoolCase[] = [
      // Odd sides: 21 -> 10, the last conv row and column dropped (no tile computed for them).
      { n: 2, h: 21, w: 21, cin: 16, cout: 64 },
      // A non-square image, 64 channels.
      { n: 2, h: 16, w: 10, cin: 64, cout: 64 },
      // 2x3 -> 1x1: a single window.
      { n: 3, h: 2, w: 3, cin: 20, cout: 48 },
    ];
    const [got, gotPooled] = await flatMemory(
      page,
      async () =>
        [
          await page.evaluate((cs) => window.protobench.compute.winogradCheck(cs), cases),
          await page.evaluate((cs) => window.protobench.compute.convPoolCheck(cs), pooled),
        ] as const,
    );
    expect(got).toHaveLength(cases.length);
    // F(2x2, 3x3) in float32 differs from direct sums by a few ulps of the largest output.
    for (const [k, d] of got.entries()) expect(d, `case ${k}`).toBeLessThan(1e-5);
    expect(gotPooled.map((g) => g.shape)).toEqual([
      [2, 10, 10, 64],
      [2, 8, 5, 64],
      [3, 1, 1, 48],
    ]);
    for (const [k, g] of gotPooled.entries()) expect(g.relDiff, `pooled case ${k}`).toBeLessThan(1e-5);
  });

  test('cached and naive evaluation agree exactly (fixed, MedIMeta multilabel and variable episodes)', async ({
    page,
  }) => {
    test.setTimeout(300_000);
    await openApp(page, 'backend=wasm');
    const cells: CellRequest[] = [
      { ...DERM_TEST, episodes: 30, encoder: CONV4_84 },
      {
        datasetId: 'demo_xray_a',
        taskName: 'Findings',
        split: 'test',
        spec: { mode: 'medimeta', shot: 3, query: 5, seed: 2 },
        episodes: 10,
        encoder: { ...CONV4_84, channels: 1 },
      },
      {
        datasetId: 'demo_histo',
        taskName: 'Cellularity grade',
        split: 'val',
        spec: { mode: 'variable', seed: 3 },
        episodes: 8,
        encoder: CONV4_84,
      },
    ];
    for (const cell of cells) {
      const cached = await predict(page, cell);
      const naive = await predict(page, { ...cell, path: 'naive' });
      expect(naive, `${cell.datasetId} ${cell.spec.mode}`).toEqual(cached);
      expect(cached).toHaveLength(cell.episodes ?? 0);
    }
  });

  test('no leaks: tf.memory() is flat over cells of every method (fine-tune trains a copy per episode)', async ({
    page,
  }) => {
    test.setTimeout(300_000);
    await openApp(page, 'backend=wasm');
    const before = await page.evaluate(() => window.protobench.compute.memory());
    const runs: [EncoderConfig, 'protonet' | 'linear-probe' | 'finetune'][] = [
      [CONV4_84, 'linear-probe'],
      [{ name: 'conv4', inputSize: 84, channels: 3, seed: 1 }, 'finetune'],
      [PIXELS_84, 'finetune'],
      [CONV4_84, 'finetune'],
    ];
    const accuracy: Record<string, number> = {};
    for (const [encoder, method] of runs) {
      const r = await page.evaluate((req) => window.protobench.compute.evaluateCell(req), {
        ...DERM_TEST,
        episodes: 4,
        encoder,
        method,
        finetune: { steps: 3, lr: 0.01, headInit: 'zero' as const },
      });
      const what = `${encoder.name} ${method}`;
      expect(r.memory.after, what).toEqual(r.memory.before);
      expect(r.method, what).toBe(method);
      expect(r.accuracy.n, what).toBe(4);
      accuracy[what] = r.accuracy.mean;
    }
    // The untrained baseline fine-tunes its seeded init: the same cell as conv4 at that seed without weights.
    expect(accuracy['conv4-untrained finetune']).toBe(accuracy['conv4 finetune']);
    const after = await page.evaluate(() => window.protobench.compute.memory());
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
  });

  test('no leaks: tf.memory() is flat over consecutive cells of three encoders', async ({ page }) => {
    test.setTimeout(300_000);
    await openApp(page, 'backend=wasm');
    const app = page;
    const before = await app.evaluate(() => window.protobench.compute.memory());
    const encoders: EncoderConfig[] = [
      PIXELS_84,
      CONV4_84,
      { name: 'resnet12', inputSize: 84, channels: 3, seed: 1, widths: [16, 32, 32, 64] },
    ];
    for (const encoder of encoders) {
      const r = await app.evaluate((req) => window.protobench.compute.evaluateCell(req), {
        ...DERM_TEST,
        episodes: 20,
        encoder,
      });
      expect(r.memory.after, encoder.name).toEqual(r.memory.before);
      expect(r.episodes).toBe(20);
      expect(r.accuracy.n).toBe(20);
    }
    const after = await app.evaluate(() => window.protobench.compute.memory());
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  test('gradients on wasm and webgpu (custom conv, BatchNorm, max-pool gradients) equal tfjs native gradients on cpu', async ({
    page,
  }) => {
    test.setTimeout(240_000);
    const configs: EncoderConfig[] = [
      { name: 'conv4', inputSize: 32, channels: 3, seed: 2, width: 16 },
      // Odd sides (36 -> 18 -> 9 -> 4): the max-pool mask's padded last row/column (maxpool-step.ts).
      { name: 'conv4', inputSize: 36, channels: 3, seed: 4, width: 8 },
      // The same with 16 channels: wasm's fused BatchNorm-pool-ReLU kernels (16-channel groups), odd sides.
      { name: 'conv4', inputSize: 36, channels: 3, seed: 5, width: 16 },
      { name: 'resnet12', inputSize: 24, channels: 3, seed: 3, widths: [8, 8, 16, 16] },
    ];
    // Black top halves: windows of equal maxima, whose gradient goes to the first one only (as MaxPoolGrad).
    const flat = [false, false, false, false, true, true];
    configs.push(
      { name: 'conv4', inputSize: 32, channels: 3, seed: 2, width: 16 },
      { name: 'conv4', inputSize: 36, channels: 3, seed: 4, width: 8 },
    );
    type Values = { name: string; values: number[] }[];
    type Grads = { loss: number; grads: Values; running: Values }[];
    const run = async (backend: string, reference: boolean): Promise<Grads> => {
      await openApp(page, `backend=${backend}&demo=off`);
      await expect(page.getByTestId('env-backend')).toHaveText(backend);
      return page.evaluate(
        async ([cs, ref, fl]) => {
          const out = [];
          for (const [k, c] of cs.entries()) {
            const g = await window.protobench.compute.encoderGradients(c, {
              batch: 6,
              seed: 1,
              reference: ref,
              flat: fl[k],
            });
            const plain = (ts: typeof g.grads) => ts.map((t) => ({ name: t.name, values: Array.from(t.values) }));
            out.push({ loss: g.loss, grads: plain(g.grads), running: plain(g.running) });
          }
          return out;
        },
        [configs, reference, flat] as const,
      );
    };
    const cpu = await run('cpu', true);
    // The same fast path on WebGPU (SwiftShader): what a GPU browser trains with.
    for (const backend of ['wasm', 'webgpu'] as const) {
      const fast = await run(backend, false);
      configs.forEach((c, k) => {
        const a = fast[k]!;
        const b = cpu[k]!;
        expect(a.loss).toBeCloseTo(b.loss, 3);
        a.grads.forEach((g, i) => {
          const r = b.grads[i]!;
          expect(g.name).toBe(r.name);
          const scale = Math.max(...r.values.map(Math.abs));
          expect(maxAbsDiff(g.values, r.values) / scale, `${backend} ${c.name} ${g.name}`).toBeLessThan(1e-4);
        });
        expect(a.running.length, `${backend} ${c.name} running statistics`).toBe(b.running.length);
        a.running.forEach((g, i) => {
          const r = b.running[i]!;
          expect(g.name).toBe(r.name);
          const scale = Math.max(...r.values.map(Math.abs));
          expect(maxAbsDiff(g.values, r.values) / scale, `${backend} ${c.name} ${g.name}`).toBeLessThan(1e-5);
        });
      });
    }
  });

  test('cross-domain sources: training for a target leaves out the target, its domain and subject overlaps', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await openApp(page, 'backend=wasm');
    const r = await page.evaluate(() =>
      window.protobench.compute.trainEncoder({
        encoder: { name: 'conv4', inputSize: 42, channels: 3, seed: 1, width: 16 },
        sources: { kind: 'all-except', target: 'demo_derm' },
        steps: 3,
        way: 3,
        shot: 2,
        query: 2,
        lr: 1e-3,
        seed: 1,
        valEvery: 0,
      }),
    );
    const used = new Set(r.sources.map((s) => s.datasetId));
    expect(used.has('demo_derm')).toBe(false);
    // Same subjects (cohort) as the target.
    expect(used.has('demo_skin_photo')).toBe(false);
    expect(r.skipped).toContainEqual({
      datasetId: 'demo_skin_photo',
      taskName: '*',
      reason: 'subject overlap with the target',
    });
    expect([...used].sort()).toEqual(['demo_histo', 'demo_oct', 'demo_xray_a', 'demo_xray_b']);
    // Multilabel tasks are not training sources.
    expect(r.sources.some((s) => s.taskName === 'Findings')).toBe(false);
    expect(r.history).toHaveLength(3);
    expect(r.memory.after).toEqual(r.memory.before);
  });

  test('in-domain: a meta-trained Conv-4 beats the untrained Conv-4 and the pixel baseline', async ({ page }) => {
    test.setTimeout(600_000);
    await openApp(page, 'backend=wasm');
    const app = page;
    const train = await app.evaluate(() =>
      window.protobench.compute.trainEncoder({
        encoder: { name: 'conv4', inputSize: 84, channels: 3, seed: 1 },
        sources: [{ datasetId: 'demo_derm', taskName: 'Lesion shape' }],
        steps: 50,
        way: 4,
        shot: 5,
        query: 5,
        lr: 1e-3,
        seed: 1,
        valEvery: 25,
        valEpisodes: 20,
      }),
    );
    expect(train.memory.after).toEqual(train.memory.before);
    expect(train.history).toHaveLength(50);
    // Model selection: the init (step 0) is a candidate; the best val AUROC wins, ties keep the earlier.
    expect(train.validations.map((v) => v.step)).toEqual([0, 25, 50]);
    expect(train.bestStep).toBe(train.validations.reduce((a, b) => (b.auroc > a.auroc ? b : a)).step);
    expect(train.bestValAuroc).toBe(Math.max(...train.validations.map((v) => v.auroc)));
    const evalCell = (encoder: EncoderConfig, withWeights: boolean) =>
      app.evaluate(([req, w]) => window.protobench.compute.evaluateCell(w ? { ...req, weights: w } : req), [
        { ...DERM_TEST, spec: { mode: 'fixed', way: 4, shot: 5, query: 15, seed: 7 }, encoder },
        withWeights ? train.weights : null,
      ] as const);
    const trained = await evalCell({ name: 'conv4', inputSize: 84, channels: 3, seed: 1 }, true);
    const untrained = await evalCell(CONV4_84, false);
    const pixels = await evalCell(PIXELS_84, false);
    const summary = {
      trained: trained.accuracy,
      untrained: untrained.accuracy,
      pixels: pixels.accuracy,
      train: train.timings,
    };
    console.log(JSON.stringify(summary));
    test.info().annotations.push({ type: 'accuracy', description: JSON.stringify(summary) });
    for (const base of [untrained, pixels]) {
      // Separated by more than both 95% intervals.
      expect(trained.accuracy.mean - trained.accuracy.ci95).toBeGreaterThan(base.accuracy.mean + base.accuracy.ci95);
      expect(trained.auroc.mean).toBeGreaterThan(base.auroc.mean);
    }
  });
});
