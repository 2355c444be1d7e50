import { expect, test } from '@playwright/test';
import { openApp } from '../e2e/fixtures';
import { report } from './report';
import { median } from './stats';
import { WorkerHeap } from './worker-heap';

const ROUNDS = 5;
const MB = 1e6;

test('IndexedDB -> device tensors: streaming vs raw IndexedDB reads (wasm)', async ({ page }) => {
  await openApp(page, 'backend=wasm&demo=off');
  const rows: Record<string, string | number>[] = [];
  const raw: unknown[] = [];
  for (const channels of [1, 3] as const) {
    const id = `bench-c${channels}`;
    const n = 1200;
    await page.evaluate(
      ([i, c, k]) => window.protobench.data.writePattern({ id: i, numImages: k, channels: c, seed: 1 }),
      [id, channels, n] as const,
    );
    const all = Array.from({ length: n }, (_, i) => i);
    const perImage = 224 * 224 * channels;
    const t = { raw: [] as number[], stream: [] as number[], prep: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      // Side by side in each round: the IndexedDB-only read, then the full path to device tensors.
      const a = await page.evaluate((i) => window.protobench.data.readRaw(i), id);
      const b = await page.evaluate(
        ([i, idx]) => window.protobench.compute.streamToDevice(i, Uint32Array.from(idx), { batchSize: 64 }),
        [id, all] as const,
      );
      const c = await page.evaluate(
        ([i, idx]) =>
          window.protobench.compute.streamToDevice(i, Uint32Array.from(idx), {
            batchSize: 64,
            preprocess: { channels: 3, size: 224 },
          }),
        [id, all] as const,
      );
      t.raw.push(a.ms);
      t.stream.push(b.ms);
      t.prep.push(c.ms);
      raw.push({ channels, round: r, rawRead: a, stream: b, streamPreprocess: c });
    }
    const ips = (ms: number): number => n / (ms / 1000);
    rows.push(
      {
        channels,
        path: 'raw IndexedDB read (reference)',
        'median ms': median(t.raw),
        'images/s': ips(median(t.raw)),
        'MB/s': (n * perImage) / MB / (median(t.raw) / 1000),
        'vs raw': 1,
      },
      {
        channels,
        path: 'stream -> device tensors (raw bytes)',
        'median ms': median(t.stream),
        'images/s': ips(median(t.stream)),
        'MB/s': (n * perImage) / MB / (median(t.stream) / 1000),
        'vs raw': median(t.raw) / median(t.stream),
      },
      {
        channels,
        path: 'stream + preprocess to float 224x224x3',
        'median ms': median(t.prep),
        'images/s': ips(median(t.prep)),
        'MB/s': (n * perImage) / MB / (median(t.prep) / 1000),
        'vs raw': median(t.raw) / median(t.prep),
      },
    );
  }
  report('store-stream', rows, raw);
});

test('data worker heap stays bounded while streaming a dataset larger than 1 GB', async ({ page }) => {
  await openApp(page, 'backend=wasm&demo=off');
  const heap = await WorkerHeap.attach(page, /data\.worker/);
  const n = 7000; // 7000 x 224x224x3 = 1.05 GB of pixels
  const write = await heap.peakDuring(
    page.evaluate((k) => window.protobench.data.writePattern({ id: 'big', numImages: k, channels: 3, seed: 1 }), n),
  );
  expect(write.result.bytes).toBeGreaterThan(1e9);
  const all = Array.from({ length: n }, (_, i) => i);
  const stream = await heap.peakDuring(
    page.evaluate(
      (idx) => window.protobench.compute.streamToDevice('big', Uint32Array.from(idx), { batchSize: 64 }),
      all,
    ),
  );
  expect(stream.result.images).toBe(n);
  // The ArrayBuffers that hold pixels live outside V8's heap: count them, or the number means nothing.
  expect(stream.sawBuffers, 'this Chromium reports ArrayBuffer backing stores').toBe(true);
  const rows = [
    {
      phase: 'write 1.05 GB (pattern)',
      'peak heap + buffers MB': write.peak / MB,
      'peak V8 heap MB': write.peakJs / MB,
      samples: write.samples,
    },
    {
      phase: 'stream 1.05 GB to device',
      'peak heap + buffers MB': stream.peak / MB,
      'peak V8 heap MB': stream.peakJs / MB,
      samples: stream.samples,
    },
  ];
  report('store-memory', rows, { write, stream });
  expect(stream.peak).toBeLessThan(300 * MB);
});

test('demo meta-dataset generation time (worker, fresh store)', async ({ page }) => {
  await openApp(page, 'backend=wasm&demo=off');
  const ms: number[] = [];
  let images = 0;
  for (let r = 0; r < 3; r++) {
    const res = await page.evaluate(() => window.protobench.data.generateDemo(1, { force: true }));
    ms.push(res.ms);
    images = res.manifests.reduce((n, m) => n + m.numImages, 0);
  }
  report(
    'demo-generation',
    [
      {
        datasets: 'all',
        images,
        'median s': median(ms) / 1000,
        'min s': Math.min(...ms) / 1000,
        'max s': Math.max(...ms) / 1000,
      },
    ],
    { ms },
  );
});
