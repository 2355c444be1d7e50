import { readFile, writeFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { configureShortRun, matrixCells } from './run-page';

/** The matrix's "mean ± CI" texts and states, per cell key (what the exported images must repeat). */
async function pageCells(page: Page): Promise<Record<string, { state: string; text: string }>> {
  const cells = await matrixCells(page);
  return Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, { state: c.state, text: c.value }]));
}

/** Click `button` and collect `count` downloads. */
async function downloads(page: Page, testId: string, count: number): Promise<Download[]> {
  const got: Download[] = [];
  const onDownload = (d: Download): void => {
    got.push(d);
  };
  page.on('download', onDownload);
  const first = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  await first;
  await expect.poll(() => got.length, { timeout: 30_000 }).toBe(count);
  page.off('download', onDownload);
  return got;
}

test('matrix images, the shot curve and the run history', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('run-history-note')).toHaveText('No stored runs.');
  const targets = await configureShortRun(page, { k: '1,2', episodes: 10, seed: 5, steps: 2 });

  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body[data-status="done"]')).toBeAttached({ timeout: 120_000 });
  const shown = await pageCells(page);
  const done = Object.entries(shown).filter(([, c]) => c.state === 'done');
  expect(done.length).toBeGreaterThan(0);

  // 1. SVG export: one file per K; it parses, and its cell texts are the page's.
  const svgs = await downloads(page, 'run-export-svg', 2);
  const svgCells: Record<string, { state: string; text: string }> = {};
  const ks: string[] = [];
  for (const d of svgs) {
    expect(d.suggestedFilename()).toMatch(/-accuracy-k[12]\.svg$/);
    const text = await readFile(await d.path(), 'utf8');
    const parsed = await page.evaluate((src) => {
      const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        tag: root.tagName,
        k: root.getAttribute('data-k') ?? '',
        title: doc.querySelector('text.title')?.textContent ?? '',
        domains: [...doc.querySelectorAll('text.domain-head')].map((e) => e.textContent),
        rows: doc.querySelectorAll('text.row-head').length,
        rects: doc.querySelectorAll('rect.cell').length,
        cells: [...doc.querySelectorAll('text.cell-text')].map((e) => [
          e.getAttribute('data-cell') ?? '',
          e.getAttribute('data-state') ?? '',
          e.textContent ?? '',
          e.getAttribute('fill') ?? '',
        ]),
      };
    }, text);
    expect(parsed.error).toBeNull();
    expect(parsed.tag).toBe('svg');
    expect(parsed.title).toContain('Accuracy');
    expect(parsed.title).toContain(`K = ${parsed.k}`);
    expect(parsed.domains).toHaveLength(2);
    expect(parsed.rows).toBe(3);
    expect(parsed.rects).toBe(3 * targets.length);
    ks.push(parsed.k);
    for (const [key, state, t] of parsed.cells) svgCells[key as string] = { state: state as string, text: t as string };
  }
  expect(ks.sort()).toEqual(['1', '2']);
  expect(svgCells).toEqual(shown);

  // 2. PNG export: valid PNGs, drawn at 2x, that the browser decodes.
  const pngs = await downloads(page, 'run-export-png', 2);
  for (const d of pngs) {
    expect(d.suggestedFilename()).toMatch(/\.png$/);
    const buf = await readFile(await d.path());
    expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const size = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      return { w: img.naturalWidth, h: img.naturalHeight };
    }, buf.toString('base64'));
    expect(size.w).toBeGreaterThan(0);
    expect(size.h).toBeGreaterThan(0);
    expect(buf.readUInt32BE(16)).toBe(size.w);
    expect(size.w % 2).toBe(0);
    // Something was drawn: not a blank canvas.
    const inked = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d') as CanvasRenderingContext2D;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if ((px[i] as number) < 200) n++;
      return n / (px.length / 4);
    }, buf.toString('base64'));
    expect(inked).toBeGreaterThan(0.01);
    await writeFile(test.info().outputPath(d.suggestedFilename()), buf);
  }

  // 3. The shot curve: one path per target, a point per finished K of the first row.
  const curve = page.getByTestId('shot-curve');
  await expect(curve).toHaveAttribute('data-row', 'all-except-target');
  await curve.screenshot({ path: test.info().outputPath('shot-curve.png') });
  const lines = curve.getByTestId('shot-curve-line');
  await expect(lines).toHaveCount(targets.length);
  for (const row of ['all-except-target', 'pixels']) {
    await page.getByTestId('shot-curve-row').selectOption(row);
    await expect(page.getByTestId('shot-curve')).toHaveAttribute('data-row', row);
    for (const t of targets) {
      const finished = done.filter(([k]) => {
        const [s, tg] = JSON.parse(k) as [string, string, number];
        return s === row && tg === t;
      }).length;
      const path = page.locator(`[data-testid="shot-curve-line"][data-target="${t}"]`);
      await expect(path).toHaveAttribute('data-points', String(finished));
      await expect(page.locator(`g.series[data-target="${t}"] [data-testid="shot-curve-point"]`)).toHaveCount(finished);
      if (finished > 0) expect(((await path.getAttribute('d')) ?? '').match(/[ML]/g)).toHaveLength(finished);
    }
  }

  // 4. History: the run is listed; after a reload, reopening it shows the same numbers; delete removes it.
  const runs = await page.evaluate(() => window.protobench.data.listRuns());
  expect(runs).toHaveLength(1);
  const id = runs[0]?.id as string;
  const row = page.locator(`[data-testid="run-history-row"][data-run="${id}"]`);
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row.getByTestId('run-history-cells')).toHaveText(String(done.length));
  await expect(row).toContainText(runs[0]?.configHash as string);

  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('run-k')).toHaveValue('1,5');
  await page.locator(`[data-testid="run-history-row"][data-run="${id}"]`).getByTestId('run-history-open').click();
  await expect(page.locator(`#run-body[data-shown="${id}"]`)).toBeAttached();
  await expect(page.getByTestId('run-k')).toHaveValue('1,2');
  expect(await pageCells(page)).toEqual(shown);
  await expect(page.getByTestId('run-resume')).toBeDisabled();
  await expect(page.getByTestId('run-export-svg')).toBeEnabled();
  await expect(page.getByTestId('shot-curve-line')).toHaveCount(targets.length);

  page.once('dialog', (d) => void d.accept());
  await page.locator(`[data-testid="run-history-row"][data-run="${id}"]`).getByTestId('run-history-delete').click();
  await expect(page.getByTestId('run-history-row')).toHaveCount(0);
  expect(await page.evaluate(() => window.protobench.data.listRuns())).toEqual([]);
  await expect(page.getByTestId('run-export-svg')).toBeDisabled();

  // 5. An unfinished run: the history shows it cancelled; reopened after a reload, it offers Resume.
  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body td[data-state="done"]').first()).toBeAttached({ timeout: 60_000 });
  await page.getByTestId('run-cancel').click();
  await expect(page.locator('#run-body[data-status="cancelled"]')).toBeAttached({ timeout: 10_000 });
  const partial = await pageCells(page);
  const kept = Object.values(partial).filter((c) => c.state === 'done').length;
  // The curve follows the record: as many points as the first row has finished cells.
  const firstRow = Object.entries(partial).filter(
    ([k, c]) => c.state === 'done' && (JSON.parse(k) as string[])[0] === 'all-except-target',
  ).length;
  await expect(page.getByTestId('shot-curve-point')).toHaveCount(firstRow);
  const cancelled = page.locator('[data-testid="run-history-row"][data-status="cancelled"]');
  await expect(cancelled).toHaveCount(1);
  await expect(cancelled.getByTestId('run-history-cells')).toHaveText(String(kept));
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await page.getByTestId('run-defaults').click();
  await expect(page.getByTestId('run-k')).toHaveValue('1,5');
  await page
    .locator('[data-testid="run-history-row"][data-status="cancelled"]')
    .getByTestId('run-history-open')
    .click();
  await expect(page.getByTestId('run-progress')).toContainText('can be resumed');
  await expect(page.getByTestId('run-resume')).toBeEnabled();
  expect(await pageCells(page)).toEqual(partial);
  expect(errors).toEqual([]);
});
