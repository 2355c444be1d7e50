import type { Episode } from '../../core/sampling';

/**
 * A block of E episodes as padded index and weight arrays, ready for one batched evaluation on the device.
 * Episodes of a block may differ in way, support and query size (MedIMeta multilabel and Meta-Dataset
 * variable episodes); they are padded to the largest, and padding is masked or ignored.
 *
 * Prototypes per episode: single-label, one per class (P = way); multilabel, two per label, negative
 * at 2j and positive at 2j + 1 (P = 2L).
 */
export interface PackedBlock {
  kind: Episode['kind'];
  /** E */
  episodes: number;
  /** Pmax: prototypes per episode after padding. */
  protos: number;
  /** Smax: support rows per episode after padding. */
  support: number;
  /** Qmax: query rows per episode after padding. */
  query: number;
  /** [E * Smax] rows of the embedding matrix (padding: row 0). */
  supportRows: Int32Array;
  /** [E * Pmax * Smax] 1 where support row s belongs to prototype p. */
  membership: Float32Array;
  /** [E * Pmax] support rows per prototype (1 for padding, to keep the division finite). */
  counts: Float32Array;
  /** [E * Pmax] 1 for real prototypes, 0 for padding. */
  valid: Float32Array;
  /** [E * Qmax] rows of the embedding matrix (padding: row 0). */
  queryRows: Int32Array;
}

/** Padded sizes of a block. */
export interface BlockDims {
  protos: number;
  support: number;
  query: number;
}

const protosOf = (ep: Episode): number => (ep.kind === 'single' ? ep.way : 2 * ep.way);

/** The padded sizes a block of these episodes needs. */
export function blockDims(episodes: readonly Episode[]): BlockDims {
  const d = { protos: 0, support: 0, query: 0 };
  for (const ep of episodes) {
    d.protos = Math.max(d.protos, protosOf(ep));
    d.support = Math.max(d.support, ep.support.length);
    d.query = Math.max(d.query, ep.query.length);
  }
  return d;
}

/**
 * Pack `episodes` (all of one kind); `rowOf(image)` gives the image's row in the embedding matrix.
 * `dims` pads further, to the sizes of a larger block: an episode evaluated alone then sees exactly the
 * reductions it saw in its block (a reduction over more padded zeros can round differently).
 * Throws if a prototype has no support image (a sampler bug: every class has K >= 1 support images, every
 * multilabel label K positives and K negatives).
 */
export function packEpisodes(
  episodes: readonly Episode[],
  rowOf: (image: number) => number,
  dims?: BlockDims,
): PackedBlock {
  const first = episodes[0];
  if (!first) throw new Error('packEpisodes: no episodes');
  const kind = first.kind;
  for (const ep of episodes)
    if (ep.kind !== kind) throw new Error('packEpisodes: a block mixes single-label and multilabel episodes');
  const own = blockDims(episodes);
  const P = Math.max(own.protos, dims?.protos ?? 0);
  const S = Math.max(own.support, dims?.support ?? 0);
  const Q = Math.max(own.query, dims?.query ?? 0);
  const E = episodes.length;
  const supportRows = new Int32Array(E * S);
  const membership = new Float32Array(E * P * S);
  const counts = new Float32Array(E * P).fill(1);
  const valid = new Float32Array(E * P);
  const queryRows = new Int32Array(E * Q);
  episodes.forEach((ep, e) => {
    const n = new Int32Array(protosOf(ep));
    const member = (p: number, s: number): void => {
      membership[(e * P + p) * S + s] = 1;
      n[p] = (n[p] as number) + 1;
    };
    ep.support.forEach((item, s) => {
      supportRows[e * S + s] = rowOf(item.image);
      if (ep.kind === 'single') {
        member((item as { label: number }).label, s);
      } else {
        const targets = (item as { targets: Uint8Array }).targets;
        for (let j = 0; j < ep.way; j++) member(2 * j + (targets[j] ? 1 : 0), s);
      }
    });
    n.forEach((count, p) => {
      if (count === 0) throw new Error(`packEpisodes: episode ${ep.index} has no support image for prototype ${p}`);
      counts[e * P + p] = count;
      valid[e * P + p] = 1;
    });
    ep.query.forEach((item, q) => {
      queryRows[e * Q + q] = rowOf(item.image);
    });
  });
  return { kind, episodes: E, protos: P, support: S, query: Q, supportRows, membership, counts, valid, queryRows };
}
