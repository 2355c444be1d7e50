/** Test helpers (not used by app code). */

/** Index of the first differing byte, -1 when equal (length difference counts at the shorter end). Fast, unlike toEqual on big arrays. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
