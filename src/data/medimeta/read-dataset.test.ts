import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SPLITS } from '../../core/types';
import { convertChannels, resizeTo224 } from './channels';
import { filesSource, memorySource, urlSource, zipSource, type DatasetSource } from './dataset-source';
import { DEFECTS, generateFixture, makeDefect, notAZip, renderImage, zipFiles, type Fixture } from './fixture';
import { ValidationError } from './problems';
import { readDataset, type DatasetRead, type ReadDatasetOptions } from './read-dataset';
import { serveFiles, type TestServer } from './test-server';
import { firstDiff } from './test-util';

const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);

async function collectPixels(r: DatasetRead): Promise<Uint8Array> {
  const per = r.info.height * r.info.width * r.info.channels;
  const out = new Uint8Array(r.info.numImages * per);
  let next = 0;
  for await (const c of r.images) {
    expect(c.start).toBe(next);
    expect(c.pixels.length).toBe(c.count * per);
    out.set(c.pixels, c.start * per);
    next += c.count;
  }
  expect(next).toBe(r.info.numImages);
  return out;
}

/** Every count, label, split and pixel equals the generator's truth. */
async function expectTruth(src: DatasetSource, fx: Fixture, opts: ReadDatasetOptions = {}): Promise<DatasetRead> {
  const r = await readDataset(src, opts);
  expect(r.info).toEqual(fx.truth.info);
  for (const t of fx.truth.info.tasks) {
    const got = r.labels[t.name];
    expect(got?.constructor).toBe(fx.truth.labels[t.name]?.constructor);
    expect(firstDiff(got as ArrayLike<number>, fx.truth.labels[t.name] as ArrayLike<number>)).toBe(-1);
  }
  for (const s of SPLITS) expect(Array.from(r.splits[s])).toEqual(Array.from(fx.truth.splits[s]));
  expect(firstDiff(await collectPixels(r), fx.truth.pixels)).toBe(-1);
  expect(r.originalIndices.length).toBe(fx.truth.info.numImages);
  r.close();
  return r;
}

let gray: Fixture;
let rgb: Fixture;
beforeAll(async () => {
  gray = await generateFixture({ id: 'bus', n: 11, channels: 1, seed: 21 });
  rgb = await generateFixture({
    id: 'derm',
    n: 9,
    channels: 3,
    seed: 22,
    tiff: { compression: 'lzw' },
    hdf5: { compression: 3 },
  });
});

describe('readDataset yields exactly the generated truth', () => {
  test('memory source, images.hdf5, chunks that do not divide N', async () => {
    const r = await expectTruth(memorySource(gray.files, 'bus'), gray, { images: 'hdf5', chunkSize: 4 });
    expect(r.imageSource).toMatchObject({ kind: 'hdf5', file: 'bus/images.hdf5', lazy: false });
    expect(r.provenance).toEqual({
      format: 'medimeta',
      sourceKind: 'memory',
      sourceName: 'bus',
      imageSource: 'images.hdf5',
      originalNumImages: 11,
    });
    expect(r.warnings).toEqual([]);
  });

  test('memory source, TIFFs (auto picks them when images.hdf5 would have to be copied)', async () => {
    const r = await expectTruth(memorySource(rgb.files, 'derm'), rgb, { chunkSize: 4 });
    expect(r.imageSource.kind).toBe('tiff');
  });

  test('zip File with <id>/ folder, zip64, stored images.hdf5: read lazily from the archive', async () => {
    const src = await zipSource(blobOf(await zipFiles(rgb.files, { root: 'derm', zip64: true, hdf5Level: 0 })), {
      name: 'derm.zip',
    });
    const r = await expectTruth(src, rgb);
    expect(r.imageSource).toMatchObject({ kind: 'hdf5', lazy: true });
    await src.close();
  });

  test('zip File, everything deflated, forced to images.hdf5 (inflated into a Blob)', async () => {
    const src = await zipSource(blobOf(await zipFiles(gray.files, { root: 'bus' })), { name: 'bus.zip' });
    const r = await expectTruth(src, gray, { images: 'hdf5', chunkSize: 5 });
    expect(r.imageSource).toMatchObject({ kind: 'hdf5', lazy: false });
    await src.close();
  });

  test('folder picker Files', async () => {
    const src = filesSource([...gray.files].map(([p, b]) => ({ path: `bus/${p}`, file: blobOf(b) })));
    const r = await expectTruth(src, gray);
    expect(r.imageSource).toMatchObject({ kind: 'hdf5', lazy: true });
  });

  describe('over HTTP (loopback)', () => {
    let server: TestServer;
    beforeAll(async () => {
      const files = new Map([...gray.files].map(([p, b]) => [`served/bus/${p}`, b]));
      files.set('zips/bus.zip', await zipFiles(gray.files, { root: 'bus', hdf5Level: 0 }));
      server = await serveFiles(files, { ranges: true });
    });
    afterAll(async () => server.close());

    test('a served folder', async () => {
      await expectTruth(await urlSource(`${server.url}/served/bus`), gray, { images: 'tiff' });
      await expectTruth(await urlSource(`${server.url}/served/bus`), gray, { images: 'hdf5' });
    });
    test('a zip URL read with Range requests', async () => {
      const src = await zipSource(`${server.url}/zips/bus.zip`);
      await expectTruth(src, gray);
      await src.close();
    });
  });
});

describe('selection', () => {
  test('only some splits: indices remapped, labels and pixels follow', async () => {
    const r = await readDataset(memorySource(gray.files, 'bus'), { splits: ['test'], images: 'hdf5', chunkSize: 3 });
    const kept = Array.from(gray.truth.splits.test);
    expect(Array.from(r.originalIndices)).toEqual(kept);
    expect(r.info.numImages).toBe(kept.length);
    expect(r.info.splitSizes).toEqual({ train: 0, val: 0, test: kept.length });
    expect(Array.from(r.splits.test)).toEqual(kept.map((_, k) => k));
    const y = gray.truth.labels['Clarity'] as Int32Array;
    expect(Array.from(r.labels['Clarity'] as Int32Array)).toEqual(kept.map((i) => y[i]));
    const ml = gray.truth.labels['disease labels'] as Uint8Array;
    expect(Array.from(r.labels['disease labels'] as Uint8Array)).toEqual(
      kept.flatMap((i) => Array.from(ml.subarray(i * 4, i * 4 + 4))),
    );
    const px = await collectPixels(r);
    const per = 224 * 224;
    kept.forEach((i, k) =>
      expect(firstDiff(px.subarray(k * per, (k + 1) * per), gray.truth.pixels.subarray(i * per, (i + 1) * per))).toBe(
        -1,
      ),
    );
    expect(r.provenance).toMatchObject({ keptSplits: 'test', keptImages: kept.length, originalNumImages: 11 });
    r.close();
  });

  test('maxPerClass on a single-label and on a multilabel task, deterministic from the seed', async () => {
    const fx = await generateFixture({ id: 'pbc', n: 40, channels: 1, seed: 5, tiff: false });
    const src = memorySource(fx.files, 'pbc');
    const a = await readDataset(src, { maxPerClass: { task: 'disease class', count: 2, seed: 9 } });
    const b = await readDataset(src, { maxPerClass: { task: 'disease class', count: 2, seed: 9 } });
    expect(Array.from(a.originalIndices)).toEqual(Array.from(b.originalIndices));
    for (const s of SPLITS) {
      const counts = new Map<number, number>();
      for (const i of a.splits[s])
        counts.set(
          (a.labels['disease class'] as Int32Array)[i] as number,
          (counts.get((a.labels['disease class'] as Int32Array)[i] as number) ?? 0) + 1,
        );
      for (const n of counts.values()) expect(n).toBeLessThanOrEqual(2);
    }
    expect(a.info.numImages).toBe(12); // train and test, 3 classes, 2 each (val is empty)
    expect(a.provenance.maxPerClass).toBe('task=disease class;count=2;seed=9');
    const m = await readDataset(src, { maxPerClass: { task: 'disease labels', count: 3, seed: 1 }, splits: ['train'] });
    const y = m.labels['disease labels'] as Uint8Array;
    for (let j = 0; j < 4; j++) {
      let pos = 0;
      for (let i = 0; i < m.info.numImages; i++) pos += y[i * 4 + j] as number;
      expect(pos).toBeGreaterThanOrEqual(Math.min(3, countPositives(fx, 'train', j)));
    }
    expect(m.info.numImages).toBeLessThan(fx.truth.splits.train.length);
    for (const r of [a, b, m]) r.close();
    await expect(readDataset(src, { maxPerClass: { task: 'nope', count: 1, seed: 1 } })).rejects.toThrow(
      /no task "nope"/,
    );
  });
});

function countPositives(fx: Fixture, split: 'train', j: number): number {
  const y = fx.truth.labels['disease labels'] as Uint8Array;
  let n = 0;
  for (const i of fx.truth.splits[split]) n += y[i * 4 + j] as number;
  return n;
}

describe('resize option', () => {
  test('images.hdf5 of 200 x 200 RGB for input_size [1, 224, 224]: converted, resized, recorded', async () => {
    const fx = await generateFixture({
      id: 'bus',
      n: 3,
      channels: 1,
      seed: 2,
      tiff: false,
      stored: { height: 200, width: 200, channels: 3 },
    });
    await expect(readDataset(memorySource(fx.files, 'bus'))).rejects.toThrow(
      /bus\/images\.hdf5: shape: expected \(3, 224, 224\) for input_size \[1, 224, 224\], found \(3, 200, 200, 3\)/,
    );
    const r = await readDataset(memorySource(fx.files, 'bus'), { resize: true });
    const px = await collectPixels(r);
    for (let i = 0; i < 3; i++) {
      const want = resizeTo224(convertChannels(renderImage(2, i, 200, 200, 3), 3, 1), 200, 200, 1);
      expect(firstDiff(px.subarray(i * 224 * 224, (i + 1) * 224 * 224), want)).toBe(-1);
    }
    expect(r.provenance).toMatchObject({ resized: 3, channelsConverted: 3 });
    r.close();
  });

  test('one odd TIFF among good ones', async () => {
    const fx = await generateFixture({
      id: 'derm',
      n: 4,
      channels: 3,
      seed: 3,
      hdf5: false,
      oddTiff: { index: 2, channels: 1, height: 230, width: 224 },
    });
    const r = await readDataset(memorySource(fx.files, 'derm'), { resize: true });
    const px = await collectPixels(r);
    const per = 224 * 224 * 3;
    expect(firstDiff(px.subarray(0, 2 * per), fx.truth.pixels.subarray(0, 2 * per))).toBe(-1);
    const want = resizeTo224(convertChannels(renderImage(3, 2, 230, 224, 1), 1, 3), 230, 224, 3);
    expect(firstDiff(px.subarray(2 * per, 3 * per), want)).toBe(-1);
    expect(r.provenance).toMatchObject({ resized: 1, channelsConverted: 1 });
  });
});

describe('defects: each gives its specific problem (file, field, expected, found)', () => {
  test.each(DEFECTS)('%s', async (defect) => {
    const c = await makeDefect(defect);
    let err: unknown;
    try {
      const r = await readDataset(memorySource(c.files, 'bus'));
      r.close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const problems = (err as ValidationError).problems;
    const file = c.expect.file ? `bus/${c.expect.file}` : 'bus';
    const match = problems.find((p) => p.file === file && p.field === c.expect.field);
    if (!match)
      throw new Error(`no problem for ${file} / "${c.expect.field}" in:\n${problems.map((p) => p.message).join('\n')}`);
    if (c.expect.expected) expect(match.expected).toMatch(c.expect.expected);
    if (c.expect.found) expect(match.found).toMatch(c.expect.found);
    expect(match.message.startsWith(`${file}: `)).toBe(true);
  });

  test('several defects at once are all reported', async () => {
    const c = await makeDefect('bad-task-target');
    const files = new Map(c.files);
    files.delete('task_labels/patient sex.npy');
    files.set('splits/test.txt', new TextEncoder().encode('images/000099.tiff\n'));
    const err = await readDataset(memorySource(files, 'bus')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).problems.map((p) => `${p.file} ${p.field}`);
    expect(fields).toContain('bus/info.yaml tasks[1].task_target');
    expect(fields).toContain('bus/splits/test.txt line 1');
    // With info.yaml broken the tasks are unknown, so the missing label file cannot be named; fix the target:
    const files2 = new Map(files);
    files2.set('info.yaml', c.fixture.files.get('info.yaml') as Uint8Array);
    const err2 = (await readDataset(memorySource(files2, 'bus')).catch((e: unknown) => e)) as ValidationError;
    const f2 = err2.problems.map((p) => `${p.file} ${p.field}`);
    expect(f2).toContain('bus/task_labels/patient sex.npy ');
    expect(f2).toContain('bus/splits/test.txt line 1');
  });

  test('many missing TIFFs are listed up to 20, then counted', async () => {
    const fx = await generateFixture({ id: 'bus', n: 30, channels: 1, seed: 1, hdf5: false });
    const files = new Map(fx.files);
    for (let i = 3; i < 28; i++) files.delete(`images/${String(i).padStart(6, '0')}.tiff`);
    const err = (await readDataset(memorySource(files, 'bus')).catch((e: unknown) => e)) as ValidationError;
    const missing = err.problems.filter((p) => p.found === 'nothing' && p.file.startsWith('bus/images/'));
    expect(missing).toHaveLength(20);
    expect(missing[0]?.message).toBe(
      'bus/images/000003.tiff: expected a file (images 0..29), found nothing (missing image)',
    );
    expect(err.problems.find((p) => p.file === 'bus/images')?.found).toBe('5 more missing');
  });

  test('not a zip', async () => {
    const err = await zipSource(blobOf(notAZip()), { name: 'bus.zip' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems[0]).toMatchObject({
      file: 'bus.zip',
      field: '',
      expected: 'a zip archive',
    });
  });

  test('a defect in a zip is named with the dataset folder', async () => {
    const c = await makeDefect('truncated-npy');
    const src = await zipSource(blobOf(await zipFiles(c.files, { root: 'bus' })), { name: 'bus.zip' });
    const err = (await readDataset(src).catch((e: unknown) => e)) as ValidationError;
    expect(err.problems.map((p) => p.message)).toContain(
      'bus/task_labels/disease class.npy: data: expected 80 bytes of data for shape (10) of <i8, found 68 bytes (truncated file)',
    );
    await src.close();
  });
});
