import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SingleLabelEpisode } from '../../../core/sampling';
import { createEncoder } from '../encoders/registry';
import { WEIGHTS_FORMAT, type EncoderConfig } from '../encoders/types';
import { packEpisodes } from '../pack';
import { finetuneEpisode, headInit } from './finetune';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** tools/protocol/finetune-golden.ts's inputs with PyTorch's numbers (bench/reference/finetune_torch.py). */
interface Golden {
  encoder: EncoderConfig;
  weights: { name: string; shape: number[]; values: number[] }[];
  way: number;
  steps: number;
  lr: number;
  support: { images: number[][]; labels: number[] };
  query: { images: number[][]; labels: number[] };
  head: { w: number[]; b: number[]; shape: [number, number] };
  torch: { losses: number[]; queryLogits: number[][] };
}

const golden = JSON.parse(
  readFileSync(new URL('../../../../bench/reference/goldens/finetune-conv4.json', import.meta.url), 'utf8'),
) as Golden;

function episode(g: Golden): SingleLabelEpisode {
  const n = g.support.labels.length;
  return {
    kind: 'single',
    index: 0,
    way: g.way,
    classes: Array.from({ length: g.way }, (_, i) => ({ value: i, name: `c${i}` })),
    support: g.support.labels.map((label, i) => ({ image: i, label })),
    query: g.query.labels.map((label, i) => ({ image: n + i, label })),
  } as unknown as SingleLabelEpisode;
}

describe('fine-tune', () => {
  it('its first 10 losses and the query logits match PyTorch from the same weights and head (1e-3)', async () => {
    const g = golden;
    const S = g.encoder.inputSize;
    const encoder = createEncoder(g.encoder);
    const start = {
      format: WEIGHTS_FORMAT as typeof WEIGHTS_FORMAT,
      version: 1 as const,
      config: g.encoder,
      tensors: g.weights.map((t) => ({ name: t.name, shape: t.shape, values: Float32Array.from(t.values) })),
    };
    const support = tf.tensor4d(g.support.images.flat(), [g.support.images.length, S, S, 1]);
    const query = tf.tensor4d(g.query.images.flat(), [g.query.images.length, S, S, 1]);
    const before = tf.memory().numTensors;
    const ep = episode(g);
    const block = packEpisodes([ep], () => 0);
    const r = await finetuneEpisode(
      {
        encoder,
        start,
        ep,
        support,
        query,
        settings: { steps: g.steps, lr: g.lr, headInit: 'uniform' },
        headSeed: 0,
        head: { w: Float32Array.from(g.head.w), b: Float32Array.from(g.head.b) },
        checkpoint: async () => undefined,
      },
      block,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r.losses).toHaveLength(10);
    r.losses.forEach((l, i) => expect(Math.abs(l - g.torch.losses[i]!), `loss ${i}`).toBeLessThan(1e-3));
    // The loss fell: the test would pass a frozen model otherwise only by luck.
    expect(r.losses[9]!).toBeLessThan(r.losses[0]! / 5);
    const logits = Array.from(r.out.rank.subarray(0, 9));
    logits.forEach((z, i) => expect(Math.abs(z - g.torch.queryLogits[Math.floor(i / 3)]![i % 3]!)).toBeLessThan(1e-3));
    tf.dispose([support, query]);
    encoder.dispose();
  });

  it('a uniform head is nn.Linear`s range and seeded; a zero head is zero', () => {
    const a = headInit('uniform', 100, 3, 7);
    expect(Math.max(...a.w.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...a.w.map(Math.abs))).toBeGreaterThan(0.09);
    expect(headInit('uniform', 100, 3, 7).w).toEqual(a.w);
    expect(headInit('uniform', 100, 3, 8).w).not.toEqual(a.w);
    expect(headInit('zero', 100, 3, 7).w.every((v) => v === 0)).toBe(true);
  });
});
