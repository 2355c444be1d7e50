import { SPLITS } from '../src/core/types';
import { demoMetaDataset } from '../src/data/demo';
import { expect, openApp, test } from './fixtures';

test('npm start page: the synthetic demo catalog shows domains, tasks, classes and split sizes', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page, 'backend=wasm');
  await expect(page.getByTestId('data-status')).toContainText('Synthetic demo written');
  const truth = demoMetaDataset(1);
  const stored = await page.evaluate(() => window.protobench.data.listDatasets());
  expect(stored.map((d) => d.id).sort()).toEqual(truth.map((d) => d.info.id).sort());
  for (const d of truth) {
    const card = page.locator(`article[data-dataset="${d.info.id}"]`);
    await expect(card).toContainText(d.info.name);
    await expect(card).toContainText('synthetic demo');
    await expect(card).toContainText(`${d.info.numImages} images`);
    await expect(card).toContainText(SPLITS.map((s) => `${s} ${d.info.splitSizes[s]}`).join(' / '));
    for (const t of d.info.tasks) {
      const task = card.locator('details.task', { hasText: t.name });
      await task.locator('summary').click();
      // Every class row: value, name and its count per split, against the generator's own labels.
      const rows = task.locator('tbody tr');
      await expect(rows).toHaveCount(t.labels.length);
      const L = t.labels.length;
      const labels = d.labels[t.name] as Int32Array | Uint8Array;
      for (const [k, l] of t.labels.entries()) {
        const counts = SPLITS.map((s) => {
          let n = 0;
          for (const i of d.splits[s])
            n +=
              t.target === 'MULTILABEL_CLASSIFICATION' ? (labels[i * L + k] as number) : labels[i] === l.value ? 1 : 0;
          return String(n);
        });
        await expect(rows.nth(k).locator('td')).toHaveText([String(l.value), l.name, ...counts]);
      }
    }
  }
  // Domains are headings, each dataset's domain among them.
  const domains = await page.locator('.catalog h3.domain').allTextContents();
  expect(new Set(domains)).toEqual(new Set(truth.map((d) => d.info.domain)));
  await expect(page.getByTestId('env-backend')).toHaveText('wasm');
  // Reloading keeps the stored demo (same generator and seed) instead of writing it again.
  await page.reload();
  await expect(page.locator('body[data-ready="true"]')).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('data-status')).toHaveText('Synthetic demo already stored.');
  const again = await page.evaluate(() => window.protobench.data.listDatasets());
  expect(again.map((d) => d.fingerprint)).toEqual(stored.map((d) => d.fingerprint));
  expect(errors).toEqual([]);
});

test('the demo is written through the store exactly: pixels read back equal the generator output', async ({ page }) => {
  await openApp(page, 'backend=wasm');
  const truth = demoMetaDataset(1);
  for (const d of truth) {
    const n = d.info.numImages;
    const idx = [0, 1, Math.floor(n / 2), n - 1];
    const px = await page.evaluate(
      ([id, i]) => window.protobench.data.readImages(id, Uint32Array.from(i)).then((a) => Array.from(a)),
      [d.info.id, idx] as const,
    );
    const per = d.info.height * d.info.width * d.info.channels;
    const want = new Uint8Array(per);
    for (const [k, i] of idx.entries()) {
      d.render(i, want);
      expect(Buffer.from(px.slice(k * per, (k + 1) * per)).equals(Buffer.from(want)), `${d.info.id} image ${i}`).toBe(
        true,
      );
    }
  }
});
