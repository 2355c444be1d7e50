/**
 * The images a block of episodes touches: the embedding cache embeds each of them once per block.
 */

import type { Episode } from './types';

/** Sorted unique image indices of the support and query sets of `episodes`. */
export function uniqueImages(episodes: readonly Episode[]): Uint32Array {
  let total = 0;
  for (const ep of episodes) total += ep.support.length + ep.query.length;
  const all = new Uint32Array(total);
  let t = 0;
  for (const ep of episodes) {
    for (const item of ep.support) all[t++] = item.image;
    for (const item of ep.query) all[t++] = item.image;
  }
  // Typed-array sort is numeric.
  all.sort();
  let u = 0;
  for (let i = 0; i < all.length; i++) {
    const v = all[i] as number;
    if (u === 0 || v !== all[u - 1]) all[u++] = v;
  }
  return all.slice(0, u);
}
