import { readFile } from 'node:fs/promises';
import { recordFromJSON } from '../src/core/results';
import { expect, openApp, test } from './fixtures';
import { matrixCells } from './run-page';

/**
 * The whole demo meta-dataset from the page with wasm: the default rows and every demo target task at
 * the default K values, with a small episode and training budget (the default budget takes minutes;
 * bench/demo-run.bench.ts times that one). Every planned cell must end with a mean and a CI.
 */
test('a full demo run from the page with wasm: every cell of every matrix has a mean and a CI', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page, 'backend=wasm&ep=10&steps=2&val=0');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('run-issues')).toBeEmpty();
  // Every task of every demo dataset as a target (the wasm default takes one per dataset).
  const boxes = page.getByTestId('run-target');
  const all = await boxes.count();
  for (let i = 0; i < all; i++) await boxes.nth(i).check();
  await expect(page.getByTestId('run-issues')).toBeEmpty();
  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body[data-status="done"]')).toBeAttached({ timeout: 540_000 });

  const cells = await matrixCells(page);
  const dl = page.waitForEvent('download');
  await page.getByTestId('run-export-json').click();
  const parsed = recordFromJSON(await readFile(await (await dl).path(), 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  const record = parsed.record;
  // Every cell of the matrices ran and shows its mean and CI, or says why it was skipped (too few images).
  expect(record.config.targets).toHaveLength(all);
  const shown = Object.entries(cells);
  expect(shown).toHaveLength(record.config.sources.length * all * record.config.shots.length);
  const done = shown.filter(([, c]) => c.state === 'done');
  expect(done).toHaveLength(record.cells.length);
  expect(done.length).toBeGreaterThanOrEqual(shown.length * 0.75);
  for (const [key, c] of shown) {
    if (c.state === 'skipped') continue;
    expect(c.state, key).toBe('done');
    expect(c.text, key).toMatch(/\d+\.\d ± \d+\.\d/);
  }
  const skippedWithoutReason = await page.$$eval('#run-body td[data-state="skipped"]', (tds) =>
    tds.filter((td) => !(td as HTMLElement).title).map((td) => (td as HTMLElement).dataset.cell),
  );
  expect(skippedWithoutReason).toEqual([]);
  for (const c of record.cells) {
    const key = JSON.stringify([c.source, `${c.target.dataset}/${c.target.task}`, c.k]);
    expect(cells[key]?.state, key).toBe('done');
    expect(Number.isFinite(c.accuracy.mean) && Number.isFinite(c.accuracy.ci95), key).toBe(true);
    expect(Number.isFinite(c.auroc.mean) && Number.isFinite(c.auroc.ci95), key).toBe(true);
    expect(c.episodes, key).toBe(10);
  }
  // The record says what ran: wasm, no adapter, not a fallback.
  expect(record.environment.backend).toBe('wasm');
  expect(record.environment.softwareFallback).toBe(false);
  expect(record.status).toBe('done');
});
