import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { bump, cos, normal, sin } from './fmath';
import { plane, PIXELS, W, WP, writeGray, writeRgb } from './raster';
import { SHAPES, shapeMask } from './shapes';

describe('fmath', () => {
  it('sin and cos agree with Math to 1e-6 over many periods', () => {
    for (let x = -60; x <= 60; x += 0.0137) {
      expect(Math.abs(sin(x) - Math.sin(x))).toBeLessThan(1e-6);
      expect(Math.abs(cos(x) - Math.cos(x))).toBeLessThan(1e-6);
    }
  });

  it('normal() is roughly standard normal', () => {
    const rng = new Rng(7);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = normal(rng);
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('bump is 1 at 0, 0 outside (-1, 1)', () => {
    expect(bump(0)).toBe(1);
    expect(bump(1)).toBe(0);
    expect(bump(-1.5)).toBe(0);
    expect(bump(0.5)).toBeCloseTo(0.5625);
  });
});

describe('raster output', () => {
  it('upsamples a constant plane exactly, rounding and clamping to 0..255', () => {
    const p = plane(0);
    const out = new Uint8Array(PIXELS);
    const rng = new Rng(1);
    for (const [v, want] of [
      [100.4, 100],
      [100.5, 101],
      [-7, 0],
      [300, 255],
      [Number.NaN, 0],
    ] as const) {
      p.fill(v);
      writeGray(p, out, rng, 0);
      expect(
        out.every((b) => b === want),
        `${v}`,
      ).toBe(true);
    }
  });

  it('interleaves RGB channels-last', () => {
    const [r, g, b] = [plane(0), plane(1), plane(2)];
    r.fill(10);
    g.fill(20);
    b.fill(30);
    const out = new Uint8Array(3 * PIXELS);
    writeRgb(r, g, b, out, new Rng(1), 0);
    expect([out[0], out[1], out[2], out[3 * PIXELS - 1]]).toEqual([10, 20, 30, 30]);
  });
});

describe('shapes', () => {
  it('have outer radius r and the documented areas relative to the disc', () => {
    const mask = plane(4);
    const area = (shape: number): number => {
      shapeMask(mask, { shape, cx: 112, cy: 112, r: 80, theta: 0, aspect: 1, soft: 1 });
      let s = 0;
      for (let i = 0; i < WP; i++) s += mask[i] as number;
      return s * 4; // one work pixel covers four output pixels
    };
    const disc = area(0);
    expect(disc / (Math.PI * 80 * 80)).toBeCloseTo(1, 1);
    const rel = SHAPES.map((_, k) => area(k) / disc);
    expect(rel[1]).toBeCloseTo(0.41, 1);
    expect(rel[2]).toBeCloseTo(0.64, 1);
    expect(rel[3]).toBeCloseTo(0.21, 1);
    // Nothing drawn beyond the outer radius (plus the soft edge).
    shapeMask(mask, { shape: 3, cx: 112, cy: 112, r: 40, theta: 0.3, aspect: 1, soft: 1 });
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        const dx = 2 * x + 0.5 - 112;
        const dy = 2 * y + 0.5 - 112;
        if (dx * dx + dy * dy > 43 * 43) expect(mask[y * W + x]).toBe(0);
      }
    }
  });
});
