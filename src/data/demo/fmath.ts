import type { Rng } from '../../core/rng';

/**
 * Engine-independent maths for the demo generator. ECMAScript leaves Math.sin, Math.exp, Math.log,
 * Math.hypot ... implementation-approximated, so two browsers may differ in the last bit. The demo
 * images use only + - * /, Math.sqrt, floor/round/min/max and typed-array rounding, all exactly
 * specified by IEEE 754 and ECMAScript, so one seed gives the same bytes in every engine.
 */

const TWO_PI = 6.283185307179586;
const HALF_PI = 1.5707963267948966;
const PI = 3.141592653589793;

/** sin(x) to about 1e-7: range reduction to [-pi/2, pi/2], then a degree-11 Taylor polynomial. */
export function sin(x: number): number {
  let t = x - TWO_PI * Math.round(x / TWO_PI); // [-pi, pi]
  if (t > HALF_PI) t = PI - t;
  else if (t < -HALF_PI) t = -PI - t;
  const t2 = t * t;
  return t * (1 - (t2 / 6) * (1 - (t2 / 20) * (1 - (t2 / 42) * (1 - (t2 / 72) * (1 - t2 / 110)))));
}

export function cos(x: number): number {
  return sin(x + HALF_PI);
}

/** Approximately standard normal: the Irwin-Hall sum of 12 uniforms minus 6 (exact arithmetic, |z| < 6). */
export function normal(rng: Rng): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += rng.u32();
  return s / 4294967296 - 6;
}

/** Smooth bump (1 - t^2)^2 on |t| < 1, 0 outside: a Gaussian-like profile without exp. */
export function bump(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  const a = 1 - t * t;
  return a * a;
}
