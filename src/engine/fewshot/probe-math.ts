/** Pure helpers of the probes and benchmarks (no tfjs: benchmark pages import them without a backend). */

/** Labels of `classes` classes with `perClass` consecutive items each: 0,0,..,1,1,.. (synthetic episodes). */
export function blockLabels(classes: number, perClass: number): Int32Array {
  return Int32Array.from({ length: classes * perClass }, (_, i) => Math.floor(i / perClass));
}

/** The largest |got - ref| over the largest |ref| (the absolute difference when ref is all zeros). */
export function maxRelDiff(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] as number) - (ref[i] as number)));
    scale = Math.max(scale, Math.abs(ref[i] as number));
  }
  return scale > 0 ? diff / scale : diff;
}
