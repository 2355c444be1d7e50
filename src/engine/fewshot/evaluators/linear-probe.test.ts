import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng';
import { planEpisodes, type Episode } from '../../../core/sampling';
import { multilabelView, singleLabelView } from '../../../core/sampling/test-fixtures';
import { DEFAULT_PROBE_C, solveLinearProbe } from '../../../core/stats/linear-probe';
import { episodeOutcome } from '../metrics';
import { packEpisodes } from '../pack';
import { linearProbe } from './linear-probe';
import { evaluatorFor } from './registry';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Post-ReLU-like embeddings: positive, with a large common offset (what centring is for). */
function embeddings(rows: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * dim }, () => 5 + rng.uniform(0, 2));
}

/** The solver on uncentred float64 inner products: what the device path must reproduce. */
function reference(emb: Float32Array, dim: number, ep: Episode): Float64Array {
  const s = ep.support.map((x) => x.image);
  const q = ep.query.map((x) => x.image);
  const dot = (a: number, b: number): number => {
    let t = 0;
    for (let d = 0; d < dim; d++) t += (emb[a * dim + d] as number) * (emb[b * dim + d] as number);
    return t;
  };
  const gram = Float64Array.from(s.flatMap((a) => s.map((b) => dot(a, b))));
  const cross = Float64Array.from(q.flatMap((a) => s.map((b) => dot(a, b))));
  const labels =
    ep.kind === 'single'
      ? ep.support.map((x) => x.label)
      : ep.support.flatMap((x) => Array.from(x.targets.subarray(0, ep.way)));
  return solveLinearProbe({
    gram,
    n: s.length,
    cross,
    m: q.length,
    kind: ep.kind,
    labels,
    classes: ep.way,
    c: DEFAULT_PROBE_C,
  }).logits;
}

async function run(emb: Float32Array, dim: number, episodes: Episode[]) {
  const before = tf.memory().numTensors;
  const block = packEpisodes(episodes, (img) => img);
  const t = tf.tensor2d(emb, [emb.length / dim, dim]);
  const out = await linearProbe.evaluate(t, block, episodes);
  t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return episodes.map((ep, e) => episodeOutcome(ep, e, block, out));
}

const softmax = (z: ArrayLike<number>): number[] => {
  const m = Math.max(...Array.from(z));
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('the linear-probe evaluator', () => {
  it('is in the registry beside ProtoNet', () => {
    expect(evaluatorFor('linear-probe')).toBe(linearProbe);
    expect(evaluatorFor('protonet').name).toBe('protonet');
    expect(() => evaluatorFor('knn' as never)).toThrow(/no evaluation method "knn"/);
  });

  it('single-label, padded variable episodes: the float64 solution on uncentred features', async () => {
    const view = singleLabelView([
      [0, 'a', 40],
      [3, 'b', 35],
      [5, 'c', 50],
      [7, 'd', 45],
    ]);
    const episodes = planEpisodes(view, { mode: 'variable', seed: 3 }).episodes(0, 6);
    const dim = 40;
    const emb = embeddings(view.labels.length, dim, 2);
    const outs = await run(emb, dim, episodes);
    episodes.forEach((ep, e) => {
      const want = reference(emb, dim, ep);
      const out = outs[e]!;
      for (let i = 0; i < ep.query.length; i++) {
        const p = softmax(want.subarray(i * ep.way, (i + 1) * ep.way));
        for (let c = 0; c < ep.way; c++) expect(out.scores[i * ep.way + c]).toBeCloseTo(p[c]!, 3);
      }
      expect(Number.isFinite(out.accuracy)).toBe(true);
    });
  });

  it('multilabel: one sigmoid per label, decisions at log-odds 0', async () => {
    const view = multilabelView([0.3, 0.5, 0.4], 200);
    const episodes = planEpisodes(view, { mode: 'medimeta', shot: 3, query: 4, seed: 2 }).episodes(0, 4);
    const dim = 16;
    const emb = embeddings(view.labels.length / 3, dim, 5);
    const outs = await run(emb, dim, episodes);
    episodes.forEach((ep, e) => {
      const want = reference(emb, dim, ep);
      const out = outs[e]!;
      want.forEach((z, j) => {
        expect(out.scores[j]).toBeCloseTo(1 / (1 + Math.exp(-z)), 3);
        if (Math.abs(z) > 1e-3) expect(out.predictions[j]).toBe(z > 0 ? 1 : 0);
      });
    });
  });
});
