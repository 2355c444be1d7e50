import { describe, expect, test } from 'vitest';
import { renderImage, writeHdf5Images, type Hdf5WriteOptions } from './fixture';
import { openHdf5Images } from './hdf5';
import { ValidationError } from './problems';
import { bytesAccess } from './random-access';
import { firstDiff } from './test-util';

const F = 'crc/images.hdf5';

function images(n: number, c: number, seed = 1): Uint8Array {
  const per = 224 * 224 * c;
  const out = new Uint8Array(n * per);
  for (let i = 0; i < n; i++) out.set(renderImage(seed, i, 224, 224, c), i * per);
  return out;
}

async function err(f: () => Promise<unknown>): Promise<ValidationError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('openHdf5Images', () => {
  const layouts: [string, Hdf5WriteOptions][] = [
    ['contiguous', {}],
    ['chunked', { chunked: true }],
    ['gzip', { compression: 4 }],
  ];
  for (const c of [1, 3] as const) {
    test.each(layouts)(`C=${c} %s: slices equal the pixels written`, async (_n, opts) => {
      const n = 9;
      const px = images(n, c);
      const per = 224 * 224 * c;
      const h = await openHdf5Images(await writeHdf5Images(px, n, 224, 224, c, opts), F);
      expect([h.count, h.height, h.width, h.channels]).toEqual([n, 224, 224, c]);
      for (const [s, k] of [
        [0, n],
        [0, 1],
        [3, 4],
        [8, 1],
        [5, 0],
      ] as const) {
        expect(firstDiff(h.read(s, k), px.subarray(s * per, (s + k) * per))).toBe(-1);
      }
      expect(() => h.read(8, 2)).toThrow(RangeError);
      h.close();
      expect(() => h.read(0, 1)).toThrow(/after close/);
    });
  }

  test('(N, H, W, 1) is grayscale; several files open at once; a RandomAccess source', async () => {
    const a = images(3, 1, 2);
    const b = images(2, 3, 3);
    const ha = await openHdf5Images(
      await writeHdf5Images(a, 3, 224, 224, 1, { trailingChannel: true }),
      'a/images.hdf5',
    );
    const hb = await openHdf5Images(bytesAccess(await writeHdf5Images(b, 2, 224, 224, 3)), 'b/images.hdf5');
    expect(ha.channels).toBe(1);
    expect(firstDiff(ha.read(0, 3), a)).toBe(-1);
    expect(firstDiff(hb.read(0, 2), b)).toBe(-1);
    ha.close();
    hb.close();
  });

  test('errors name the file: truncated, not HDF5, no images dataset, wrong dtype, wrong rank', async () => {
    const good = await writeHdf5Images(images(2, 1), 2, 224, 224, 1);
    const t = await err(() => openHdf5Images(good.slice(0, good.length - 100), F));
    expect(t.problems[0]?.message).toMatch(
      /^crc\/images\.hdf5: expected a readable HDF5 file, found \d+ bytes that libhdf5 cannot open \(truncated file: eof = \d+/,
    );
    const g = await err(() => openHdf5Images(new Uint8Array(4096).fill(7), F));
    expect(g.problems[0]?.message).toContain('(Not an HDF5 file)');
    const other = await writeHdf5Images(images(1, 1), 1, 224, 224, 1, { datasetName: 'pixels' });
    expect((await err(() => openHdf5Images(other, F))).problems[0]?.message).toBe(
      'crc/images.hdf5: images: expected an HDF5 dataset named "images", found nothing (the file holds pixels)',
    );
    const floats = await writeHdf5Images(images(1, 1), 1, 224, 224, 1, { dtype: '<f' });
    expect((await err(() => openHdf5Images(floats, F))).problems[0]?.message).toBe(
      'crc/images.hdf5: dtype: expected uint8 pixels, found "<f" (dataset "images")',
    );
    const flat = await writeHdf5Images(images(1, 1), 1, 224, 112, 2);
    expect((await err(() => openHdf5Images(flat, F))).problems[0]?.field).toBe('shape');
  });

  test('a corrupt compressed chunk fails the read that needs it, naming the file and images', async () => {
    const px = images(6, 1);
    const bytes = (await writeHdf5Images(px, 6, 224, 224, 1, { compression: 1 })).slice();
    const h0 = await openHdf5Images(bytes, F);
    h0.close();
    bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64);
    const h = await openHdf5Images(bytes, F);
    const bad: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        h.read(i, 1);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        bad.push((e as ValidationError).problems[0]?.message ?? '');
      }
    }
    h.close();
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toMatch(/^crc\/images\.hdf5: images \d\.\.\d: expected readable image data, found a read error/);
  });

  test('read speed of a contiguous RGB images.hdf5 (measured, printed)', async () => {
    const n = 128;
    const px = images(n, 3);
    const bytes = await writeHdf5Images(px, n, 224, 224, 3);
    const h = await openHdf5Images(bytes, F);
    const t0 = performance.now();
    let total = 0;
    for (let s = 0; s < n; s += 32) total += h.read(s, Math.min(32, n - s)).length;
    const ms = performance.now() - t0;
    h.close();
    expect(total).toBe(px.length);
    console.log(
      `images.hdf5 read: ${n} RGB images, ${(total / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms = ${(total / 1e6 / (ms / 1000)).toFixed(0)} MB/s (memory source, chunks of 32)`,
    );
  });
});
