import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { decodeShareLink } from '../src/core/share';
import { expect, openApp, test } from './fixtures';
import { configureShortRun, matrixCells, type ShownCell } from './run-page';

const runBody = (page: Page, status: string): string => `#run-body[data-status="${status}"]`;

test('the benchmark page runs a demo config, cancels, resumes to the same numbers, and exports them', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  // The defaults for wasm are shown before anything is edited.
  await expect(page.getByTestId('run-k')).toHaveValue('1,5');
  await expect(page.getByTestId('run-episodes')).toHaveValue('100');
  const targets = await configureShortRun(page, { k: '1', episodes: 20, seed: 3, steps: 2 });

  // 1. An uninterrupted run: every planned cell shows mean ± CI.
  await page.getByTestId('run-start').click();
  await expect(page.locator(runBody(page, 'done'))).toBeAttached({ timeout: 90_000 });
  const full = await matrixCells(page);
  const keys = Object.keys(full);
  expect(keys).toHaveLength(3 * targets.length);
  const done = keys.filter((k) => full[k]?.state === 'done');
  expect(done.length).toBeGreaterThan(0);
  for (const k of keys) {
    const c = full[k] as ShownCell;
    expect(c.state, k).not.toBe('pending');
    if (c.state !== 'done') continue;
    expect(c.text, k).toMatch(/\d+\.\d ± \d+\.\d/);
    expect(Number.isFinite(Number(c.mean)), k).toBe(true);
    expect(Number.isFinite(Number(c.ci)), k).toBe(true);
  }
  // Every row ran (the trained row and both baselines).
  for (const row of ['all-except-target', 'untrained', 'pixels'])
    expect(
      done.some((k) => (JSON.parse(k) as string[])[0] === row),
      row,
    ).toBe(true);
  // Columns grouped by domain: one group header per target domain.
  await expect(page.locator('#run-body .domain-head')).toHaveCount(2);
  // Cells are keyboard-focusable and say what they hold.
  const first = page.locator('#run-body td[data-state="done"]').first();
  await first.focus();
  await expect(page.getByTestId('matrix-focus')).toContainText('95% CI');
  await expect(page.getByTestId('matrix-focus')).toContainText('20 episodes');

  // 2. The exported JSON parses and matches the page.
  const dl = page.waitForEvent('download');
  await page.getByTestId('run-export-json').click();
  const file = await (await dl).path();
  const exported = JSON.parse(await readFile(file, 'utf8')) as {
    format: string;
    status: string;
    timings: { trainMs: number };
    cells: {
      source: string;
      target: { dataset: string; task: string };
      k: number;
      accuracy: { mean: number; ci95: number };
      auroc: { mean: number; ci95: number };
    }[];
  };
  expect(exported.format).toBe('protobench/run-record');
  expect(exported.timings.trainMs, 'the trained row was meta-trained').toBeGreaterThan(0);
  expect(exported.status).toBe('done');
  expect(exported.cells).toHaveLength(done.length);
  for (const c of exported.cells) {
    const key = JSON.stringify([c.source, `${c.target.dataset}/${c.target.task}`, c.k]);
    expect(full[key]?.mean, key).toBe(String(c.accuracy.mean));
    expect(full[key]?.ci, key).toBe(String(c.accuracy.ci95));
  }
  // Per-episode values are in the export by default (one per episode), and left out on request.
  const withEpisodes = exported.cells as unknown as { perEpisode?: { accuracy: number[] } }[];
  expect(withEpisodes.every((c) => c.perEpisode?.accuracy.length === 20)).toBe(true);
  await page.getByTestId('run-export-per-episode').uncheck();
  const dl2 = page.waitForEvent('download');
  await page.getByTestId('run-export-json').click();
  const lean = JSON.parse(await readFile(await (await dl2).path(), 'utf8')) as typeof exported;
  expect(lean.cells).toHaveLength(exported.cells.length);
  expect(lean.cells.some((c) => 'perEpisode' in c)).toBe(false);
  // The metric switch shows AUROC, the same cells, from the same record.
  await page.getByTestId('metric-auroc').check();
  await expect(page.locator('#run-body table.matrix caption').first()).toContainText('AUROC');
  const aurocShown = await matrixCells(page);
  for (const c of exported.cells) {
    const key = JSON.stringify([c.source, `${c.target.dataset}/${c.target.task}`, c.k]);
    expect(aurocShown[key]?.mean, key).toBe(String(c.auroc.mean));
  }
  await page.getByTestId('metric-accuracy').check();
  // Arrow keys move between cells.
  await first.focus();
  await page.keyboard.press('ArrowDown');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.cell)).toBe(
    await page.locator('#run-body tbody tr').nth(1).locator('td.cell').first().getAttribute('data-cell'),
  );
  // The share link decodes to the same cells (values rounded to 0.001).
  await page.getByTestId('run-share').click();
  const link = await page.getByTestId('run-share-link').inputValue();
  const shared = await decodeShareLink(new URL(link).hash);
  expect(shared.ok, shared.ok ? '' : shared.error).toBe(true);
  if (shared.ok) {
    expect(shared.payload.cells).toHaveLength(exported.cells.length);
    for (const c of shared.payload.cells) {
      const key = JSON.stringify([c.source, `${c.target.dataset}/${c.target.task}`, c.k]);
      expect(Math.abs(c.accuracy.mean - Number(full[key]?.mean)), key).toBeLessThanOrEqual(0.0005);
    }
  }
  const csvDl = page.waitForEvent('download');
  await page.getByTestId('run-export-csv').click();
  const csv = await readFile(await (await csvDl).path(), 'utf8');
  expect(csv.trim().split(/\r?\n/)).toHaveLength(done.length + 1);

  // 3. The same config again, cancelled after its first cell, then resumed: the same numbers.
  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body td[data-state="done"]').first()).toBeAttached({ timeout: 60_000 });
  const t0 = Date.now();
  await page.getByTestId('run-cancel').click();
  await expect(page.locator(runBody(page, 'cancelled'))).toBeAttached({ timeout: 10_000 });
  expect(Date.now() - t0).toBeLessThan(3_000);
  // The worker itself stopped (the engine call was aborted): it answers at once, with no tensor left over.
  const m0 = Date.now();
  const mem = await page.evaluate(() => window.protobench.compute.memory());
  expect(Date.now() - m0).toBeLessThan(1_000);
  expect(mem.numTensors).toBeLessThan(50);
  const partial = await matrixCells(page);
  const kept = Object.values(partial).filter((c) => c.state === 'done').length;
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(done.length);
  for (const [k, c] of Object.entries(partial)) if (c.state === 'done') expect(c, k).toEqual(full[k]);
  // The record was persisted with its finished cells.
  const stored = await page.evaluate(() => window.protobench.data.listRuns());
  expect(stored.find((r) => r.status === 'cancelled')?.cells).toBe(kept);

  // A reload (a closed tab) loses nothing: the stored record is offered for Resume and shown.
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('run-progress')).toContainText('can be resumed');
  const reloaded = await matrixCells(page);
  expect(Object.values(reloaded).filter((c) => c.state === 'done')).toHaveLength(kept);
  await expect(page.getByTestId('run-resume')).toBeEnabled();
  await page.getByTestId('run-resume').click();
  await expect(page.locator(runBody(page, 'done'))).toBeAttached({ timeout: 90_000 });
  const resumed = await matrixCells(page);
  expect(resumed).toEqual(full);
  const after = await page.evaluate(() => window.protobench.data.listRuns());
  expect(after.map((r) => r.status).sort()).toEqual(['done', 'done']);
  expect(errors).toEqual([]);
});

test('a version-1 store is upgraded in place: its records are read, a runs store is added', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A blank page of the app's origin (the app itself would open the store at the current version at once).
  await page.route('**/v1-probe', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }),
  );
  await page.goto('/v1-probe');
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        // The version-1 schema, as the previous release created it, with an abandoned write in it.
        const rq = indexedDB.open('protobench', 1);
        rq.onupgradeneeded = () => {
          const db = rq.result;
          db.createObjectStore('datasets', { keyPath: 'id' });
          db.createObjectStore('writes', { keyPath: 'writeId' }).put({
            writeId: 'w-old',
            datasetId: 'old',
            startedAt: '2026-01-01T00:00:00Z',
          });
          db.createObjectStore('shards', { keyPath: ['writeId', 'shard'] });
          db.createObjectStore('arrays', { keyPath: ['writeId', 'name'] });
        };
        rq.onsuccess = () => {
          rq.result.close();
          resolve();
        };
        rq.onerror = () => reject(rq.error);
      }),
  );
  await openApp(page, 'backend=wasm&demo=off');
  await expect(page.getByTestId('data-error')).toHaveCount(0);
  // The old stores were read after the upgrade (the abandoned write was cleaned up) ...
  await expect(page.getByTestId('storage')).toContainText('Cleaned up 1 interrupted write(s)');
  // ... and the new one works.
  expect(await page.evaluate(() => window.protobench.data.listRuns())).toEqual([]);
  const version = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const rq = indexedDB.open('protobench');
        rq.onsuccess = () => {
          const v = rq.result.version;
          const names = [...rq.result.objectStoreNames];
          rq.result.close();
          resolve(names.includes('runs') ? v : -v);
        };
      }),
  );
  expect(version).toBe(3);
  expect(errors).toEqual([]);
});
