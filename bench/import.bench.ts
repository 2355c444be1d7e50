import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/browser';
import { generateFixture, zipFiles } from '../src/data/medimeta/fixture';
import { openApp } from '../e2e/fixtures';
import { report } from './report';
import { median } from './stats';
import { WorkerHeap } from './worker-heap';

const here = dirname(fileURLToPath(import.meta.url));
const N = 20_000;
const MB = 1e6;

/** A MedIMeta-format zip of N grayscale images (about 1 GB of pixels), generated once and cached. */
async function bigZip(): Promise<string> {
  const path = join(here, 'results', 'cache', `gray${N}.zip`);
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  // Both copies of the images as MedIMeta ships them would double the zip; keep images.hdf5, stored.
  const f = await generateFixture({ id: 'gray20k', n: N, channels: 1, seed: 1, tiff: false, minimal: true });
  writeFileSync(path, await zipFiles(f.files, { root: 'gray20k', zip64: true, level: 0 }));
  return path;
}

/** Put a file from disk into the page as a File (no copy into JS), reachable as window.__benchFile. */
async function pickFile(page: Page, path: string): Promise<void> {
  const input = await page.evaluateHandle(() => {
    const el = document.createElement('input');
    el.type = 'file';
    document.body.append(el);
    return el;
  });
  await input.setInputFiles(path);
  await page.evaluate(
    (el) => ((window as unknown as { __benchFile: File }).__benchFile = (el as HTMLInputElement).files?.[0] as File),
    input,
  );
}

test('import a 20,000-image grayscale zip (1 GB): MB/s and peak worker memory, next to reading the zip', async ({
  baseURL,
}) => {
  test.setTimeout(1_800_000);
  const zip = await bigZip();
  const zipBytes = statSync(zip).size;
  // A persistent, disk-backed profile as a user has: an incognito context keeps IndexedDB in memory
  // with a small quota (it refused this import at about 360 MB).
  const profile = mkdtempSync(join(tmpdir(), 'protobench-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await openApp(page, 'backend=wasm&demo=off');
  const heap = await WorkerHeap.attach(page, /data\.worker/);
  await pickFile(page, zip);
  const rounds = 3;
  const read: number[] = [];
  const imp: number[] = [];
  const peaks: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await page.evaluate(() =>
      window.protobench.data.readBlob((window as unknown as { __benchFile: File }).__benchFile),
    );
    expect(a.bytes).toBe(zipBytes);
    read.push(a.ms);
    const t0 = Date.now();
    const b = await heap.peakDuring(
      page.evaluate((k) => {
        const file = (window as unknown as { __benchFile: File }).__benchFile;
        return window.protobench.data.importDatasets(1000 + k, [{ kind: 'zip', file, name: 'gray20k.zip' }], {
          onExists: 'replace',
        });
      }, r),
      100,
    );
    imp.push(Date.now() - t0);
    expect(b.result.failed).toEqual([]);
    expect(b.result.imported[0]?.numImages).toBe(N);
    peaks.push(b.peak);
  }
  const pixels = N * 224 * 224;
  report(
    'import-20k',
    [
      {
        path: 'read the zip File (reference)',
        'median s': median(read) / 1000,
        'MB/s (zip bytes)': zipBytes / MB / (median(read) / 1000),
        'peak worker MB': '',
      },
      {
        path: 'import: validate + read HDF5 + write shards',
        'median s': median(imp) / 1000,
        'MB/s (zip bytes)': zipBytes / MB / (median(imp) / 1000),
        'MB/s (pixels)': pixels / MB / (median(imp) / 1000),
        'peak worker MB': Math.max(...peaks) / MB,
      },
    ],
    { zipBytes, read, imp, peaks },
  );
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  expect(Math.max(...peaks)).toBeLessThan(300 * MB);
});
