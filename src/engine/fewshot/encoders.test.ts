import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { conv2dSame, conv2dSameNative } from './conv-grad';
import { createEncoder, encoderCost } from './encoders/registry';
import type { EncoderConfig } from './encoders/types';
import { BN_EPS } from './layers';
import { encoderGradients, timeTrainStep } from './probes';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function rand(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
    shape,
  );
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('custom-gradient convolution', () => {
  for (const k of [3, 1]) {
    it(`${k}x${k}: dx and dW equal tfjs's native gradients`, async () => {
      const x = rand([2, 7, 6, 3], 1) as tf.Tensor4D;
      const w = rand([k, k, 3, 4], 2) as tf.Tensor4D;
      const r = rand([2, 7, 6, 4], 3);
      const loss = (conv: typeof conv2dSame) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r));
      const [dx1, dw1] = tf.grads(loss(conv2dSame))([x, w]) as [tf.Tensor, tf.Tensor];
      const [dx2, dw2] = tf.grads(loss(conv2dSameNative))([x, w]) as [tf.Tensor, tf.Tensor];
      expect(dw1.shape).toEqual([k, k, 3, 4]);
      expect(maxAbs(await dx1.data(), await dx2.data())).toBeLessThan(1e-5);
      expect(maxAbs(await dw1.data(), await dw2.data())).toBeLessThan(1e-5);
      tf.dispose([x, w, r, dx1, dw1, dx2, dw2]);
    });
  }
});

const CONFIGS: EncoderConfig[] = [
  { name: 'conv4', inputSize: 36, channels: 3, seed: 1 },
  { name: 'conv4-untrained', inputSize: 28, channels: 1, seed: 1, width: 8 },
  { name: 'resnet12', inputSize: 32, channels: 3, seed: 2, widths: [4, 8, 8, 16] },
  { name: 'pixels', inputSize: 84, channels: 3 },
];

describe('encoders', () => {
  it('report their embedding size (Conv-4 at 84: 5x5x64 = 1600; at 224: 14x14x64)', () => {
    expect(encoderCost({ name: 'conv4', inputSize: 84, channels: 3, seed: 0 }).dim).toBe(1600);
    expect(encoderCost({ name: 'conv4', inputSize: 224, channels: 3, seed: 0 }).dim).toBe(12544);
    expect(encoderCost({ name: 'conv4', inputSize: 84, channels: 3, seed: 0 }).parameters).toBe(
      9 * 3 * 64 + 3 * 9 * 64 * 64 + 8 * 64,
    );
    expect(encoderCost({ name: 'pixels', inputSize: 84, channels: 3 }).dim).toBe(21 * 21 * 3);
    expect(encoderCost({ name: 'pixels', inputSize: 224, channels: 1 }).dim).toBe(20 * 20);
    expect(encoderCost({ name: 'resnet12', inputSize: 84, channels: 3, seed: 0 }).dim).toBe(256);
  });

  for (const c of CONFIGS) {
    it(`${c.name}: embeds to [B, dim], seeded init is reproducible, weights round-trip, nothing leaks`, async () => {
      const before = tf.memory().numTensors;
      const x = tf.tidy(() => tf.abs(rand([3, c.inputSize, c.inputSize, c.channels], 5))) as tf.Tensor4D;
      const a = createEncoder(c);
      const b = createEncoder(c);
      const ea = await a.embedder();
      const eb = await b.embedder();
      const ya = ea.embed(x);
      const yb = eb.embed(x);
      expect(ya.shape).toEqual([3, a.cost.dim]);
      expect(Array.from(await ya.data())).toEqual(Array.from(await yb.data()));
      const w = await a.getWeights();
      // Through structured clone, as between workers.
      const copy = structuredClone(w);
      b.setWeights(copy);
      expect(await b.getWeights()).toEqual(w);
      if (c.name !== 'pixels') {
        expect(w.tensors.length).toBeGreaterThan(0);
        const yt = a.forwardTrain(x);
        expect(yt.shape).toEqual([3, a.cost.dim]);
        yt.dispose();
      }
      tf.dispose([x, ya, yb]);
      ea.dispose();
      eb.dispose();
      a.dispose();
      b.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('folded eval BatchNorm equals conv -> BatchNorm(running stats) -> ReLU -> pool', async () => {
    const c: EncoderConfig = { name: 'conv4', inputSize: 20, channels: 3, seed: 9, width: 6 };
    const enc = createEncoder(c);
    const w = await enc.getWeights();
    // Non-trivial running statistics and affine parameters.
    const rng = new Rng(11);
    for (const t of w.tensors) {
      if (/running_var|bn\.weight/.test(t.name)) t.values = t.values.map(() => rng.uniform(0.5, 2));
      if (/running_mean|bn\.bias/.test(t.name)) t.values = t.values.map(() => rng.uniform(-0.5, 0.5));
    }
    enc.setWeights(w);
    const x = tf.tidy(() => tf.abs(rand([2, 20, 20, 3], 4))) as tf.Tensor4D;
    const emb = await enc.embedder();
    const y = emb.embed(x);
    const get = (n: string): tf.Tensor => {
      const t = w.tensors.find((v) => v.name === n)!;
      return tf.tensor(t.values, t.shape);
    };
    const ref = tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (let b = 0; b < 4; b++) {
        const p = `block${b}`;
        const z = tf.conv2d(h, get(`${p}.conv.weight`) as tf.Tensor4D, 1, 'same');
        const n = tf.batchNorm(
          z,
          get(`${p}.bn.running_mean`),
          get(`${p}.bn.running_var`),
          get(`${p}.bn.bias`),
          get(`${p}.bn.weight`),
          BN_EPS,
        );
        h = tf.maxPool(tf.relu(n) as tf.Tensor4D, 2, 2, 'valid');
      }
      return tf.reshape(h, [2, -1]);
    });
    expect(maxAbs(await y.data(), await ref.data())).toBeLessThan(1e-5);
    tf.dispose([x, y, ref]);
    emb.dispose();
    enc.dispose();
  });

  it('train mode moves the running statistics towards the batch statistics (momentum 0.1)', async () => {
    const enc = createEncoder({ name: 'conv4', inputSize: 16, channels: 1, seed: 3, width: 4 });
    const x = tf.tidy(() => tf.add(tf.abs(rand([4, 16, 16, 1], 8)), 3)) as tf.Tensor4D;
    tf.tidy(() => {
      enc.forwardTrain(x);
    });
    const w = await enc.getWeights();
    const mean = w.tensors.find((t) => t.name === 'block0.bn.running_mean')!.values;
    const batchMean = await tf
      .tidy(
        () =>
          tf.moments(
            tf.conv2d(
              x,
              tf.tensor4d(w.tensors[0]!.values, w.tensors[0]!.shape as [number, number, number, number]),
              1,
              'same',
            ),
            [0, 1, 2],
          ).mean,
      )
      .data();
    expect(
      maxAbs(
        mean,
        Array.from(batchMean, (v) => 0.1 * v),
      ),
    ).toBeLessThan(1e-5);
    x.dispose();
    enc.dispose();
  });

  it('refuses weights of another architecture, a wrong shape or a missing variable', async () => {
    const a = createEncoder({ name: 'conv4', inputSize: 16, channels: 3, seed: 1, width: 4 });
    const b = createEncoder({ name: 'conv4', inputSize: 16, channels: 3, seed: 1, width: 8 });
    const w = await a.getWeights();
    expect(() => b.setWeights(w)).toThrow(
      'weights are for conv4(width 4, channels 3), this encoder is conv4(width 8, channels 3)',
    );
    const c = createEncoder({ name: 'conv4', inputSize: 224, channels: 3, seed: 7, width: 4 });
    c.setWeights(w); // another input size and seed: same variables
    expect(() => c.setWeights({ ...w, tensors: w.tensors.slice(1) })).toThrow(
      'variable "block0.conv.weight" is missing',
    );
    a.dispose();
    b.dispose();
    c.dispose();
  });

  for (const c of [
    { name: 'conv4', inputSize: 22, channels: 3, seed: 4, width: 8 },
    // 3 input channels: with 1, the 1x1 shortcut conv + BatchNorm has a zero gradient, and both sides are noise.
    { name: 'resnet12', inputSize: 20, channels: 3, seed: 5, widths: [4, 6, 8, 8] },
  ] as EncoderConfig[]) {
    it(`${c.name}: hand-written gradients (conv, BatchNorm, max-pool) equal tfjs's own`, async () => {
      const fast = await encoderGradients(c, { batch: 5, seed: 1 });
      const ref = await encoderGradients(c, { batch: 5, seed: 1, reference: true });
      expect(fast.loss).toBeCloseTo(ref.loss, 3);
      expect(fast.grads.map((g) => g.name)).toEqual(ref.grads.map((g) => g.name));
      fast.grads.forEach((g, i) => {
        const r = ref.grads[i]!;
        const scale = Math.max(...Array.from(r.values, Math.abs));
        expect(maxAbs(g.values, r.values) / scale, g.name).toBeLessThan(1e-4);
      });
    });
  }

  it('Adam steps run for both trainable encoders, with finite losses and no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    for (const c of [
      { name: 'conv4', inputSize: 20, channels: 3, seed: 1, width: 8 },
      { name: 'resnet12', inputSize: 20, channels: 3, seed: 1, widths: [4, 4, 8, 8] },
    ] as EncoderConfig[]) {
      const r = await timeTrainStep(c, { way: 3, shot: 2, query: 2 }, 2);
      expect(r.losses).toHaveLength(3);
      for (const l of r.losses) expect(Number.isFinite(l)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
