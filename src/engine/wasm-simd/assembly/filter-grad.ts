// AssemblyScript, compiled by tools/build-wasm-kernels.mjs into ../kernels-binary.ts. Pointers are byte
// offsets into tfjs-wasm's heap (this module imports its memory); nothing here allocates or keeps state.

import { acc1x16, acc3x16 } from './tile';

/**
 * Weight gradient of a 3x3 'same' convolution (stride 1, zero padding 1), NHWC, for output channels
 * co0 <= co < co1 (threads split the output channels: no reduction across threads, and the same sums in the
 * same order whatever the thread count):
 *   out[ky, kx, ci, co] += sum_{n, y, x} x[n, y + ky - 1, x + kx - 1, ci] * dy[n, y, x, co]
 * x [B, H, W, CI], dy [B, H, W, CO], out [3, 3, CI, CO] (accumulated into: callers zero it).
 * Register tile: 3 input channels x 16 output channels (12 f32x4 accumulators), streamed over one row's
 * pixels, which stay in L1 across the tile loop. CO, co0 and co1 % 16 == 0; a CI % 3 remainder runs 1 x 16 tiles.
 */
export function filterGrad3x3(
  x: usize,
  dy: usize,
  out: usize,
  H: i32,
  W: i32,
  CI: i32,
  CO: i32,
  B: i32,
  co0: i32,
  co1: i32,
): void {
  for (let n = 0; n < B; n++) {
    for (let y = 0; y < H; y++) {
      const dyRow = dy + ((<usize>(n * H + y) * <usize>W * <usize>CO) << 2);
      for (let ky = 0; ky < 3; ky++) {
        const sy = y + ky - 1;
        if (sy < 0 || sy >= H) continue;
        const xRow = x + ((<usize>(n * H + sy) * <usize>W * <usize>CI) << 2);
        for (let kx = 0; kx < 3; kx++) {
          // Output columns whose source column x + kx - 1 lies inside the image.
          const xa = kx == 0 ? 1 : 0;
          const xb = kx == 2 ? W - 1 : W;
          if (xb <= xa) continue;
          let ci = 0;
          for (; ci + 3 <= CI; ci += 3)
            for (let g = co0; g < co1; g += 16) tile3x16(xRow, dyRow, out, ky * 3 + kx, kx, xa, xb, ci, g, CI, CO);
          for (; ci < CI; ci++)
            for (let g = co0; g < co1; g += 16) tile1x16(xRow, dyRow, out, ky * 3 + kx, kx, xa, xb, ci, g, CI, CO);
        }
      }
    }
  }
}

/** out[tap, ci..ci+2, g..g+15] += sum over columns xa <= i < xb of x[row, i + kx - 1, ci..ci+2] (x) dy[row, i, g..g+15]. */
// @ts-ignore: decorator
@inline
function tile3x16(xRow: usize, dyRow: usize, out: usize, tap: i32, kx: i32, xa: i32, xb: i32, ci: i32, g: i32, CI: i32, CO: i32): void {
  const xStep = <usize>CI << 2;
  const dStep = <usize>CO << 2;
  const o0 = out + (<usize>((tap * CI + ci) * CO + g) << 2);
  const px = xRow + (<usize>((xa + kx - 1) * CI + ci) << 2);
  const pd = dyRow + (<usize>(xa * CO + g) << 2);
  acc3x16(px, xStep, pd, dStep, xb - xa, o0, dStep);
}

/** The same for one input channel (the CI % 3 remainder). */
// @ts-ignore: decorator
@inline
function tile1x16(xRow: usize, dyRow: usize, out: usize, tap: i32, kx: i32, xa: i32, xb: i32, ci: i32, g: i32, CI: i32, CO: i32): void {
  const o0 = out + (<usize>((tap * CI + ci) * CO + g) << 2);
  const px = xRow + (<usize>((xa + kx - 1) * CI + ci) << 2);
  const pd = dyRow + (<usize>(xa * CO + g) << 2);
  acc1x16(px, <usize>CI << 2, pd, <usize>CO << 2, xb - xa, o0);
}
