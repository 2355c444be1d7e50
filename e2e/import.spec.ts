import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DEFECTS, generateFixture, makeDefect, notAZip, zipFiles, type Fixture } from '../src/data/medimeta/fixture';
import { EMPTY_STORE, expect, openApp, test } from './fixtures';
import { expectStoredEquals, serveFolder, tempDir, writeFolder } from './medimeta-files';

async function fixtures(): Promise<{ gray: Fixture; rgb: Fixture }> {
  // Gray with both images.hdf5 and TIFFs; RGB with TIFFs only (LZW): both image paths of the reader.
  const gray = await generateFixture({ id: 'bus', n: 24, channels: 1, seed: 1 });
  const rgb = await generateFixture({
    id: 'derm',
    n: 18,
    channels: 3,
    seed: 2,
    hdf5: false,
    tiff: { compression: 'lzw' },
  });
  return { gray, rgb };
}

async function zipOf(f: Fixture, opts: { zip64?: boolean } = {}): Promise<Uint8Array> {
  return zipFiles(f.files, { root: f.spec.id, zip64: opts.zip64 });
}

test.describe('import MedIMeta datasets', () => {
  test('zips picked in the page (one zip64): every count, label, split and pixel as generated', async ({ app }) => {
    const { gray, rgb } = await fixtures();
    const dir = tempDir();
    writeFileSync(join(dir, 'bus.zip'), await zipOf(gray, { zip64: true }));
    writeFileSync(join(dir, 'derm.zip'), await zipOf(rgb));
    await app.getByTestId('import-zip').setInputFiles([join(dir, 'bus.zip'), join(dir, 'derm.zip')]);
    await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 60_000 });
    await expect(app.getByTestId('import-results')).toContainText('Imported bus: 24 images');
    await expect(app.getByTestId('import-results')).toContainText('Imported derm: 18 images');
    await expectStoredEquals(app, 'bus', gray.truth);
    await expectStoredEquals(app, 'derm', rgb.truth);
    // The catalog shows them, marked as imported, with per-class counts that match the truth.
    const card = app.locator('article[data-dataset="bus"]');
    await expect(card).toContainText('imported');
    await expect(card).toContainText(`${gray.truth.info.numImages} images`);
    const task = gray.truth.info.tasks[0];
    const counts = await app.evaluate(() => window.protobench.data.classCounts('bus'));
    const labels = gray.truth.labels[task?.name ?? ''] as ArrayLike<number>;
    for (const c of counts[task?.name ?? ''] ?? []) {
      const want = [...gray.truth.splits.train].filter((i) => labels[i] === c.value).length;
      expect(c.counts.train, `train count of ${c.name}`).toBe(want);
    }
    await expect(card.getByTestId('thumbnails')).toHaveAttribute('data-loaded', 'true');
    expect(await app.evaluate(() => window.protobench.data.audit())).toMatchObject({
      pendingWrites: 0,
      unreachableRecords: 0,
      incompleteDatasets: [],
    });
  });

  test('a picked folder holding two dataset folders imports both', async ({ app }) => {
    const { gray, rgb } = await fixtures();
    const dir = tempDir();
    writeFolder(dir, 'bus', gray.files);
    writeFolder(dir, 'derm', rgb.files);
    await app.getByTestId('import-folder').setInputFiles(dir);
    await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 60_000 });
    await expectStoredEquals(app, 'bus', gray.truth);
    await expectStoredEquals(app, 'derm', rgb.truth);
  });

  test('URLs: a zip read with HTTP Range requests, and a served dataset folder', async ({ app }) => {
    const { gray, rgb } = await fixtures();
    const dir = tempDir();
    writeFileSync(join(dir, 'bus.zip'), await zipOf(gray));
    writeFolder(dir, 'derm', rgb.files);
    const server = await serveFolder(dir);
    try {
      await app.getByTestId('import-url').fill(`${server.url}/bus.zip`);
      await app.getByTestId('import-url-go').click();
      await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 60_000 });
      expect(server.rangeRequests()).toBeGreaterThan(0);
      await app.getByTestId('import-url').fill(`${server.url}/derm/`);
      await app.getByTestId('import-url-go').click();
      await expect(app.getByTestId('import-results')).toContainText('Imported derm', { timeout: 60_000 });
      await expectStoredEquals(app, 'bus', gray.truth);
      await expectStoredEquals(app, 'derm', rgb.truth);
    } finally {
      await server.close();
    }
  });

  test('an existing id: keep both, replace, or cancel', async ({ app }) => {
    const { gray } = await fixtures();
    const dir = tempDir();
    writeFileSync(join(dir, 'bus.zip'), await zipOf(gray));
    const zip = join(dir, 'bus.zip');
    await app.getByTestId('import-zip').setInputFiles(zip);
    await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 60_000 });
    const first = await app.evaluate(() => window.protobench.data.getDataset('bus'));
    // Ask: cancel keeps the store as it was.
    await app.getByTestId('import-zip').setInputFiles(zip);
    await expect(app.getByTestId('import-conflict')).toContainText('A dataset with id "bus" is already stored');
    await app.getByTestId('import-conflict').locator('[data-choice="cancel"]').click();
    await expect(app.getByTestId('import-results')).toContainText('Skipped bus');
    // Keep both: a new id, same content.
    await app.getByTestId('import-zip').setInputFiles(zip);
    await app.getByTestId('import-conflict').locator('[data-choice="keep-both"]').click();
    await expect(app.getByTestId('import-results')).toContainText('Imported bus_2');
    const copy = await app.evaluate(() => window.protobench.data.getDataset('bus_2'));
    expect(copy.fingerprint).toBe(first.fingerprint);
    expect(copy.provenance.originalId).toBe('bus');
    // Replace: same id, a new write, the old records gone.
    await app.locator('.import-options summary').click();
    await app.getByTestId('import-on-exists').selectOption('replace');
    await app.getByTestId('import-zip').setInputFiles(zip);
    await expect(app.getByTestId('import-results')).toContainText('Imported bus:');
    const replaced = await app.evaluate(() => window.protobench.data.getDataset('bus'));
    expect(replaced.writeId).not.toBe(first.writeId);
    expect(await app.evaluate(() => window.protobench.data.audit())).toMatchObject({
      datasets: 2,
      pendingWrites: 0,
      unreachableRecords: 0,
      incompleteDatasets: [],
    });
  });

  test('options: only the test split, at most 2 images per class', async ({ app }) => {
    const { gray } = await fixtures();
    const dir = tempDir();
    writeFileSync(join(dir, 'bus.zip'), await zipOf(gray));
    await app.locator('.import-options summary').click();
    await app.getByTestId('import-split-train').uncheck();
    await app.getByTestId('import-split-val').uncheck();
    await app.getByTestId('import-max-per-class').fill('2');
    await app.getByTestId('import-zip').setInputFiles(join(dir, 'bus.zip'));
    await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 60_000 });
    const m = await app.evaluate(() => window.protobench.data.getDataset('bus'));
    expect(m.splitSizes.train).toBe(0);
    expect(m.splitSizes.val).toBe(0);
    const task = gray.truth.info.tasks[0];
    const counts = await app.evaluate(() => window.protobench.data.classCounts('bus'));
    for (const c of counts[task?.name ?? ''] ?? []) expect(c.counts.test).toBeLessThanOrEqual(2);
    expect(m.numImages).toBe(m.splitSizes.test);
    expect(JSON.stringify(m.provenance)).toMatch(/2/);
  });

  test('resize instead of rejecting: an odd-sized, wrong-channel image is converted and the import records it', async ({
    app,
  }) => {
    for (const defect of ['image-not-224-tiff', 'wrong-channels-tiff'] as const) {
      const c = await makeDefect(defect, { id: defect.replaceAll('-', '_'), n: 10, channels: 1, seed: 7 });
      const dir = tempDir();
      writeFileSync(join(dir, 'x.zip'), await zipFiles(c.files, { root: c.fixture.spec.id }));
      await app.locator('.import-options summary').click();
      await app.getByTestId('import-resize').check();
      await app.getByTestId('import-zip').setInputFiles(join(dir, 'x.zip'));
      await expect(app.getByTestId('import-results')).toContainText(`Imported ${c.fixture.spec.id}`, {
        timeout: 60_000,
      });
      const m = await app.evaluate((id) => window.protobench.data.getDataset(id), c.fixture.spec.id);
      expect(m.numImages).toBe(10);
      if (defect === 'image-not-224-tiff')
        expect(m.provenance).toMatchObject({ resized: 1, resizeMethod: 'PIL BILINEAR to 224x224' });
      else expect(m.provenance).toMatchObject({ channelsConverted: 1 });
      await app.locator('.import-options summary').click();
    }
  });

  test('cancel stops the import and keeps nothing of it', async ({ app }) => {
    const big = await generateFixture({ id: 'slow', n: 400, channels: 3, seed: 3, hdf5: false });
    const dir = tempDir();
    writeFileSync(join(dir, 'slow.zip'), await zipOf(big));
    await app.getByTestId('import-zip').setInputFiles(join(dir, 'slow.zip'));
    await expect(app.getByTestId('import-status')).toContainText('writing', { timeout: 60_000 });
    await app.getByTestId('import-cancel').click();
    await expect(app.getByTestId('import-status')).toHaveText(
      'Import cancelled: the dataset in progress was not kept.',
    );
    expect(await app.evaluate(() => window.protobench.data.audit())).toEqual(EMPTY_STORE);
  });

  test('closing the page in the middle of an import leaves no partial dataset and no orphaned records', async ({
    page,
    context,
  }) => {
    const big = await generateFixture({ id: 'slow', n: 400, channels: 3, seed: 3, hdf5: false });
    const dir = tempDir();
    writeFileSync(join(dir, 'slow.zip'), await zipOf(big));
    await openApp(page);
    await page.getByTestId('import-zip').setInputFiles(join(dir, 'slow.zip'));
    await expect(page.getByTestId('import-status')).toContainText('writing', { timeout: 60_000 });
    expect((await page.evaluate(() => window.protobench.data.audit())).pendingWrites).toBe(1);
    await page.close();
    const page2 = await context.newPage();
    await openApp(page2);
    expect(await page2.evaluate(() => window.protobench.data.audit())).toEqual(EMPTY_STORE);
    await expect(page2.getByTestId('catalog-empty')).toBeVisible();
  });

  test('a file that is not a zip: a clear error, nothing stored', async ({ app }) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bus.zip'), notAZip());
    await app.getByTestId('import-zip').setInputFiles(join(dir, 'bus.zip'));
    await expect(app.getByTestId('import-failure')).toContainText('Could not import bus.zip');
    await expect(app.getByTestId('import-failure')).toContainText(/bus\.zip.*zip/i);
    expect(await app.evaluate(() => window.protobench.data.audit())).toEqual(EMPTY_STORE);
  });
});

test.describe('each defect gives its own error and stores nothing', () => {
  for (const defect of DEFECTS) {
    test(defect, async ({ app }) => {
      const c = await makeDefect(defect);
      const dir = tempDir();
      writeFileSync(join(dir, 'bus.zip'), await zipFiles(c.files, { root: 'bus' }));
      await app.getByTestId('import-zip').setInputFiles(join(dir, 'bus.zip'));
      const failure = app.getByTestId('import-failure');
      await expect(failure).toContainText('Could not import bus.zip. Nothing of it was stored.', { timeout: 60_000 });
      // The problem the defect must produce, by file and field, with what was expected and what was found.
      const file = c.expect.file ? `bus/${c.expect.file}` : 'bus';
      const item = failure.locator('li').filter({
        has: app.locator(
          `xpath=self::*[@data-file=${JSON.stringify(file)} and @data-field=${JSON.stringify(c.expect.field)}]`,
        ),
      });
      await expect(item.first()).toBeVisible();
      if (c.expect.expected) await expect(item.first()).toHaveAttribute('data-expected', c.expect.expected);
      if (c.expect.found) await expect(item.first()).toHaveAttribute('data-found', c.expect.found);
      expect(await app.evaluate(() => window.protobench.data.audit())).toEqual(EMPTY_STORE);
    });
  }
});
