import { checksum, renderPattern } from '../src/data/pattern';
import { expect, openApp, test } from './fixtures';

const HW = 224 * 224;

/** What the reference reader (PIL) gives: L = (19595 R + 38470 G + 7471 B + 32768) >> 16. */
function pilLuma(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(HW);
  for (let p = 0; p < HW; p++) {
    out[p] =
      (19595 * (rgb[3 * p] as number) +
        38470 * (rgb[3 * p + 1] as number) +
        7471 * (rgb[3 * p + 2] as number) +
        32768) >>
      16;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

for (const backend of ['wasm', 'cpu', 'webgpu', 'webgl'] as const) {
  test(`${backend}: pixels reach the device exactly, and channel conversion matches the reference reader`, async ({
    page,
  }) => {
    test.setTimeout(240_000);
    await openApp(page, `backend=${backend}&demo=off`);
    await expect(page.getByTestId('env-backend')).toHaveText(backend);
    await page.evaluate(() =>
      window.protobench.data.writePattern({ id: 'rgb', numImages: 12, channels: 3, seed: 11, shardSize: 5 }),
    );
    await page.evaluate(() =>
      window.protobench.data.writePattern({ id: 'gray', numImages: 12, channels: 1, seed: 12, shardSize: 5 }),
    );
    const idx = [11, 0, 6];
    for (const [id, seed, c] of [
      ['rgb', 11, 3],
      ['gray', 12, 1],
    ] as const) {
      const img = new Uint8Array(HW * c);
      let h = 0x811c9dc5;
      for (const i of idx) {
        renderPattern(seed, i, img);
        h = checksum(img, h);
      }
      const r = await page.evaluate(
        ([d, ix]) => window.protobench.compute.streamToDevice(d, Uint32Array.from(ix), { batchSize: 2, verify: true }),
        [id, idx] as const,
      );
      expect(r.checksum, `${id} checksum on ${backend}`).toBe(h);
      expect(r.tensorsAfter).toBe(r.tensorsBefore);
    }
    // RGB -> L exactly as PIL, gray -> RGB replicated; values scaled to [0, 1].
    const rgb = new Uint8Array(HW * 3);
    renderPattern(11, 6, rgb);
    const luma = await page.evaluate(() =>
      window.protobench.compute
        .preprocessImages('rgb', Uint32Array.of(6), { channels: 1, size: 224 })
        .then((a) => Array.from(a)),
    );
    expect(
      maxAbsDiff(
        luma,
        Array.from(pilLuma(rgb), (v) => v / 255),
      ),
    ).toBeLessThan(1e-6);
    const gray = new Uint8Array(HW);
    renderPattern(12, 6, gray);
    const rep = await page.evaluate(() =>
      window.protobench.compute
        .preprocessImages('gray', Uint32Array.of(6), { channels: 3, size: 224 })
        .then((a) => Array.from(a)),
    );
    const want = new Float32Array(HW * 3);
    for (let p = 0; p < HW; p++) for (let k = 0; k < 3; k++) want[3 * p + k] = (gray[p] as number) / 255;
    expect(maxAbsDiff(rep, want)).toBeLessThan(1e-6);
    // Resize runs on the device: 224 -> 84 keeps the image's mean within interpolation error.
    const small = await page.evaluate(() =>
      window.protobench.compute
        .preprocessImages('gray', Uint32Array.of(6), { channels: 1, size: 84 })
        .then((a) => Array.from(a)),
    );
    expect(small.length).toBe(84 * 84);
    const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(small) - mean(Array.from(gray, (v) => v / 255)))).toBeLessThan(0.01);
  });
}
