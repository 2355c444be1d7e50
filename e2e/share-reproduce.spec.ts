import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { cellKey, configHash, sourceKey, type SourceSpec } from '../src/core/config';
import { cellKs } from '../src/core/config/spec';
import { newRunRecord, recordFromJSON, withCell, type CellResult, type RunRecord } from '../src/core/results';
import { webgpuEnvironment } from '../src/core/results/test-record';
import { decodeShareLink, encodeShareLink, type SharePayload } from '../src/core/share';
import { medimetaPayload } from '../src/core/share/test-payload';
import { Rng } from '../src/core/rng';
import { expect, openApp, test } from './fixtures';
import { configureShortRun, matrixCells } from './run-page';

const shared = '[data-testid="shared-view"]';

/** Compare rows of the shared view: cell key -> difference and whether it is beyond the CIs. */
async function compareRows(page: Page): Promise<Record<string, { diff: number; beyond: boolean }>> {
  return page.$$eval('[data-testid="compare-row"]', (rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const e = r as HTMLElement;
        return [e.dataset.cell as string, { diff: Number(e.dataset.diff), beyond: e.dataset.beyond === 'true' }];
      }),
    ),
  );
}

test('a share link (every method) reproduces here to the same numbers, and Compare marks differences beyond the CIs', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  // 1. A short run here, shared as a link.
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await configureShortRun(page, {
    k: '1',
    episodes: 12,
    seed: 11,
    steps: 2,
    methods: 'protonet,linear-probe,finetune',
    finetuneSteps: 3,
  });
  await page.getByTestId('run-start').click();
  await expect(page.locator('#run-body[data-status="done"]')).toBeAttached({ timeout: 120_000 });
  const original = await matrixCells(page);
  // Each row once per method, on the same episodes: the linear probe's cells are there, and differ.
  const probeKeys = Object.keys(original).filter((k) => (JSON.parse(k) as unknown[])[3] === 'linear-probe');
  const tuneKeys = Object.keys(original).filter((k) => (JSON.parse(k) as unknown[])[3] === 'finetune');
  expect(probeKeys.length).toBe(Object.keys(original).length / 3);
  expect(tuneKeys.length).toBe(probeKeys.length);
  expect(tuneKeys.filter((k) => original[k]?.state === 'done').length).toBeGreaterThan(0);
  const done = probeKeys.filter((k) => original[k]?.state === 'done');
  expect(done.length).toBeGreaterThan(0);
  expect(
    done.some((k) => original[k]!.mean !== original[JSON.stringify((JSON.parse(k) as unknown[]).slice(0, 3))]?.mean),
  ).toBe(true);
  await page.getByTestId('run-share').click();
  const link = await page.getByTestId('run-share-link').inputValue();
  const fragment = new URL(link).hash.slice(1);
  const decoded = await decodeShareLink(fragment);
  if (!decoded.ok) throw new Error(decoded.error);
  const payload = decoded.payload;

  // 2. A fresh browser opens it: same demo data, so Reproduce is offered; Compare has nothing to compare yet.
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  const errors: string[] = [];
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto(`/?backend=wasm#${fragment}`);
  await expect(other.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await expect(other.getByTestId('shared-datasets-missing')).toHaveAttribute('data-count', '0');
  await expect(other.getByTestId('shared-reproduce')).toBeEnabled();
  await expect(other.getByTestId('shared-reproduce')).toHaveText('Reproduce here (wasm)');
  await other.getByTestId('shared-compare-button').click();
  await expect(other.getByTestId('shared-action-status')).toContainText('No run of this config');

  // 3. Reproduce: the Run section runs the link's config and seed; every number equals the original run's.
  await other.getByTestId('shared-reproduce').click();
  await expect(other.locator('#shared-body[data-reproduce="done"]')).toBeAttached({ timeout: 120_000 });
  const reproduced = await matrixCells(other);
  expect(Object.keys(reproduced).sort()).toEqual(Object.keys(original).sort());
  for (const [key, c] of Object.entries(original)) {
    expect(reproduced[key]?.state, key).toBe(c.state);
    expect(reproduced[key]?.mean, key).toBe(c.mean);
    expect(reproduced[key]?.ci, key).toBe(c.ci);
  }
  expect(new URL(other.url()).searchParams.get('seed')).toBe('11');
  // The comparison: every cell of the link, each within the link's rounding (0.05 points), none beyond the CIs.
  const rows = await compareRows(other);
  expect(Object.keys(rows)).toHaveLength(payload.cells.length);
  for (const [key, r] of Object.entries(rows)) {
    expect(Math.abs(r.diff), key).toBeLessThanOrEqual(0.0005 + 1e-9);
    expect(r.beyond, key).toBe(false);
  }
  await expect(other.getByTestId('compare')).toHaveAttribute('data-beyond', '0');

  // 4. A link whose numbers differ: one cell moved by 30 points. Compare (with the stored reproduction) marks
  //    exactly that cell; the others stay within their CIs.
  const moved = payload.cells.findIndex((c) => Number.isFinite(c.accuracy.mean) && c.accuracy.mean < 0.6);
  expect(moved).toBeGreaterThanOrEqual(0);
  const altered: SharePayload = {
    ...payload,
    cells: payload.cells.map((c, i) =>
      i === moved ? { ...c, accuracy: { ...c.accuracy, mean: c.accuracy.mean + 0.3 } } : c,
    ),
  };
  await other.goto(`/?backend=wasm#${await encodeShareLink(altered)}`);
  await expect(other.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await other.getByTestId('shared-compare-button').click();
  await expect(other.getByTestId('compare')).toHaveAttribute('data-beyond', '1');
  const mc = payload.cells[moved]!;
  const movedKey = cellKey(mc.source, mc.target, mc.k, mc.method);
  const altRows = await compareRows(other);
  expect(altRows[movedKey]?.beyond).toBe(true);
  expect(altRows[movedKey]?.diff).toBeCloseTo(-0.3, 3);
  expect(Object.values(altRows).filter((r) => r.beyond)).toHaveLength(1);

  // 5. Datasets this browser does not hold: Reproduce is refused and the missing ones are named.
  const foreign = medimetaPayload(2);
  const small: SharePayload = {
    ...foreign,
    config: {
      ...foreign.config,
      targets: foreign.config.targets.slice(0, 1),
      sources: foreign.config.sources.slice(0, 2),
    },
    cells: foreign.cells.slice(0, 1),
    datasets: foreign.datasets.slice(0, 1),
  };
  await other.goto(`/?backend=wasm#${await encodeShareLink(small)}`);
  await expect(other.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await expect(other.getByTestId('shared-reproduce')).toBeDisabled();
  await expect(other.getByTestId('shared-action-status')).toContainText(
    `Cannot reproduce here: this browser lacks ${small.datasets[0]!.id} (missing)`,
  );
  expect(errors).toEqual([]);
  await ctx.close();
});

/** A stored record too large for a 16 KB link: MedIMeta-sized, 20 source rows, 3 K. */
function largeRecord(): RunRecord {
  const p = medimetaPayload(5);
  const datasets = p.datasets.map((d) => d.id);
  const sources: SourceSpec[] = [
    ...p.config.sources,
    ...datasets.slice(0, 7).map((dataset): SourceSpec => ({ kind: 'dataset', dataset })),
  ];
  const config = { ...p.config, sources };
  let r = newRunRecord({
    id: 'large-result-1',
    createdAt: '2026-11-26T10:00:00.000Z',
    config,
    environment: webgpuEnvironment(),
    datasets: p.datasets,
  });
  // Random values: they do not compress, as real results do not.
  const rng = new Rng(5);
  for (const s of sources)
    for (const t of config.targets)
      for (const k of cellKs(config)) {
        const x = rng.float();
        const cell: CellResult = {
          source: sourceKey(s),
          target: t,
          k,
          n: config.way,
          q: config.query,
          episodes: 100,
          accuracy: { mean: 0.2 + 0.7 * x, ci95: 0.01 + 0.05 * (1 - x), std: 0.1 },
          auroc: { mean: 0.5 + 0.45 * x, ci95: 0.02, std: 0.1 },
          perClassAccuracy: [],
          chance: 1 / config.way,
          timings: { loadMs: 1, compileMs: 0, warmupMs: 0, embedMs: 2, episodesMs: 3 },
        };
        r = withCell(r, cell);
      }
  return { ...r, status: 'done' };
}

test('a result too large for a link is shared as a file that opens by drop, and bad files are refused', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const record = largeRecord();
  expect(record.configHash).toBe(configHash(record.config));
  await openApp(page, 'backend=wasm');
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await page.evaluate((r) => window.protobench.data.putRun(r), record);
  await page.reload();
  await expect(page.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await page.locator(`[data-run="${record.id}"] [data-testid="run-history-open"]`).click();
  await expect(page.getByTestId('run-share')).toBeEnabled();
  await page.getByTestId('run-share').click();
  await expect(page.getByTestId('run-progress')).toContainText('too large for a link');
  await expect(page.getByTestId('run-share-link')).toBeHidden();
  const dl = page.waitForEvent('download');
  await page.getByTestId('run-share-file').click();
  const download = await dl;
  const text = await readFile(await download.path(), 'utf8');
  const parsed = recordFromJSON(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  expect(parsed.record.cells).toHaveLength(record.cells.length);

  // A fresh browser: the file dropped on the page shows the result, every cell as it was.
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await openApp(other, 'backend=wasm');
  await expect(other.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 90_000 });
  const name = download.suggestedFilename();
  const dropped = await other.evaluateHandle(
    ({ t, n }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: 'application/json' }));
      return dt;
    },
    { t: text, n: name },
  );
  await other.dispatchEvent('#run-body', 'drop', { dataTransfer: dropped });
  await expect(other.getByTestId('shared-banner')).toContainText(`the file ${name}`);
  const shown = await matrixCells(other, shared);
  for (const c of record.cells) {
    const key = cellKey(c.source, c.target, c.k);
    expect(shown[key]?.state, key).toBe('done');
    expect(shown[key]?.text, key).toContain(
      `${(100 * c.accuracy.mean).toFixed(1)} ± ${(100 * c.accuracy.ci95).toFixed(1)}`,
    );
  }

  // Bad files, chosen with the file input: each refused with a message that names the file, nothing shown.
  const files: { name: string; body: string; says: string }[] = [
    { name: 'notes.txt', body: 'hello', says: 'is not a ProtoBench result' },
    { name: 'cut.txt', body: `${await encodeShareLink(medimetaPayload(1))}`.slice(0, 2000), says: 'cannot be shown' },
    {
      name: 'wrong.json',
      body: JSON.stringify({ ...JSON.parse(text), format: 'something-else' }),
      says: 'is not a ProtoBench result: format',
    },
    { name: 'nan.json', body: text.replace('"mean":', '"mean":"NaN"+'), says: 'is not a ProtoBench result' },
  ];
  for (const f of files) {
    await other.getByTestId('open-result-file').setInputFiles({
      name: f.name,
      mimeType: 'text/plain',
      buffer: Buffer.from(f.body),
    });
    await expect(other.getByTestId('share-error'), f.name).toContainText(f.says);
    await expect(other.getByTestId('share-error'), f.name).toContainText(f.name);
    expect(await other.locator(`${shared} [data-testid="cell"]`).count(), f.name).toBe(0);
  }
  // Markup in a dataset name inside a file is text.
  const hostile = JSON.parse(text) as { datasets: { id: string }[] };
  hostile.datasets[0]!.id = '<img src=x onerror="window.__pwned=1">';
  await other.getByTestId('open-result-file').setInputFiles({
    name: 'hostile.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(hostile)),
  });
  await expect(other.locator(`${shared}`)).toBeVisible();
  expect(await other.locator(`${shared} img`).count()).toBe(0);
  expect(await other.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await ctx.close();
});
