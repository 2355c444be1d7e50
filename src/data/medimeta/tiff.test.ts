import { describe, expect, test } from 'vitest';
import UTIF from 'utif';
import { renderImage, writeTiff, type TiffWriteOptions } from './fixture';
import { ValidationError } from './problems';
import { firstDiff } from './test-util';
import { decodeTiff, readTiffHeader } from './tiff';

const F = 'bus/images/000001.tiff';

function err(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('decodeTiff', () => {
  const cases: [string, TiffWriteOptions][] = [
    ['uncompressed, ~64 KB strips (as Pillow)', {}],
    ['one strip', { rowsPerStrip: 224 }],
    ['LZW', { compression: 'lzw' }],
    ['LZW + predictor', { compression: 'lzw', predictor: true }],
    ['Deflate', { compression: 'deflate' }],
  ];
  for (const channels of [1, 3] as const) {
    test.each(cases)(`C=${channels}: %s equals the pixels written`, async (_name, opts) => {
      const px = renderImage(5, 1, 224, 224, channels);
      const img = decodeTiff(await writeTiff(px, 224, 224, channels, opts), F);
      expect([img.width, img.height, img.channels]).toEqual([224, 224, channels]);
      expect(firstDiff(img.pixels, px)).toBe(-1);
    });
  }

  test('non-224 sizes decode (the caller decides), and the header is read without pixels', async () => {
    const px = renderImage(1, 2, 50, 70, 3);
    const bytes = await writeTiff(px, 70, 50, 3);
    expect(readTiffHeader(bytes, F)).toMatchObject({ width: 70, height: 50, samples: 3, compression: 1 });
    expect(firstDiff(decodeTiff(bytes, F).pixels, px)).toBe(-1);
  });

  test('planar RGB is rejected by name', async () => {
    const planarRgb = await writeTiff(renderImage(5, 1, 224, 224, 3), 224, 224, 3, { planar: true });
    expect(err(() => decodeTiff(planarRgb, F)).problems[0]?.message).toBe(
      'bus/images/000001.tiff: tag PlanarConfiguration: expected 1 (chunky, as PIL writes), found 2 (planar TIFFs are not supported)',
    );
  });

  test('WhiteIsZero gray is inverted', async () => {
    const px = Uint8Array.from([0, 10, 255, 128]);
    expect(Array.from(decodeTiff(await writeTiff(px, 2, 2, 1, { photometric: 0 }), F).pixels)).toEqual([
      255, 245, 0, 127,
    ]);
  });

  test('rejected with the reason: bit depth, RGBA, palette, truncation, not a TIFF', async () => {
    const px = renderImage(1, 1, 16, 16, 1);
    expect(err(() => decodeTiff(new Uint8Array(1000), F)).problems[0]?.message).toBe(
      'bus/images/000001.tiff: header: expected a TIFF file (II* or MM*), found other bytes (not a TIFF file)',
    );
    const sixteen = await writeTiff(px, 16, 16, 1, { claimBits: 16 });
    expect(err(() => decodeTiff(sixteen, F)).problems[0]?.message).toBe(
      'bus/images/000001.tiff: tag BitsPerSample: expected 8 bits per sample, found [16]',
    );
    const rgba = new Uint8Array(UTIF.encodeImage(new Uint8Array(16 * 16 * 4), 16, 16));
    expect(err(() => decodeTiff(rgba, F)).problems.map((p) => p.field)).toContain('tag SamplesPerPixel');
    const pal = await writeTiff(px, 16, 16, 1, { photometric: 3 });
    expect(err(() => decodeTiff(pal, F)).problems[0]?.message).toContain('palette images are not supported');
    const ok = await writeTiff(renderImage(1, 1, 224, 224, 3), 224, 224, 3);
    const t = err(() => decodeTiff(ok.slice(0, ok.length - 1000), F)).problems[0];
    expect(t?.message).toMatch(
      /^bus\/images\/000001\.tiff: data: expected strip \d+ to end at byte \d+, found a file of \d+ bytes \(truncated file\)$/,
    );
  });
});
