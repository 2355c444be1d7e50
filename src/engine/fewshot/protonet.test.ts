import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { planEpisodes, type Episode } from '../../core/sampling';
import { multilabelView, singleLabelView } from '../../core/sampling/test-fixtures';
import { protonetMultilabel, protonetSingleLabel } from '../../core/stats';
import { episodeOutcome } from './metrics';
import { packEpisodes } from './pack';
import { protonetBlock, readBlock } from './protonet';

// tfjs's pure-JS cpu backend under Node: the same kernels as the browser's cpu backend.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Random embeddings, one row per image index of the fake dataset. */
function embeddings(rows: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * dim }, () => rng.uniform(0, 2));
}

function rowsOf(emb: Float32Array, dim: number, images: number[]): Float64Array {
  const out = new Float64Array(images.length * dim);
  images.forEach((img, i) => out.set(emb.subarray(img * dim, (img + 1) * dim), i * dim));
  return out;
}

/** Run a block through tfjs and cut it into per-episode outcomes, as the cell does. */
async function run(emb: Float32Array, dim: number, episodes: Episode[]): Promise<ReturnType<typeof episodeOutcome>[]> {
  const before = tf.memory().numTensors;
  const block = packEpisodes(episodes, (img) => img);
  const t = tf.tensor2d(emb, [emb.length / dim, dim]);
  const out = await readBlock(protonetBlock(t, block));
  t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return episodes.map((ep, e) => episodeOutcome(ep, e, block, out));
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1e-3, Math.abs(b[i] as number)));
  return m;
}

describe('device ProtoNet equals the float64 reference (src/core/stats)', () => {
  it('single-label, variable way/shot/query in one padded block', async () => {
    const view = singleLabelView([
      [0, 'a', 40],
      [3, 'b', 35],
      [5, 'c', 50],
      [7, 'd', 45],
      [9, 'e', 38],
      [11, 'f', 60],
    ]);
    const plan = planEpisodes(view, { mode: 'variable', seed: 4 });
    const episodes = plan.episodes(0, 12);
    const dim = 24;
    const emb = embeddings(view.labels.length, dim, 1);
    const outs = await run(emb, dim, episodes);
    const ways = new Set<number>();
    episodes.forEach((ep, e) => {
      if (ep.kind !== 'single') throw new Error('expected single-label');
      ways.add(ep.way);
      const ref = protonetSingleLabel(
        rowsOf(
          emb,
          dim,
          ep.support.map((s) => s.image),
        ),
        ep.support.map((s) => s.label),
        rowsOf(
          emb,
          dim,
          ep.query.map((q) => q.image),
        ),
        ep.way,
        dim,
      );
      const o = outs[e]!;
      expect(Array.from(o.predictions)).toEqual(Array.from(ref.predictions));
      expect(maxRelDiff(o.scores, ref.probabilities)).toBeLessThan(1e-4);
    });
    expect(ways.size).toBeGreaterThan(1); // padding was exercised
  });

  it('multilabel (MedIMeta episodes: support grown per label), positive and negative prototypes', async () => {
    const view = multilabelView([0.3, 0.5, 0.2, 0.6], 200);
    const plan = planEpisodes(view, { mode: 'medimeta', shot: 3, query: 4, seed: 2 });
    const episodes = plan.episodes(0, 8);
    const dim = 16;
    const emb = embeddings(view.labels.length / 4, dim, 2);
    const outs = await run(emb, dim, episodes);
    const sizes = new Set(episodes.map((ep) => ep.support.length));
    expect(sizes.size).toBeGreaterThan(1);
    episodes.forEach((ep, e) => {
      if (ep.kind !== 'multilabel') throw new Error('expected multilabel');
      const L = ep.way;
      const targets = new Uint8Array(ep.support.length * L);
      ep.support.forEach((s, i) => targets.set(s.targets, i * L));
      const ref = protonetMultilabel(
        rowsOf(
          emb,
          dim,
          ep.support.map((s) => s.image),
        ),
        targets,
        rowsOf(
          emb,
          dim,
          ep.query.map((q) => q.image),
        ),
        L,
        dim,
      );
      const o = outs[e]!;
      expect(Array.from(o.predictions)).toEqual(Array.from(ref.predictions));
      expect(maxRelDiff(o.scores, ref.scores)).toBeLessThan(1e-4);
    });
  });

  it('hand-made 2-D embeddings: the numbers one can check on paper', async () => {
    // Images 0-3: class 0 support at (0,0) and (2,0), class 1 support at (0,4) and (2,4); queries 4, 5.
    const emb = Float32Array.of(0, 0, 2, 0, 0, 4, 2, 4, 1, 1, 1, 3);
    const ep: Episode = {
      kind: 'single',
      index: 0,
      way: 2,
      classes: [
        { value: 0, name: 'neg' },
        { value: 1, name: 'pos' },
      ],
      support: [
        { image: 0, label: 0 },
        { image: 1, label: 0 },
        { image: 2, label: 1 },
        { image: 3, label: 1 },
      ],
      query: [
        { image: 4, label: 0 },
        { image: 5, label: 1 },
      ],
    };
    const [o] = await run(emb, 2, [ep]);
    // Prototypes (1,0) and (1,4): query (1,1) is at distances 1 and 9, query (1,3) at 9 and 1.
    const p = 1 / (1 + Math.exp(-8));
    expect(Array.from(o!.predictions)).toEqual([0, 1]);
    expect(o!.scores[0]).toBeCloseTo(p, 6);
    expect(o!.scores[3]).toBeCloseTo(p, 6);
    expect(o!.accuracy).toBe(1);
    expect(o!.auroc).toBe(1);
  });

  it('AUROC ranks log-probabilities: queries whose float32 probability saturates at 1 stay ordered', async () => {
    // 1-d embeddings; prototypes 0 (neg) and 10 (pos). Queries at 10 and 10.05 (pos) and 9.9 (neg) have
    // logit gaps of 100, 101 and 98: P(pos) is exactly 1 in float32 for all three, so AUROC on probabilities
    // ties them (0.75); their order, both positives above the negative, gives 1.
    const emb = Float32Array.from([0, 10, 10, 10.05, 9.9, 0.5]);
    const ep: Episode = {
      kind: 'single',
      index: 0,
      way: 2,
      classes: [
        { value: 0, name: 'neg' },
        { value: 1, name: 'pos' },
      ],
      support: [
        { image: 0, label: 0 },
        { image: 1, label: 1 },
      ],
      query: [
        { image: 4, label: 0 },
        { image: 5, label: 0 },
        { image: 2, label: 1 },
        { image: 3, label: 1 },
      ],
    };
    const [o] = await run(emb, 1, [ep]);
    expect([o!.scores[1], o!.scores[5], o!.scores[7]]).toEqual([1, 1, 1]);
    expect(o!.auroc).toBe(1);
  });
});
