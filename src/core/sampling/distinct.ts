/**
 * Drawing distinct positions without copying the pool. A class of crc or cxr holds tens of thousands of
 * images; copying it for every episode (as `Rng.sample` does) would cost O(pool) per draw. Instead a
 * partial Fisher-Yates runs over a shared identity permutation of positions and then undoes its swaps,
 * leaving the identity for the next call: O(k) per k draws, no allocation but the result. The draws are
 * the ones `Rng.sample(range(n), k)` would give from the same stream.
 *
 * The scratch permutation is module state, safe because JavaScript runs one call at a time per thread
 * and these functions call nothing that could re-enter them.
 */

import type { Rng } from '../rng';

let scratch = new Uint32Array(0);

/** The identity permutation of at least n positions. */
function identity(n: number): Uint32Array {
  if (scratch.length < n) {
    const grown = new Uint32Array(Math.max(n, scratch.length * 2));
    for (let i = 0; i < grown.length; i++) grown[i] = i;
    scratch = grown;
  }
  return scratch;
}

/** Swap positions i and j of the scratch permutation. */
function swap(perm: Uint32Array, i: number, j: number): void {
  const t = perm[i] as number;
  perm[i] = perm[j] as number;
  perm[j] = t;
}

/** `k` distinct positions in [0, n), in random order. */
export function sampleDistinct(rng: Rng, n: number, k: number): number[] {
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new Error(`sampleDistinct: cannot draw ${k} distinct items from ${n}`);
  const perm = identity(n);
  const out = new Array<number>(k);
  const js = new Uint32Array(k);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    js[i] = j;
    swap(perm, i, j);
    out[i] = perm[i] as number;
  }
  for (let i = k - 1; i >= 0; i--) swap(perm, i, js[i] as number);
  return out;
}

/**
 * `k` distinct items of `pool` that are not in `exclude`, in random order, or null when fewer than `k`
 * remain. Filtering a uniform random permutation keeps the draw uniform over the remaining items.
 */
export function sampleDistinctExcluding(
  rng: Rng,
  pool: ArrayLike<number>,
  k: number,
  exclude: ReadonlySet<number>,
): number[] | null {
  const out: number[] = [];
  if (k === 0) return out;
  const n = pool.length;
  const perm = identity(n);
  const js: number[] = [];
  let i = 0;
  for (; i < n && out.length < k; i++) {
    const j = i + rng.int(n - i);
    js.push(j);
    swap(perm, i, j);
    const item = pool[perm[i] as number] as number;
    if (!exclude.has(item)) out.push(item);
  }
  for (let t = js.length - 1; t >= 0; t--) swap(perm, t, js[t] as number);
  return out.length === k ? out : null;
}
