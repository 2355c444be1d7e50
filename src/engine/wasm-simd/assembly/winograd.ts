import { acc1x8, acc6x8 } from './tile';

// A 3x3 'same' convolution (stride 1, zero padding 1), NHWC, by Winograd F(2x2, 3x3) (Lavin & Gray 2016):
// each 2x2 output tile is A^T [(G g G^T) . (B^T d B)] A over its 4x4 input patch d, 16 multiplies per tile and
// channel pair where the direct form needs 36. The 16 element-wise products summed over input channels are 16
// matrix products [tiles, CI] x [CI, CO], done in blocks of tiles that stay in L2.

/**
 * Filter transform: w [3, 3, CI, CO] (HWIO) -> u [16, CI, CO], U = G g G^T per (ci, co), with
 * G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]. CI * CO % 4 == 0.
 */
export function winogradWeights(w: usize, u: usize, CI: i32, CO: i32): void {
  const n = CI * CO;
  const tap = <usize>n << 2;
  const h = f32x4.splat(0.5);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const p = w + o;
    const q = u + o;
    // Rows ky of g, transformed over ky: t[r][kx] = (G g)[r][kx].
    const g00 = v128.load(p), g01 = v128.load(p + tap), g02 = v128.load(p + 2 * tap);
    const g10 = v128.load(p + 3 * tap), g11 = v128.load(p + 4 * tap), g12 = v128.load(p + 5 * tap);
    const g20 = v128.load(p + 6 * tap), g21 = v128.load(p + 7 * tap), g22 = v128.load(p + 8 * tap);
    const t10 = f32x4.mul(h, f32x4.add(f32x4.add(g00, g10), g20));
    const t11 = f32x4.mul(h, f32x4.add(f32x4.add(g01, g11), g21));
    const t12 = f32x4.mul(h, f32x4.add(f32x4.add(g02, g12), g22));
    const t20 = f32x4.mul(h, f32x4.add(f32x4.sub(g00, g10), g20));
    const t21 = f32x4.mul(h, f32x4.add(f32x4.sub(g01, g11), g21));
    const t22 = f32x4.mul(h, f32x4.add(f32x4.sub(g02, g12), g22));
    weightRow(q, tap, 0, g00, g01, g02, h);
    weightRow(q, tap, 4, t10, t11, t12, h);
    weightRow(q, tap, 8, t20, t21, t22, h);
    weightRow(q, tap, 12, g20, g21, g22, h);
  }
}

/** u[r*4 .. r*4+3] = t G^T for one row t of G g. */
// @ts-ignore: decorator
@inline
function weightRow(q: usize, tap: usize, p: i32, a: v128, b: v128, c: v128, h: v128): void {
  v128.store(q + <usize>p * tap, a);
  v128.store(q + <usize>(p + 1) * tap, f32x4.mul(h, f32x4.add(f32x4.add(a, b), c)));
  v128.store(q + <usize>(p + 2) * tap, f32x4.mul(h, f32x4.add(f32x4.sub(a, b), c)));
  v128.store(q + <usize>(p + 3) * tap, c);
}

/**
 * y [N, H, W, CO] = conv(x [N, H, W, CI], the filter whose transform is u [16, CI, CO]) for the 2x2 output
 * tiles t0 <= t < t1 (tile t: image t / (TH TW), tile row (t % (TH TW)) / TW, column t % TW; TH = ceil(H/2),
 * TW = ceil(W/2)). Threads take disjoint tile ranges; every output has one order of sums whatever the split.
 * `pool`: y [N, H/2, W/2, CO] (floor) = maxPool2(relu(conv + bias)), bias [CO] (0: none), each 2x2 tile being
 * one pooling window (TH = floor(H/2), TW = floor(W/2)): the conv output is never written.
 * scratch: 16 BT (CI + CO) floats, 16-byte aligned, this part's own: V [16, BT, CI] and M [16, BT, CO].
 * CI % 4 == 0, CO % 16 == 0.
 */
export function winogradConv3x3(
  x: usize,
  u: usize,
  y: usize,
  scratch: usize,
  H: i32,
  W: i32,
  CI: i32,
  CO: i32,
  BT: i32,
  t0: i32,
  t1: i32,
  pool: bool,
  bias: usize,
): void {
  const V = scratch;
  const M = scratch + (<usize>(16 * BT * CI) << 2);
  // Pooled: only the floor(H/2) x floor(W/2) tiles that are whole pooling windows.
  const TH = pool ? H >> 1 : (H + 1) >> 1;
  const TW = pool ? W >> 1 : (W + 1) >> 1;
  for (let t = t0; t < t1; t += BT) {
    const nb = min(BT, t1 - t);
    for (let b = 0; b < nb; b++) inputTile(x, V, t + b, b, H, W, CI, BT, TH, TW);
    for (let p = 0; p < 16; p++) {
      const vp = V + (<usize>(p * BT * CI) << 2);
      const up = u + (<usize>(p * CI * CO) << 2);
      const mp = M + (<usize>(p * BT * CO) << 2);
      for (let g = 0; g < CO; g += 8) {
        let b = 0;
        for (; b + 6 <= nb; b += 6) gemm6x8(vp, up, mp, b, g, CI, CO);
        for (; b < nb; b++) gemm1x8(vp, up, mp, b, g, CI, CO);
      }
    }
    for (let b = 0; b < nb; b++) outputTile(y, M, bias, t + b, b, H, W, CO, BT, pool);
  }
}

// @ts-ignore: decorator
@inline
function ld(p: usize, ok: bool): v128 {
  return ok ? v128.load(p) : f32x4.splat(0);
}

/** V[:, b, :] = B^T d B for tile t, B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]. */
function inputTile(x: usize, V: usize, t: i32, b: i32, H: i32, W: i32, CI: i32, BT: i32, TH: i32, TW: i32): void {
  const n = t / (TH * TW);
  const r = t - n * TH * TW;
  const y0 = 2 * (r / TW) - 1;
  const x0 = 2 * (r % TW) - 1;
  const r0 = y0 >= 0, r2 = y0 + 2 < H, r3 = y0 + 3 < H;
  const c0 = x0 >= 0, c2 = x0 + 2 < W, c3 = x0 + 3 < W;
  const px = <usize>CI << 2;
  const prow = <usize>(W * CI) << 2;
  // Address of d[0][0] (before x for the first tile: modular arithmetic); never dereferenced out of bounds.
  const base = x + (<usize>(((n * H + y0) * W + x0) * CI) << 2);
  const plane = <usize>(BT * CI) << 2;
  const out = V + (<usize>(b * CI) << 2);
  for (let ci = 0; ci < CI; ci += 4) {
    const a = base + (<usize>ci << 2);
    const a1 = a + prow, a2 = a1 + prow, a3 = a2 + prow;
    // f[k] = the row transform of input row k, over its columns.
    const d00 = ld(a, r0 && c0), d01 = ld(a + px, r0), d02 = ld(a + 2 * px, r0 && c2), d03 = ld(a + 3 * px, r0 && c3);
    const d10 = ld(a1, c0), d11 = v128.load(a1 + px), d12 = ld(a1 + 2 * px, c2), d13 = ld(a1 + 3 * px, c3);
    const d20 = ld(a2, r2 && c0), d21 = ld(a2 + px, r2), d22 = ld(a2 + 2 * px, r2 && c2), d23 = ld(a2 + 3 * px, r2 && c3);
    const d30 = ld(a3, r3 && c0), d31 = ld(a3 + px, r3), d32 = ld(a3 + 2 * px, r3 && c2), d33 = ld(a3 + 3 * px, r3 && c3);
    // Columns first: e[k][j] for rows k.
    const e00 = f32x4.sub(d00, d02), e01 = f32x4.add(d01, d02), e02 = f32x4.sub(d02, d01), e03 = f32x4.sub(d01, d03);
    const e10 = f32x4.sub(d10, d12), e11 = f32x4.add(d11, d12), e12 = f32x4.sub(d12, d11), e13 = f32x4.sub(d11, d13);
    const e20 = f32x4.sub(d20, d22), e21 = f32x4.add(d21, d22), e22 = f32x4.sub(d22, d21), e23 = f32x4.sub(d21, d23);
    const e30 = f32x4.sub(d30, d32), e31 = f32x4.add(d31, d32), e32 = f32x4.sub(d32, d31), e33 = f32x4.sub(d31, d33);
    const o = out + (<usize>ci << 2);
    v128.store(o, f32x4.sub(e00, e20));
    v128.store(o + plane, f32x4.sub(e01, e21));
    v128.store(o + 2 * plane, f32x4.sub(e02, e22));
    v128.store(o + 3 * plane, f32x4.sub(e03, e23));
    v128.store(o + 4 * plane, f32x4.add(e10, e20));
    v128.store(o + 5 * plane, f32x4.add(e11, e21));
    v128.store(o + 6 * plane, f32x4.add(e12, e22));
    v128.store(o + 7 * plane, f32x4.add(e13, e23));
    v128.store(o + 8 * plane, f32x4.sub(e20, e10));
    v128.store(o + 9 * plane, f32x4.sub(e21, e11));
    v128.store(o + 10 * plane, f32x4.sub(e22, e12));
    v128.store(o + 11 * plane, f32x4.sub(e23, e13));
    v128.store(o + 12 * plane, f32x4.sub(e10, e30));
    v128.store(o + 13 * plane, f32x4.sub(e11, e31));
    v128.store(o + 14 * plane, f32x4.sub(e12, e32));
    v128.store(o + 15 * plane, f32x4.sub(e13, e33));
  }
}

/**
 * The 2x2 outputs of tile t = A^T m A over M[:, b, :], A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]: stored, clipped
 * at H, W; or with `pool`, relu(their max + bias) stored as pooled output t (tile t is pooling window t).
 */
function outputTile(y: usize, M: usize, bias: usize, t: i32, b: i32, H: i32, W: i32, CO: i32, BT: i32, pool: bool): void {
  const TW = (W + 1) >> 1;
  const n = t / (((H + 1) >> 1) * TW);
  const r = t - n * ((H + 1) >> 1) * TW;
  const oy = 2 * (r / TW);
  const ox = 2 * (r % TW);
  const down = oy + 1 < H;
  const right = ox + 1 < W;
  const plane = <usize>(BT * CO) << 2;
  const src = M + (<usize>(b * CO) << 2);
  const dst = y + ((pool ? <usize>t : <usize>((n * H + oy) * W + ox)) * <usize>CO << 2);
  const px = <usize>CO << 2;
  const prow = <usize>(W * CO) << 2;
  const zero = f32x4.splat(0);
  for (let co = 0; co < CO; co += 4) {
    const m = src + (<usize>co << 2);
    const m00 = v128.load(m), m01 = v128.load(m + plane), m02 = v128.load(m + 2 * plane), m03 = v128.load(m + 3 * plane);
    const m10 = v128.load(m + 4 * plane), m11 = v128.load(m + 5 * plane), m12 = v128.load(m + 6 * plane), m13 = v128.load(m + 7 * plane);
    const m20 = v128.load(m + 8 * plane), m21 = v128.load(m + 9 * plane), m22 = v128.load(m + 10 * plane), m23 = v128.load(m + 11 * plane);
    const m30 = v128.load(m + 12 * plane), m31 = v128.load(m + 13 * plane), m32 = v128.load(m + 14 * plane), m33 = v128.load(m + 15 * plane);
    // Columns: s[k][0] = m[k][0] + m[k][1] + m[k][2], s[k][1] = m[k][1] - m[k][2] - m[k][3]; then rows.
    const s00 = f32x4.add(f32x4.add(m00, m01), m02), s01 = f32x4.sub(f32x4.sub(m01, m02), m03);
    const s10 = f32x4.add(f32x4.add(m10, m11), m12), s11 = f32x4.sub(f32x4.sub(m11, m12), m13);
    const s20 = f32x4.add(f32x4.add(m20, m21), m22), s21 = f32x4.sub(f32x4.sub(m21, m22), m23);
    const s30 = f32x4.add(f32x4.add(m30, m31), m32), s31 = f32x4.sub(f32x4.sub(m31, m32), m33);
    const y00 = f32x4.add(f32x4.add(s00, s10), s20), y01 = f32x4.add(f32x4.add(s01, s11), s21);
    const y10 = f32x4.sub(f32x4.sub(s10, s20), s30), y11 = f32x4.sub(f32x4.sub(s11, s21), s31);
    const o = dst + (<usize>co << 2);
    if (pool) {
      let v = f32x4.max(f32x4.max(y00, y01), f32x4.max(y10, y11));
      if (bias) v = f32x4.add(v, v128.load(bias + (<usize>co << 2)));
      v128.store(o, f32x4.max(v, zero));
      continue;
    }
    v128.store(o, y00);
    if (right) v128.store(o + px, y01);
    if (down) {
      v128.store(o + prow, y10);
      if (right) v128.store(o + prow + px, y11);
    }
  }
}

/**
 * M[p][b..b+5][g..g+7] = V[p][b..b+5][:] U[p][:][g..g+7], one pass over CI: 12 f32x4 accumulators, 2 filter
 * loads and a broadcast: 15 of x86's 16 vector registers (a 3 x 16 tile needs 17; it ran 1.5x slower).
 */
// @ts-ignore: decorator
@inline
function gemm6x8(vp: usize, up: usize, mp: usize, b: i32, g: i32, CI: i32, CO: i32): void {
  const rowV = <usize>CI << 2;
  const rowU = <usize>CO << 2;
  let a00 = f32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
  let a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
  let pv = vp + (<usize>(b * CI) << 2);
  let pu = up + (<usize>g << 2);
  const end = pv + rowV;
  for (; pv < end; pv += 4) {
    const d0 = v128.load(pu), d1 = v128.load(pu, 16);
    let s = v128.load32_splat(pv);
    a00 = f32x4.relaxed_madd(s, d0, a00);
    a01 = f32x4.relaxed_madd(s, d1, a01);
    s = v128.load32_splat(pv + rowV);
    a10 = f32x4.relaxed_madd(s, d0, a10);
    a11 = f32x4.relaxed_madd(s, d1, a11);
    s = v128.load32_splat(pv + 2 * rowV);
    a20 = f32x4.relaxed_madd(s, d0, a20);
    a21 = f32x4.relaxed_madd(s, d1, a21);
    s = v128.load32_splat(pv + 3 * rowV);
    a30 = f32x4.relaxed_madd(s, d0, a30);
    a31 = f32x4.relaxed_madd(s, d1, a31);
    s = v128.load32_splat(pv + 4 * rowV);
    a40 = f32x4.relaxed_madd(s, d0, a40);
    a41 = f32x4.relaxed_madd(s, d1, a41);
    s = v128.load32_splat(pv + 5 * rowV);
    a50 = f32x4.relaxed_madd(s, d0, a50);
    a51 = f32x4.relaxed_madd(s, d1, a51);
    pu += rowU;
  }
  let o = mp + (<usize>(b * CO + g) << 2);
  v128.store(o, a00); v128.store(o, a01, 16); o += rowU;
  v128.store(o, a10); v128.store(o, a11, 16); o += rowU;
  v128.store(o, a20); v128.store(o, a21, 16); o += rowU;
  v128.store(o, a30); v128.store(o, a31, 16); o += rowU;
  v128.store(o, a40); v128.store(o, a41, 16); o += rowU;
  v128.store(o, a50); v128.store(o, a51, 16);
}

/** The same for one tile (a block's remainder). */
// @ts-ignore: decorator
@inline
function gemm1x8(vp: usize, up: usize, mp: usize, b: i32, g: i32, CI: i32, CO: i32): void {
  const rowU = <usize>CO << 2;
  let a00 = f32x4.splat(0), a01 = a00;
  let pv = vp + (<usize>(b * CI) << 2);
  let pu = up + (<usize>g << 2);
  const end = pv + (<usize>CI << 2);
  for (; pv < end; pv += 4) {
    const s = v128.load32_splat(pv);
    a00 = f32x4.relaxed_madd(s, v128.load(pu), a00);
    a01 = f32x4.relaxed_madd(s, v128.load(pu, 16), a01);
    pu += rowU;
  }
  const o0 = mp + (<usize>(b * CO + g) << 2);
  v128.store(o0, a00); v128.store(o0, a01, 16);
}

// The weight gradient by the dual algorithm, F(3x3, 2x2): over a 4x4 input patch d and the 2x2 output
// gradient tile e it covers, the 3x3 contribution sum_{a,b} d[a + ky][b + kx] e[a][b] is
// G^T [(A e A^T) . (B^T d B)] G (A, B, G as above). Being linear, the sum over tiles happens in the
// transformed domain: 16 products [CI, tiles] x [tiles, CO], then one G^T . G per filter.

/**
 * dW [3, 3, CI, CO] of a 3x3 'same' convolution (as filterGrad3x3) for output channels co0 <= co < co1, over
 * all tiles of x [N, H, W, CI] and dy [N, H, W, CO]; threads split the output channels, so each sum has one
 * order whatever the thread count. scratch, this part's own, 16-byte aligned: V [16, BT, CI],
 * E [16, BT, co1 - co0] and the transformed sums S [16, CI, co1 - co0]. CI % 4 == 0; CO, co0, co1 % 16 == 0.
 */
export function winogradFilterGrad3x3(
  x: usize,
  dy: usize,
  out: usize,
  scratch: usize,
  N: i32,
  H: i32,
  W: i32,
  CI: i32,
  CO: i32,
  BT: i32,
  co0: i32,
  co1: i32,
): void {
  const CP = co1 - co0;
  const V = scratch;
  const E = V + (<usize>(16 * BT * CI) << 2);
  const S = E + (<usize>(16 * BT * CP) << 2);
  memory.fill(S, 0, <usize>(16 * CI * CP) << 2);
  const tiles = N * ((H + 1) >> 1) * ((W + 1) >> 1);
  for (let t = 0; t < tiles; t += BT) {
    const nb = min(BT, tiles - t);
    for (let b = 0; b < nb; b++) {
      inputTile(x, V, t + b, b, H, W, CI, BT, (H + 1) >> 1, (W + 1) >> 1);
      gradTile(dy, E, t + b, b, H, W, CO, co0, CP, BT);
    }
    for (let p = 0; p < 16; p++) {
      const vp = V + (<usize>(p * BT * CI) << 2);
      const ep = E + (<usize>(p * BT * CP) << 2);
      const sp = S + (<usize>(p * CI * CP) << 2);
      // S[p][ci..ci+5][g..g+7] += sum over the block's tiles b of V[p][b][ci..ci+5] (x) E[p][b][g..g+7].
      const rowV = <usize>CI << 2;
      const rowE = <usize>CP << 2;
      let ci = 0;
      for (; ci + 6 <= CI; ci += 6)
        for (let g = 0; g < CP; g += 8)
          acc6x8(vp + (<usize>ci << 2), rowV, ep + (<usize>g << 2), rowE, nb, sp + (<usize>(ci * CP + g) << 2), rowE);
      for (; ci < CI; ci++)
        for (let g = 0; g < CP; g += 8)
          acc1x8(vp + (<usize>ci << 2), rowV, ep + (<usize>g << 2), rowE, nb, sp + (<usize>(ci * CP + g) << 2));
    }
  }
  filterOutput(S, out, CI, CO, co0, CP);
}

/** E[:, b, :] = A e A^T for the 2x2 output-gradient tile t, channels co0 .. co0 + CP; zero outside the image. */
function gradTile(dy: usize, E: usize, t: i32, b: i32, H: i32, W: i32, CO: i32, co0: i32, CP: i32, BT: i32): void {
  const TH = (H + 1) >> 1;
  const TW = (W + 1) >> 1;
  const n = t / (TH * TW);
  const r = t - n * TH * TW;
  const oy = 2 * (r / TW);
  const ox = 2 * (r % TW);
  const down = oy + 1 < H;
  const right = ox + 1 < W;
  const px = <usize>CO << 2;
  const prow = <usize>(W * CO) << 2;
  const src = dy + (<usize>(((n * H + oy) * W + ox) * CO + co0) << 2);
  const plane = <usize>(BT * CP) << 2;
  const dst = E + (<usize>(b * CP) << 2);
  for (let c = 0; c < CP; c += 4) {
    const a = src + (<usize>c << 2);
    const e00 = v128.load(a), e01 = ld(a + px, right), e10 = ld(a + prow, down), e11 = ld(a + prow + px, down && right);
    // Columns: f[k] = [e0, e0 + e1, e0 - e1, -e1] of row k; then the same over rows.
    const f01 = f32x4.add(e00, e01), f02 = f32x4.sub(e00, e01), f03 = f32x4.neg(e01);
    const f11 = f32x4.add(e10, e11), f12 = f32x4.sub(e10, e11), f13 = f32x4.neg(e11);
    const o = dst + (<usize>c << 2);
    v128.store(o, e00);
    v128.store(o + plane, f01);
    v128.store(o + 2 * plane, f02);
    v128.store(o + 3 * plane, f03);
    v128.store(o + 4 * plane, f32x4.add(e00, e10));
    v128.store(o + 5 * plane, f32x4.add(f01, f11));
    v128.store(o + 6 * plane, f32x4.add(f02, f12));
    v128.store(o + 7 * plane, f32x4.add(f03, f13));
    v128.store(o + 8 * plane, f32x4.sub(e00, e10));
    v128.store(o + 9 * plane, f32x4.sub(f01, f11));
    v128.store(o + 10 * plane, f32x4.sub(f02, f12));
    v128.store(o + 11 * plane, f32x4.sub(f03, f13));
    v128.store(o + 12 * plane, f32x4.neg(e10));
    v128.store(o + 13 * plane, f32x4.neg(f11));
    v128.store(o + 14 * plane, f32x4.neg(f12));
    v128.store(o + 15 * plane, f32x4.neg(f13));
  }
}

/**
 * out[ky, kx, ci, co0 + c] = (G^T S G)[ky][kx] over S[:, ci, c] (4 x 4), G^T = [[1, 1/2, 1/2, 0],
 * [0, 1/2, -1/2, 0], [0, 1/2, 1/2, 1]].
 */
function filterOutput(S: usize, out: usize, CI: i32, CO: i32, co0: i32, CP: i32): void {
  const plane = <usize>(CI * CP) << 2;
  const tap = <usize>(CI * CO) << 2;
  const h = f32x4.splat(0.5);
  for (let ci = 0; ci < CI; ci++)
    for (let c = 0; c < CP; c += 4) {
      const m = S + (<usize>(ci * CP + c) << 2);
      const o = out + (<usize>(ci * CO + co0 + c) << 2);
      // Rows of S first: r[k][j] = (G^T S)[k][j].
      const s00 = v128.load(m), s01 = v128.load(m + plane), s02 = v128.load(m + 2 * plane), s03 = v128.load(m + 3 * plane);
      const s10 = v128.load(m + 4 * plane), s11 = v128.load(m + 5 * plane), s12 = v128.load(m + 6 * plane), s13 = v128.load(m + 7 * plane);
      const s20 = v128.load(m + 8 * plane), s21 = v128.load(m + 9 * plane), s22 = v128.load(m + 10 * plane), s23 = v128.load(m + 11 * plane);
      const s30 = v128.load(m + 12 * plane), s31 = v128.load(m + 13 * plane), s32 = v128.load(m + 14 * plane), s33 = v128.load(m + 15 * plane);
      const p0 = f32x4.add(s10, s20), p1 = f32x4.add(s11, s21), p2 = f32x4.add(s12, s22), p3 = f32x4.add(s13, s23);
      const r00 = f32x4.relaxed_madd(h, p0, s00), r01 = f32x4.relaxed_madd(h, p1, s01);
      const r02 = f32x4.relaxed_madd(h, p2, s02), r03 = f32x4.relaxed_madd(h, p3, s03);
      const r10 = f32x4.mul(h, f32x4.sub(s10, s20)), r11 = f32x4.mul(h, f32x4.sub(s11, s21));
      const r12 = f32x4.mul(h, f32x4.sub(s12, s22)), r13 = f32x4.mul(h, f32x4.sub(s13, s23));
      const r20 = f32x4.relaxed_madd(h, p0, s30), r21 = f32x4.relaxed_madd(h, p1, s31);
      const r22 = f32x4.relaxed_madd(h, p2, s32), r23 = f32x4.relaxed_madd(h, p3, s33);
      filterRow(o, tap, 0, r00, r01, r02, r03, h);
      filterRow(o, tap, 3, r10, r11, r12, r13, h);
      filterRow(o, tap, 6, r20, r21, r22, r23, h);
    }
}

/** out taps k .. k+2 = r G for one row r of G^T S. */
// @ts-ignore: decorator
@inline
function filterRow(o: usize, tap: usize, k: i32, r0: v128, r1: v128, r2: v128, r3: v128, h: v128): void {
  const q = f32x4.add(r1, r2);
  v128.store(o + <usize>k * tap, f32x4.relaxed_madd(h, q, r0));
  v128.store(o + <usize>(k + 1) * tap, f32x4.mul(h, f32x4.sub(r1, r2)));
  v128.store(o + <usize>(k + 2) * tap, f32x4.relaxed_madd(h, q, r3));
}
