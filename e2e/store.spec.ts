import { Rng } from '../src/core/rng';
import { checksum, renderPattern } from '../src/data/pattern';
import { EMPTY_STORE, expect, openApp, test } from './fixtures';

/** The checksum the device readback must match, computed here in Node from the pattern definition. */
function expectedChecksum(seed: number, indices: number[], bytesPerImage: number): number {
  const img = new Uint8Array(bytesPerImage);
  let h = 0x811c9dc5;
  for (const i of indices) {
    renderPattern(seed, i, img);
    h = checksum(img, h);
  }
  return h;
}

test.describe('shard store', () => {
  test('streams a random 500-index request from a 3,000-image dataset to device tensors bit-identically', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const seed = 7;
    const m = await app.evaluate(
      (s) => window.protobench.data.writePattern({ id: 'pattern3k', numImages: 3000, channels: 3, seed: s }),
      seed,
    );
    expect(m.numImages).toBe(3000);
    expect(m.numShards).toBe(Math.ceil(3000 / m.shardSize));
    const indices = new Rng(99).sample(
      Array.from({ length: 3000 }, (_, i) => i),
      500,
    );
    const want = expectedChecksum(seed, indices, 224 * 224 * 3);
    const r = await app.evaluate(
      (idx) =>
        window.protobench.compute.streamToDevice('pattern3k', Uint32Array.from(idx), { batchSize: 37, verify: true }),
      indices,
    );
    expect(r.images).toBe(500);
    expect(r.checksum).toBe(want);
    // A different order is a different stream: the checksum is order-sensitive, so this catches misplaced images.
    const rev = [...indices].reverse();
    const r2 = await app.evaluate(
      (idx) =>
        window.protobench.compute.streamToDevice('pattern3k', Uint32Array.from(idx), { batchSize: 64, verify: true }),
      rev,
    );
    expect(r2.checksum).toBe(expectedChecksum(seed, rev, 224 * 224 * 3));
    expect(r2.checksum).not.toBe(want);
    // No tensor outlives the stream.
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
    expect(r2.tensorsAfter).toBe(r2.tensorsBefore);
  });

  test('grayscale datasets stream bit-identically too, through preprocess without leaks', async ({ app }) => {
    const m = await app.evaluate(() =>
      window.protobench.data.writePattern({ id: 'gray', numImages: 200, channels: 1, seed: 3, shardSize: 7 }),
    );
    expect(m.channels).toBe(1);
    const indices = Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
    const r = await app.evaluate(
      (idx) => window.protobench.compute.streamToDevice('gray', Uint32Array.from(idx), { batchSize: 50, verify: true }),
      indices,
    );
    expect(r.checksum).toBe(expectedChecksum(3, indices, 224 * 224));
    const before = await app.evaluate(() => window.protobench.compute.memory());
    for (let k = 0; k < 3; k++) {
      await app.evaluate(() =>
        window.protobench.compute.streamToDevice(
          'gray',
          Uint32Array.from({ length: 100 }, (_, i) => i),
          { batchSize: 32, preprocess: { channels: 3, size: 84 } },
        ),
      );
    }
    const after = await app.evaluate(() => window.protobench.compute.memory());
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  test('a request for an index outside the dataset names the dataset and the index', async ({ app }) => {
    await app.evaluate(() => window.protobench.data.writePattern({ id: 'small', numImages: 20, channels: 1, seed: 1 }));
    const err = await app.evaluate(() =>
      window.protobench.data.readImages('small', Uint32Array.of(3, 20)).then(
        () => 'no error',
        (e: Error) => e.message,
      ),
    );
    expect(err).toContain('Dataset "small": image index 20 at request position 1 is outside 0..19');
  });

  test('a write that fails half-way is rolled back: nothing visible, no records left', async ({ app }) => {
    const err = await app.evaluate(() =>
      window.protobench.data.writePattern({ id: 'broken', numImages: 400, channels: 1, seed: 1, failAfter: 200 }).then(
        () => 'no error',
        (e: Error) => e.message,
      ),
    );
    expect(err).toContain('stopped after');
    const ids = (await app.evaluate(() => window.protobench.data.listDatasets())).map((d) => d.id);
    expect(ids).not.toContain('broken');
    const audit = await app.evaluate(() => window.protobench.data.audit());
    expect(audit).toMatchObject({ pendingWrites: 0, unreachableRecords: 0, incompleteDatasets: [] });
  });

  test('closing the page in the middle of a write leaves no dataset and no leftover records after reload', async ({
    page,
    context,
  }) => {
    await openApp(page);
    // A slow write: progress is reported per chunk of 64 images.
    // Never settles: the page closes under it.
    page
      .evaluate(() =>
        window.protobench.data.writePattern({
          id: 'interrupted',
          numImages: 1280,
          channels: 3,
          seed: 5,
          throttleMs: 150,
        }),
      )
      .catch(() => undefined);
    await expect
      .poll(async () => (await page.evaluate(() => window.protobench.data.audit())).shardRecords, { timeout: 60_000 })
      .toBeGreaterThan(20);
    const mid = await page.evaluate(() => window.protobench.data.audit());
    expect(mid.pendingWrites).toBe(1);
    expect(mid.unreachableRecords).toBeGreaterThan(0);
    await page.close();
    const page2 = await context.newPage();
    await openApp(page2);
    const ids = (await page2.evaluate(() => window.protobench.data.listDatasets())).map((d) => d.id);
    expect(ids).not.toContain('interrupted');
    const after = await page2.evaluate(() => window.protobench.data.audit());
    expect(after).toEqual(EMPTY_STORE);
  });

  test('a quota that runs out mid-write is a clear error and a clean rollback', async ({ page, context }) => {
    await openApp(page);
    const cdp = await context.newCDPSession(page);
    const origin = new URL(page.url()).origin;
    // A 30 MB quota for a 150 MB dataset. navigator.storage.estimate() does not see CDP's override, so
    // the writer's up-front space check passes and the browser refuses a shard mid-write, as when a
    // disk fills up during an import.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 30 * 1024 * 1024 });
    const err = await page.evaluate(() =>
      window.protobench.data.writePattern({ id: 'toobig', numImages: 1000, channels: 3, seed: 2 }).then(
        () => 'no error',
        (e: Error) => e.message,
      ),
    );
    expect(err).toMatch(
      /^Storage quota exceeded while writing dataset "toobig" \(\d+ of 1000 images, [\d.]+ MB written\): the browser said "[^"]*QuotaExceeded[^"]*"\. The partial write was rolled back; nothing was kept\.$/,
    );
    const audit = await page.evaluate(() => window.protobench.data.audit());
    expect(audit).toEqual(EMPTY_STORE);
    // The store is still usable once space is back.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    const m = await page.evaluate(() =>
      window.protobench.data.writePattern({ id: 'fits', numImages: 50, channels: 3, seed: 2 }),
    );
    expect(m.numImages).toBe(50);
  });
});

test('a version-2 store is upgraded to version 3 in place: datasets and runs are kept, a weights store is added', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A blank page of the app's origin (the app itself would open the store at the current version at once).
  await page.route('**/v2-probe', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }),
  );
  await page.goto('/v2-probe');
  const pixels = Array.from({ length: 4 * 224 * 224 }, (_, i) => (i * 7) % 251);
  await page.evaluate(
    (px) =>
      new Promise<void>((resolve, reject) => {
        // The version-2 schema as the previous release created it: one whole dataset (4 gray images in
        // one shard, one task, three splits), one run record and an abandoned write.
        const rq = indexedDB.open('protobench', 2);
        rq.onupgradeneeded = () => {
          const db = rq.result;
          const u32 = (a: number[]) => Uint32Array.from(a).buffer;
          db.createObjectStore('datasets', { keyPath: 'id' }).put({
            id: 'old',
            name: 'Old',
            summary: 'from version 2',
            domain: 'Old domain',
            channels: 1,
            height: 224,
            width: 224,
            numImages: 4,
            tasks: [
              {
                name: 't',
                target: 'BINARY_CLASSIFICATION',
                labels: [
                  { value: 0, name: 'a' },
                  { value: 1, name: 'b' },
                ],
              },
            ],
            splitSizes: { train: 2, val: 1, test: 1 },
            domainOverlaps: [],
            subjectOverlaps: [],
            license: 'CC0',
            source: 'imported',
            writeId: 'w-v2',
            shardSize: 16,
            numShards: 1,
            bytes: 4 * 224 * 224,
            fingerprint: 'sha256:v2',
            createdAt: '2026-01-01T00:00:00Z',
            provenance: {},
          });
          db.createObjectStore('writes', { keyPath: 'writeId' }).put({
            writeId: 'w-abandoned',
            datasetId: 'gone',
            startedAt: '2026-01-01T00:00:00Z',
          });
          db.createObjectStore('shards', { keyPath: ['writeId', 'shard'] }).put({
            writeId: 'w-v2',
            shard: 0,
            count: 4,
            pixels: Uint8Array.from(px).buffer,
          });
          const arrays = db.createObjectStore('arrays', { keyPath: ['writeId', 'name'] });
          arrays.put({ writeId: 'w-v2', name: 'labels/t', dtype: 'int32', data: Int32Array.from([0, 1, 0, 1]).buffer });
          arrays.put({ writeId: 'w-v2', name: 'split/train', dtype: 'uint32', data: u32([0, 1]) });
          arrays.put({ writeId: 'w-v2', name: 'split/val', dtype: 'uint32', data: u32([2]) });
          arrays.put({ writeId: 'w-v2', name: 'split/test', dtype: 'uint32', data: u32([3]) });
          const runs = db.createObjectStore('runs', { keyPath: 'id' });
          runs.createIndex('byConfigHash', 'configHash');
          runs.put({
            id: 'run-v2',
            createdAt: '2026-01-02T00:00:00Z',
            configHash: '0123456789abcdef',
            status: 'cancelled',
            cells: [],
            environment: { backend: 'wasm' },
          });
        };
        rq.onsuccess = () => {
          rq.result.close();
          resolve();
        };
        rq.onerror = () => reject(rq.error);
      }),
    pixels,
  );
  await openApp(page, 'backend=wasm&demo=off');
  await expect(page.getByTestId('data-error')).toHaveCount(0);
  await expect(page.getByTestId('storage')).toContainText('Cleaned up 1 interrupted write(s)');
  // Everything of version 2 is still there and whole ...
  expect((await page.evaluate(() => window.protobench.data.listDatasets())).map((d) => d.id)).toEqual(['old']);
  expect(await page.evaluate(() => window.protobench.data.audit())).toMatchObject({
    datasets: 1,
    pendingWrites: 0,
    unreachableRecords: 0,
    incompleteDatasets: [],
  });
  const px = await page.evaluate(() =>
    window.protobench.data.readImages('old', Uint32Array.of(3)).then((a) => Array.from(a.subarray(0, 8))),
  );
  expect(px).toEqual(pixels.slice(3 * 224 * 224, 3 * 224 * 224 + 8));
  expect((await page.evaluate(() => window.protobench.data.listRuns())).map((r) => r.id)).toEqual(['run-v2']);
  // ... and the new weights store works (empty: nothing was trained yet).
  expect(await page.evaluate(() => window.protobench.data.listWeights())).toEqual([]);
  expect(await page.evaluate(() => window.protobench.data.auditWeights())).toEqual({ records: 0, bytes: 0, stale: 0 });
  const schema = await page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[]; indexes: string[] }>((resolve) => {
        const rq = indexedDB.open('protobench');
        rq.onsuccess = () => {
          const db = rq.result;
          const stores = [...db.objectStoreNames].sort();
          const indexes = stores.includes('weights')
            ? [...db.transaction('weights').objectStore('weights').indexNames]
            : [];
          db.close();
          resolve({ version: db.version, stores, indexes });
        };
      }),
  );
  expect(schema).toEqual({
    version: 3,
    stores: ['arrays', 'datasets', 'runs', 'shards', 'weights', 'writes'],
    indexes: ['byDataset'],
  });
  expect(errors).toEqual([]);
});
