import { describe, expect, test } from 'vitest';
import { convertChannels, lToRgb, resizeBilinear, resizeTo224, rgbToL } from './channels';

describe('channel conversion (PIL)', () => {
  test('RGB -> L uses (19595 R + 38470 G + 7471 B + 32768) >> 16', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 10, 200, 30]);
    // 76, 150, 29 are PIL's Image.convert('L') of pure red, green, blue.
    expect(Array.from(rgbToL(rgb))).toEqual([
      76,
      150,
      29,
      255,
      0,
      Math.floor((19595 * 10 + 38470 * 200 + 7471 * 30 + 32768) / 65536),
    ]);
  });
  test('L -> RGB replicates', () => {
    expect(Array.from(lToRgb(Uint8Array.from([0, 7, 255])))).toEqual([0, 0, 0, 7, 7, 7, 255, 255, 255]);
    expect(Array.from(convertChannels(Uint8Array.from([9]), 1, 1))).toEqual([9]);
  });
});

describe('resizeBilinear (PIL BILINEAR)', () => {
  test('4 -> 2 by hand: weights 3/7, 3/7, 1/7 and 1/7, 3/7, 3/7', () => {
    const out = resizeBilinear(Uint8Array.from([0, 70, 140, 210]), 1, 4, 1, 1, 2);
    expect(Array.from(out)).toEqual([50, 160]);
  });
  test('constant images stay constant, sizes are right, identity is a no-op', () => {
    const c = new Uint8Array(300 * 260 * 3).fill(123);
    const r = resizeTo224(c, 300, 260, 3);
    expect(r.length).toBe(224 * 224 * 3);
    expect(r.every((v) => v === 123)).toBe(true);
    const up = resizeTo224(new Uint8Array(100 * 100).fill(9), 100, 100, 1);
    expect(up.every((v) => v === 9)).toBe(true);
    const same = new Uint8Array(224 * 224);
    expect(resizeTo224(same, 224, 224, 1)).toBe(same);
  });
  test('2x upscale of a ramp interpolates between neighbours', () => {
    const out = resizeBilinear(Uint8Array.from([0, 100]), 1, 2, 1, 1, 4);
    // centres at 0.25, 0.75, 1.25, 1.75 input pixels: 0, 25, 75, 100
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
  });
});
