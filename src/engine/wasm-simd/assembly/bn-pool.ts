// Train-mode BatchNorm, 2x2 max-pool (stride 2, floor) and ReLU of a conv output y [B, H, W, C], NHWC, fused
// into a few passes over y (as tfjs ops: ~20 full passes, ~270 ms of a Conv-4 step). Every function works on
// channels c0 <= c < c1 (multiples of 16: one 64-byte cache line per pixel), so threads split channels and
// each sum has one order whatever the thread count. Loops run pixel-major with channels innermost, reading y
// once, in order. Per-channel vectors are f32 [C]; sums are f32 within one row (acc, f32 [2C] scratch), then
// f64 across rows (sums, f64 [2C]).

/** acc[c] += v, one f32x4 of channels at byte offset off. */
// @ts-ignore: decorator
@inline
function accumulate(acc: usize, off: usize, v: v128): void {
  v128.store(acc + off, f32x4.add(v128.load(acc + off), v));
}

/** sums[c] += acc[c] in f64, acc[c] = 0, for c0 <= c < c1; and the same for the second halves at C. */
function flush(acc: usize, sums: usize, C: i32, c0: i32, c1: i32, halves: i32): void {
  for (let k = 0; k < halves; k++) {
    const a = acc + ((<usize>(k * C)) << 2);
    const s = sums + ((<usize>(k * C)) << 3);
    for (let c = c0; c < c1; c += 4) {
      const v = v128.load(a + (<usize>c << 2));
      const lo = s + (<usize>c << 3);
      v128.store(lo, f64x2.add(v128.load(lo), f64x2.promote_low_f32x4(v)));
      v128.store(lo, f64x2.add(v128.load(lo, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
      v128.store(a + (<usize>c << 2), f32x4.splat(0));
    }
  }
}

/**
 * sums[c] += sum over pixels of (y[., c] - shift[c]), or of its square with `square`. P = B * H * W pixels
 * in rows of W. acc and sums start at 0 for [c0, c1).
 */
export function channelSums(y: usize, shift: usize, acc: usize, sums: usize, P: i32, W: i32, C: i32, c0: i32, c1: i32, square: i32): void {
  const cb = <usize>C << 2;
  for (let r = 0; r < P; r += W) {
    let p = y + <usize>r * cb;
    for (let i = 0; i < W; i++) {
      for (let c = c0; c < c1; c += 4) {
        const off = <usize>c << 2;
        const v = f32x4.sub(v128.load(p + off), v128.load(shift + off));
        accumulate(acc, off, square ? f32x4.mul(v, v) : v);
      }
      p += cb;
    }
    flush(acc, sums, C, c0, c1, 1);
  }
}

/** z = (y - mean) * scale + beta: the BatchNorm output, computed identically by every pass below. */
// @ts-ignore: decorator
@inline
function bn(y: v128, m: v128, s: v128, b: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.sub(y, m), s), b);
}

/**
 * Forward: pooled[n, i, j, c] = max of z over the window at (2i, 2j) (the pre-ReLU value, kept for the
 * backward pass), out = max(pooled, 0). vec = [mean, scale, beta] (f32 [C] each, contiguous).
 */
export function bnPoolRelu(y: usize, vec: usize, pooled: usize, out: usize, B: i32, H: i32, W: i32, C: i32, c0: i32, c1: i32): void {
  const h = H >> 1, w = W >> 1;
  const cb = <usize>C << 2;
  const rb = <usize>W * cb;
  const zero = f32x4.splat(0);
  for (let n = 0; n < B; n++) {
    for (let i = 0; i < h; i++) {
      let a = y + (<usize>((n * H + 2 * i) * W)) * cb;
      let q = (<usize>((n * h + i) * w)) * cb;
      for (let j = 0; j < w; j++) {
        for (let c = c0; c < c1; c += 4) {
          const off = <usize>c << 2;
          const m = v128.load(vec + off), s = v128.load(vec + cb + off), b = v128.load(vec + 2 * cb + off);
          const z = f32x4.max(
            f32x4.max(bn(v128.load(a + off), m, s, b), bn(v128.load(a + cb + off), m, s, b)),
            f32x4.max(bn(v128.load(a + rb + off), m, s, b), bn(v128.load(a + rb + cb + off), m, s, b)),
          );
          v128.store(pooled + q + off, z);
          v128.store(out + q + off, f32x4.max(z, zero));
        }
        a += 2 * cb;
        q += cb;
      }
    }
  }
}

/**
 * Which window position takes the gradient: the first (row-major, as PyTorch's and tfjs's MaxPoolGrad) of
 * those equal to the window's maximum, given the positions before it (`taken`); ties are common on images
 * with flat backgrounds (1.4 % of the first block's windows on the real-image set), where routing to every
 * tied position multiplied the gradient. Lanes where z is the maximum and no earlier position (`taken`) was.
 */
// @ts-ignore: decorator
@inline
function first(z: v128, p: v128, taken: v128): v128 {
  return v128.andnot(f32x4.eq(z, p), taken);
}

/**
 * Backward, pass 1: sums[c] += sum dz, sums[C + c] += sum dz * (y - mean). acc [2C] and sums [2C] start at 0
 * for the thread's channels.
 */
export function bnPoolReluGradSums(y: usize, vec: usize, pooled: usize, dOut: usize, acc: usize, sums: usize, B: i32, H: i32, W: i32, C: i32, c0: i32, c1: i32): void {
  const h = H >> 1, w = W >> 1;
  const cb = <usize>C << 2;
  const rb = <usize>W * cb;
  const zero = f32x4.splat(0);
  for (let n = 0; n < B; n++) {
    for (let i = 0; i < h; i++) {
      let a = y + (<usize>((n * H + 2 * i) * W)) * cb;
      let q = (<usize>((n * h + i) * w)) * cb;
      for (let j = 0; j < w; j++) {
        for (let c = c0; c < c1; c += 4) {
          const off = <usize>c << 2;
          const m = v128.load(vec + off), s = v128.load(vec + cb + off), b = v128.load(vec + 2 * cb + off);
          const p = v128.load(pooled + q + off);
          const dp = v128.and(v128.load(dOut + q + off), f32x4.gt(p, zero));
          const x0 = f32x4.sub(v128.load(a + off), m), x1 = f32x4.sub(v128.load(a + cb + off), m);
          const x2 = f32x4.sub(v128.load(a + rb + off), m), x3 = f32x4.sub(v128.load(a + rb + cb + off), m);
          // The gradient reaching z: dOut where the pooled value is > 0 (ReLU), at the window's first maximum.
          const t0 = f32x4.eq(f32x4.add(f32x4.mul(x0, s), b), p);
          const t1 = first(f32x4.add(f32x4.mul(x1, s), b), p, t0);
          const t01 = v128.or(t0, t1);
          const t2 = first(f32x4.add(f32x4.mul(x2, s), b), p, t01);
          const t3 = first(f32x4.add(f32x4.mul(x3, s), b), p, v128.or(t01, t2));
          const g0 = v128.and(dp, t0), g1 = v128.and(dp, t1), g2 = v128.and(dp, t2), g3 = v128.and(dp, t3);
          accumulate(acc, off, f32x4.add(f32x4.add(g0, g1), f32x4.add(g2, g3)));
          accumulate(acc, cb + off, f32x4.add(
            f32x4.add(f32x4.mul(g0, x0), f32x4.mul(g1, x1)),
            f32x4.add(f32x4.mul(g2, x2), f32x4.mul(g3, x3)),
          ));
        }
        a += 2 * cb;
        q += cb;
      }
      flush(acc, sums, C, c0, c1, 2);
    }
  }
}

/**
 * Backward, pass 2: dy = ka * dz + kx * (y - mean) + k0 for every pixel of y (an odd last row or column has
 * dz = 0). vec = [mean, scale, beta, ka, kx, k0] (f32 [C] each).
 */
export function bnPoolReluGrad(y: usize, vec: usize, pooled: usize, dOut: usize, dy: usize, B: i32, H: i32, W: i32, C: i32, c0: i32, c1: i32): void {
  const h = H >> 1, w = W >> 1;
  const cb = <usize>C << 2;
  const rb = <usize>W * cb;
  const zero = f32x4.splat(0);
  for (let n = 0; n < B; n++) {
    for (let i = 0; i < h; i++) {
      let a = (<usize>((n * H + 2 * i) * W)) * cb;
      let q = (<usize>((n * h + i) * w)) * cb;
      for (let j = 0; j < w; j++) {
        for (let c = c0; c < c1; c += 4) {
          const off = <usize>c << 2;
          const m = v128.load(vec + off), s = v128.load(vec + cb + off), b = v128.load(vec + 2 * cb + off);
          const ka = v128.load(vec + 3 * cb + off), kx = v128.load(vec + 4 * cb + off), k0 = v128.load(vec + 5 * cb + off);
          const p = v128.load(pooled + q + off);
          const dp = v128.and(v128.load(dOut + q + off), f32x4.gt(p, zero));
          const e0 = a + off, e1 = e0 + cb, e2 = e0 + rb, e3 = e2 + cb;
          const x0 = f32x4.sub(v128.load(y + e0), m), x1 = f32x4.sub(v128.load(y + e1), m);
          const x2 = f32x4.sub(v128.load(y + e2), m), x3 = f32x4.sub(v128.load(y + e3), m);
          // The gradient reaching z: dOut where the pooled value is > 0 (ReLU), at the window's first maximum.
          const t0 = f32x4.eq(f32x4.add(f32x4.mul(x0, s), b), p);
          const t1 = first(f32x4.add(f32x4.mul(x1, s), b), p, t0);
          const t01 = v128.or(t0, t1);
          const t2 = first(f32x4.add(f32x4.mul(x2, s), b), p, t01);
          const t3 = first(f32x4.add(f32x4.mul(x3, s), b), p, v128.or(t01, t2));
          const g0 = v128.and(dp, t0), g1 = v128.and(dp, t1), g2 = v128.and(dp, t2), g3 = v128.and(dp, t3);
          v128.store(dy + e0, f32x4.add(f32x4.add(f32x4.mul(ka, g0), f32x4.mul(kx, x0)), k0));
          v128.store(dy + e1, f32x4.add(f32x4.add(f32x4.mul(ka, g1), f32x4.mul(kx, x1)), k0));
          v128.store(dy + e2, f32x4.add(f32x4.add(f32x4.mul(ka, g2), f32x4.mul(kx, x2)), k0));
          v128.store(dy + e3, f32x4.add(f32x4.add(f32x4.mul(ka, g3), f32x4.mul(kx, x3)), k0));
        }
        a += 2 * cb;
        q += cb;
      }
      // Odd width: the last column of both rows is in no window.
      if (W & 1) {
        const e = a;
        for (let c = c0; c < c1; c += 4) {
          const off = <usize>c << 2;
          const m = v128.load(vec + off), kx = v128.load(vec + 4 * cb + off), k0 = v128.load(vec + 5 * cb + off);
          v128.store(dy + e + off, f32x4.add(f32x4.mul(kx, f32x4.sub(v128.load(y + e + off), m)), k0));
          v128.store(dy + e + rb + off, f32x4.add(f32x4.mul(kx, f32x4.sub(v128.load(y + e + rb + off), m)), k0));
        }
      }
    }
    // Odd height: the last row is in no window.
    if (H & 1) {
      let e = (<usize>((n * H + H - 1) * W)) * cb;
      for (let j = 0; j < W; j++) {
        for (let c = c0; c < c1; c += 4) {
          const off = <usize>c << 2;
          const m = v128.load(vec + off), kx = v128.load(vec + 4 * cb + off), k0 = v128.load(vec + 5 * cb + off);
          v128.store(dy + e + off, f32x4.add(f32x4.mul(kx, f32x4.sub(v128.load(y + e + off), m)), k0));
        }
        e += cb;
      }
    }
  }
}
