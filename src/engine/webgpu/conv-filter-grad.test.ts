import { describe, expect, it } from 'vitest';
import { filterGradSplit } from './conv-filter-grad';

describe('filterGradSplit', () => {
  it('covers every item exactly once: groups x perGroup >= items, and no group is empty', () => {
    for (const [B, H, W, cin, cout] of [
      [100, 84, 84, 3, 64],
      [100, 42, 42, 64, 64],
      [8, 40, 40, 20, 68],
      [2, 1, 1, 4, 4],
      [100, 10, 10, 320, 640],
    ] as const) {
      const s = filterGradSplit(B, H, W, cin, cout);
      expect(s.items).toBe(B * H * Math.ceil(W / 32));
      expect(s.groups * s.perGroup).toBeGreaterThanOrEqual(s.items);
      expect((s.groups - 1) * s.perGroup).toBeLessThan(s.items);
    }
  });

  it('splits Conv-4 layers into hundreds of partial sums', () => {
    // 100 images x 42 rows x 2 segments; 64 MiB / (9 x 64 x 64 x 4 B) = 455 partials at most -> 19 items each.
    expect(filterGradSplit(100, 42, 42, 64, 64)).toEqual({ items: 8400, perGroup: 19, groups: 443 });
    // The first layer: 100 x 84 x 3 items, 512 partials at most -> 50 items each.
    expect(filterGradSplit(100, 84, 84, 3, 64)).toEqual({ items: 25200, perGroup: 50, groups: 504 });
    expect(filterGradSplit(2, 1, 1, 4, 4)).toEqual({ items: 2, perGroup: 1, groups: 2 });
  });

  it('keeps the partial buffer under 64 MiB for wide layers (ResNet-12 320 -> 640 channels)', () => {
    const s = filterGradSplit(100, 10, 10, 320, 640);
    expect(s.groups * 9 * 320 * 640 * 4).toBeLessThanOrEqual(64 * 1024 * 1024);
    // 64 MiB / (9 x 320 x 640 x 4 B) = 9 partials of ceil(1000 / 9) = 112 items.
    expect(s).toEqual({ items: 1000, perGroup: 112, groups: 9 });
  });
});
