import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { openApp } from '../e2e/fixtures';
import type { CellRequest, CellResult } from '../src/engine/fewshot/cell';
import type { EncoderConfig } from '../src/engine/fewshot/encoders/types';
import { report } from './report';
import { median } from './stats';

/**
 * The few-shot engine on wasm (2 threads, SIMD), in the same shapes as bench/reference/protonet_torch.py:
 * Conv-4 embedding throughput, a full cached 600-episode cell streamed from IndexedDB, meta-training steps.
 * When bench/results/engine-torch.json exists (run the Python script first), each row gets its ratio.
 */

const here = dirname(fileURLToPath(import.meta.url));
const CONV4 = (inputSize: number): EncoderConfig => ({ name: 'conv4', inputSize, channels: 3, seed: 1 });

/** PyTorch's numbers, keyed like ours; absent when the reference has not been run. */
function torchResults(): Record<string, number> {
  const p = join(here, 'results', 'engine-torch.json');
  if (!existsSync(p)) return {};
  return (JSON.parse(readFileSync(p, 'utf8')) as { numbers: Record<string, number> }).numbers;
}

async function wasmPage(page: Page): Promise<void> {
  await openApp(page, 'backend=wasm&demo=off');
  const env = await page.evaluate(() => window.protobench.compute.environment());
  expect(env?.backend).toBe('wasm');
  expect(env?.wasm?.threads).toBe(2);
}

test('Conv-4 embedding throughput, batch 100 (wasm, 2 threads)', async ({ page }) => {
  await wasmPage(page);
  const torch = torchResults();
  const rows: Record<string, string | number>[] = [];
  const raw: unknown[] = [];
  for (const [size, rounds] of [
    [84, 7],
    [224, 5],
  ] as const) {
    const r = await page.evaluate(([c, n]) => window.protobench.compute.timeEmbedding(c, 100, n), [
      CONV4(size),
      rounds,
    ] as const);
    raw.push(r);
    const key = `embed${size}_images_per_s`;
    rows.push({
      input: `${size}x${size}x3`,
      'median ms / 100': r.medianMs,
      'images/s': r.imagesPerSecond,
      'GFLOP/s': r.gflops,
      'warm-up ms': r.warmupMs,
      'PyTorch images/s': torch[key] ?? '-',
      'vs PyTorch': torch[key] ? r.imagesPerSecond / (torch[key] as number) : '-',
    });
  }
  report('engine-embed', rows, raw);
});

test('a full cached cell: 600 episodes of 5-way 5-shot 15-query over a 1000-image split at 84x84x3 (wasm)', async ({
  page,
}) => {
  test.setTimeout(1_200_000);
  await wasmPage(page);
  const torch = torchResults();
  // 1000 RGB 224x224 images in IndexedDB; 10 classes of 100 (labels given as a view override).
  await page.evaluate(() =>
    window.protobench.data.writePattern({ id: 'cell1000', numImages: 1000, channels: 3, seed: 1 }),
  );
  const cell = (path: 'cached' | 'naive', episodes: number): Promise<CellResult> =>
    page.evaluate(
      ([p, n, encoder]) => {
        const task = {
          name: 'ten classes',
          target: 'MULTICLASS_CLASSIFICATION' as const,
          labels: Array.from({ length: 10 }, (_, v) => ({ value: v, name: `c${v}` })),
        };
        const req: CellRequest = {
          datasetId: 'cell1000',
          taskName: task.name,
          split: 'test',
          spec: { mode: 'fixed', way: 5, shot: 5, query: 15, seed: 1 },
          episodes: n,
          encoder,
          path: p,
          view: {
            task,
            labels: Int32Array.from({ length: 1000 }, (_, i) => i % 10),
            indices: Uint32Array.from({ length: 1000 }, (_, i) => i),
          },
        };
        return window.protobench.compute.evaluateCell(req);
      },
      [path, episodes, CONV4(84)] as const,
    );
  const runs: CellResult[] = [];
  for (let r = 0; r < 3; r++) runs.push(await cell('cached', 600));
  // The naive path (every episode embeds its own 100 images) on 20 episodes, for the cache's speed-up.
  const naive = await cell('naive', 20);
  const m = (f: (x: CellResult) => number): number => median(runs.map(f));
  const total = m((r) => r.timings.totalMs);
  const naivePerEpisode = naive.timings.totalMs / 20;
  const rows = [
    {
      path: 'cached (embedding cache + batched episodes)',
      'total s': total / 1000,
      'load s (IndexedDB wait)': m((r) => r.timings.loadMs) / 1000,
      'embed warm-up s': m((r) => r.timings.embedWarmupMs) / 1000,
      'embed s': m((r) => r.timings.embedMs) / 1000,
      'episodes s': m((r) => r.timings.episodesMs) / 1000,
      'images embedded': runs[0]!.timings.images,
      'ms / episode': total / 600,
      'PyTorch total s': torch.cell_total_s ?? '-',
      'vs PyTorch (time ratio)': torch.cell_total_s ? total / 1000 / torch.cell_total_s : '-',
    },
    {
      path: 'naive (embed per episode), 20 episodes',
      'total s': naive.timings.totalMs / 1000,
      'load s (IndexedDB wait)': naive.timings.loadMs / 1000,
      'embed warm-up s': naive.timings.embedWarmupMs / 1000,
      'embed s': naive.timings.embedMs / 1000,
      'episodes s': naive.timings.episodesMs / 1000,
      'images embedded': naive.timings.images,
      'ms / episode': naivePerEpisode,
      'PyTorch total s': '-',
      'vs PyTorch (time ratio)': '-',
    },
  ];
  report('engine-cell', rows, {
    runs: runs.map((r) => ({ timings: r.timings, accuracy: r.accuracy, memory: r.memory })),
    naive: naive.timings,
  });
  for (const r of runs) expect(r.memory.after).toEqual(r.memory.before);
});

test('meta-training steps/s at 84x84x3, 5-way 5-shot 15-query episodes (wasm)', async ({ page }) => {
  test.setTimeout(1_200_000);
  await wasmPage(page);
  const torch = torchResults();
  const episode = { way: 5, shot: 5, query: 15 };
  // Compute only: a synthetic episode already on the device.
  const step = await page.evaluate(([c, e]) => window.protobench.compute.timeTrainStep(c, e, 7), [
    CONV4(84),
    episode,
  ] as const);
  // End to end: episodes drawn and streamed from IndexedDB (the next one prefetched during each step).
  await page.evaluate(() =>
    window.protobench.data.writePattern({ id: 'train1000', numImages: 1000, channels: 3, seed: 2 }),
  );
  const train = await page.evaluate(
    ([c, e]) => {
      const task = {
        name: 'ten classes',
        target: 'MULTICLASS_CLASSIFICATION' as const,
        labels: Array.from({ length: 10 }, (_, v) => ({ value: v, name: `c${v}` })),
      };
      return window.protobench.compute.trainEncoder({
        encoder: c,
        sources: [
          {
            datasetId: 'train1000',
            taskName: task.name,
            view: {
              task,
              labels: Int32Array.from({ length: 1000 }, (_, i) => i % 10),
              indices: Uint32Array.from({ length: 1000 }, (_, i) => i),
            },
          },
        ],
        steps: 12,
        ...e,
        lr: 1e-3,
        seed: 1,
        valEvery: 0,
      });
    },
    [CONV4(84), episode] as const,
  );
  const rows = [
    {
      run: 'compute only (synthetic episode on device)',
      'median step ms': step.medianMs,
      'steps/s': step.stepsPerSecond,
      'GFLOP/s (3x forward)': step.gflops,
      'warm-up ms': step.warmupMs,
      'PyTorch steps/s': torch.train_steps_per_s ?? '-',
      'vs PyTorch': torch.train_steps_per_s ? step.stepsPerSecond / torch.train_steps_per_s : '-',
    },
    {
      // steps/s over the whole call: 12 steps including the first one's kernel warm-up and the first load.
      run: 'trainEncoder, streamed from IndexedDB (12 steps, warm-up included)',
      'median step ms': train.timings.stepMsMedian,
      'steps/s': 12 / (train.timings.totalMs / 1000),
      'GFLOP/s (3x forward)': (3 * 100 * step.cost.flops) / (train.timings.totalMs / 12 / 1000) / 1e9,
      'warm-up ms': '-',
      'PyTorch steps/s': '-',
      'vs PyTorch': '-',
    },
  ];
  report('engine-train', rows, {
    step,
    train: { timings: train.timings, history: train.history, memory: train.memory },
  });
  expect(train.memory.after).toEqual(train.memory.before);
});

test('fine-tune: 100 Adam steps per 5-way 5-shot task at 84x84x3, a new head each task (wasm)', async ({ page }) => {
  test.setTimeout(1_200_000);
  await wasmPage(page);
  const torch = torchResults();
  await page.evaluate(() =>
    window.protobench.data.writePattern({ id: 'tune1000', numImages: 1000, channels: 3, seed: 3 }),
  );
  const tasks = 3;
  const steps = 100;
  const r = await page.evaluate(
    ([c, n, s]) => {
      const task = {
        name: 'ten classes',
        target: 'MULTICLASS_CLASSIFICATION' as const,
        labels: Array.from({ length: 10 }, (_, v) => ({ value: v, name: `c${v}` })),
      };
      return window.protobench.compute.evaluateCell({
        datasetId: 'tune1000',
        taskName: task.name,
        split: 'test',
        spec: { mode: 'fixed', way: 5, shot: 5, query: 10, seed: 1 },
        episodes: n,
        encoder: c,
        method: 'finetune',
        finetune: { steps: s, lr: 0.01, headInit: 'zero' },
        view: {
          task,
          labels: Int32Array.from({ length: 1000 }, (_, i) => i % 10),
          indices: Uint32Array.from({ length: 1000 }, (_, i) => i),
        },
      });
    },
    [CONV4(84), tasks, steps] as const,
  );
  // The first task compiles kernels; per-task time is what the protocol's 100 tasks cost each.
  const perTaskMs = r.timings.episodesMs / tasks;
  const stepsPerSecond = steps / (perTaskMs / 1000);
  const rows = [
    {
      run: `${tasks} tasks x ${steps} steps (25 support images, 50 queries)`,
      'ms per task': perTaskMs,
      'steps/s': stepsPerSecond,
      'a 100-task cell (min)': (100 * perTaskMs) / 60_000,
      'PyTorch steps/s': torch.finetune_steps_per_s ?? '-',
      'vs PyTorch': torch.finetune_steps_per_s ? stepsPerSecond / torch.finetune_steps_per_s : '-',
    },
  ];
  report('engine-finetune', rows, { timings: r.timings, accuracy: r.accuracy, memory: r.memory });
  expect(r.method).toBe('finetune');
  expect(r.memory.after).toEqual(r.memory.before);
});

test('supervised training: batches of 64 at 84x84x3, Conv-4 and a linear head, Adam (wasm)', async ({ page }) => {
  test.setTimeout(1_200_000);
  await wasmPage(page);
  const torch = torchResults();
  await page.evaluate(() =>
    window.protobench.data.writePattern({ id: 'sup1000', numImages: 1000, channels: 3, seed: 4 }),
  );
  const steps = 12;
  // The stored pattern task (parity, 600 train images): batches streamed from IndexedDB, the next one
  // prefetched during each step; one validation at the end (200 val images).
  const r = await page.evaluate(
    ([c, n]) =>
      window.protobench.compute.trainEncoder({
        kind: 'supervised',
        encoder: c,
        sources: [{ datasetId: 'sup1000', taskName: 'parity' }],
        settings: { steps: n, lr: 1e-3, batch: 64, valEvery: n, patience: 0 },
        seed: 1,
      }),
    [CONV4(84), steps] as const,
  );
  const stepsPerSecond = 1000 / r.timings.stepMsMedian;
  const rows = [
    {
      run: `trainEncoder(kind supervised), ${steps} steps of 64 images streamed from IndexedDB`,
      'median step ms': r.timings.stepMsMedian,
      'steps/s': stepsPerSecond,
      'images/s': 64 * stepsPerSecond,
      'PyTorch steps/s': torch.supervised_steps_per_s ?? '-',
      'vs PyTorch': torch.supervised_steps_per_s ? stepsPerSecond / torch.supervised_steps_per_s : '-',
    },
  ];
  report('engine-supervised', rows, { timings: r.timings, memory: r.memory, validations: r.validations });
  expect(r.history).toHaveLength(steps);
  expect(r.memory.after).toEqual(r.memory.before);
});
