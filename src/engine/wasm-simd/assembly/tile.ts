// Register tiles the weight-gradient kernels accumulate with: 3 x 16 for the direct kernel (a first layer's 3
// input channels fill it), 6 x 8 for Winograd's sums over tiles (15 vector registers; 3 x 16 needs 17 and ran
// 1.5x slower there).

/**
 * o[r][0..15] += sum_{i < n} a_i[r] * b_i[0..15] for r = 0, 1, 2: 12 f32x4 accumulators (16 of x86's vector
 * registers hold them and the loads). a_i: 3 consecutive floats at pa + i sa; b_i: 16 at pb + i sb; the rows of
 * o are so bytes apart.
 */
// @ts-ignore: decorator
@inline
export function acc3x16(pa: usize, sa: usize, pb: usize, sb: usize, n: i32, o0: usize, so: usize): void {
  const o1 = o0 + so;
  const o2 = o1 + so;
  let a00 = v128.load(o0), a01 = v128.load(o0, 16), a02 = v128.load(o0, 32), a03 = v128.load(o0, 48);
  let a10 = v128.load(o1), a11 = v128.load(o1, 16), a12 = v128.load(o1, 32), a13 = v128.load(o1, 48);
  let a20 = v128.load(o2), a21 = v128.load(o2, 16), a22 = v128.load(o2, 32), a23 = v128.load(o2, 48);
  for (let i = 0; i < n; i++) {
    const d0 = v128.load(pb), d1 = v128.load(pb, 16), d2 = v128.load(pb, 32), d3 = v128.load(pb, 48);
    let s = v128.load32_splat(pa);
    a00 = f32x4.relaxed_madd(s, d0, a00);
    a01 = f32x4.relaxed_madd(s, d1, a01);
    a02 = f32x4.relaxed_madd(s, d2, a02);
    a03 = f32x4.relaxed_madd(s, d3, a03);
    s = v128.load32_splat(pa, 4);
    a10 = f32x4.relaxed_madd(s, d0, a10);
    a11 = f32x4.relaxed_madd(s, d1, a11);
    a12 = f32x4.relaxed_madd(s, d2, a12);
    a13 = f32x4.relaxed_madd(s, d3, a13);
    s = v128.load32_splat(pa, 8);
    a20 = f32x4.relaxed_madd(s, d0, a20);
    a21 = f32x4.relaxed_madd(s, d1, a21);
    a22 = f32x4.relaxed_madd(s, d2, a22);
    a23 = f32x4.relaxed_madd(s, d3, a23);
    pa += sa;
    pb += sb;
  }
  v128.store(o0, a00); v128.store(o0, a01, 16); v128.store(o0, a02, 32); v128.store(o0, a03, 48);
  v128.store(o1, a10); v128.store(o1, a11, 16); v128.store(o1, a12, 32); v128.store(o1, a13, 48);
  v128.store(o2, a20); v128.store(o2, a21, 16); v128.store(o2, a22, 32); v128.store(o2, a23, 48);
}

/** The same for one row of a (a channel remainder): o[0..15] += sum_{i < n} a_i * b_i[0..15]. */
// @ts-ignore: decorator
@inline
export function acc1x16(pa: usize, sa: usize, pb: usize, sb: usize, n: i32, o0: usize): void {
  let a00 = v128.load(o0), a01 = v128.load(o0, 16), a02 = v128.load(o0, 32), a03 = v128.load(o0, 48);
  for (let i = 0; i < n; i++) {
    const s = v128.load32_splat(pa);
    a00 = f32x4.relaxed_madd(s, v128.load(pb), a00);
    a01 = f32x4.relaxed_madd(s, v128.load(pb, 16), a01);
    a02 = f32x4.relaxed_madd(s, v128.load(pb, 32), a02);
    a03 = f32x4.relaxed_madd(s, v128.load(pb, 48), a03);
    pa += sa;
    pb += sb;
  }
  v128.store(o0, a00); v128.store(o0, a01, 16); v128.store(o0, a02, 32); v128.store(o0, a03, 48);
}

/**
 * o[r][0..7] += sum_{i < n} a_i[r] * b_i[0..7] for r = 0..5: 12 accumulators, 2 loads and a broadcast (15 of
 * x86's 16 vector registers). a_i: 6 consecutive floats at pa + i sa; b_i: 8 at pb + i sb; rows of o so apart.
 */
// @ts-ignore: decorator
@inline
export function acc6x8(pa: usize, sa: usize, pb: usize, sb: usize, n: i32, o0: usize, so: usize): void {
  const o1 = o0 + so, o2 = o1 + so, o3 = o2 + so, o4 = o3 + so, o5 = o4 + so;
  let a00 = v128.load(o0), a01 = v128.load(o0, 16), a10 = v128.load(o1), a11 = v128.load(o1, 16);
  let a20 = v128.load(o2), a21 = v128.load(o2, 16), a30 = v128.load(o3), a31 = v128.load(o3, 16);
  let a40 = v128.load(o4), a41 = v128.load(o4, 16), a50 = v128.load(o5), a51 = v128.load(o5, 16);
  for (let i = 0; i < n; i++) {
    const d0 = v128.load(pb), d1 = v128.load(pb, 16);
    let s = v128.load32_splat(pa);
    a00 = f32x4.relaxed_madd(s, d0, a00);
    a01 = f32x4.relaxed_madd(s, d1, a01);
    s = v128.load32_splat(pa, 4);
    a10 = f32x4.relaxed_madd(s, d0, a10);
    a11 = f32x4.relaxed_madd(s, d1, a11);
    s = v128.load32_splat(pa, 8);
    a20 = f32x4.relaxed_madd(s, d0, a20);
    a21 = f32x4.relaxed_madd(s, d1, a21);
    s = v128.load32_splat(pa, 12);
    a30 = f32x4.relaxed_madd(s, d0, a30);
    a31 = f32x4.relaxed_madd(s, d1, a31);
    s = v128.load32_splat(pa, 16);
    a40 = f32x4.relaxed_madd(s, d0, a40);
    a41 = f32x4.relaxed_madd(s, d1, a41);
    s = v128.load32_splat(pa, 20);
    a50 = f32x4.relaxed_madd(s, d0, a50);
    a51 = f32x4.relaxed_madd(s, d1, a51);
    pa += sa;
    pb += sb;
  }
  v128.store(o0, a00); v128.store(o0, a01, 16); v128.store(o1, a10); v128.store(o1, a11, 16);
  v128.store(o2, a20); v128.store(o2, a21, 16); v128.store(o3, a30); v128.store(o3, a31, 16);
  v128.store(o4, a40); v128.store(o4, a41, 16); v128.store(o5, a50); v128.store(o5, a51, 16);
}

/** The same for one row of a: o[0..7] += sum_{i < n} a_i * b_i[0..7]. */
// @ts-ignore: decorator
@inline
export function acc1x8(pa: usize, sa: usize, pb: usize, sb: usize, n: i32, o0: usize): void {
  let a00 = v128.load(o0), a01 = v128.load(o0, 16);
  for (let i = 0; i < n; i++) {
    const s = v128.load32_splat(pa);
    a00 = f32x4.relaxed_madd(s, v128.load(pb), a00);
    a01 = f32x4.relaxed_madd(s, v128.load(pb, 16), a01);
    pa += sa;
    pb += sb;
  }
  v128.store(o0, a00); v128.store(o0, a01, 16);
}
