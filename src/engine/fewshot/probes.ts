import * as tf from '@tensorflow/tfjs';
import { Rng, seedFrom } from '../../core/rng';
import { gpuErrors } from '../backends/webgpu';
import type { Episode } from '../../core/sampling';
import { settle } from './embed';
import { createEncoder } from './encoders/registry';
import { conv3x3BiasReluPoolWasm, conv3x3WinogradWasm } from '../wasm-simd/winograd-kernel';
import { filterGrad3x3Wasm } from '../wasm-simd/filter-grad-kernel';
import { conv3x3FilterGrad } from '../webgpu/conv-filter-grad';
import { filterGradAsConv } from './conv-grad';
import { convBiasReluPool, DEFAULT_TILING, type ConvPoolTiling } from '../webgpu/conv-pool';
import type { EmbedderOptions, EncoderConfig, EncoderCost, WeightTensor } from './encoders/types';
import { protoLoss } from './loss';
import { blockLabels, maxRelDiff } from './probe-math';
import { episodeOutcome, type EpisodeOutcome } from './metrics';
import { packEpisodes } from './pack';
import { protonetBlock, readBlock } from './protonet';

/**
 * Measurements and checks that need no dataset: embedding and training-step speed on synthetic input
 * (benchmarks), gradients of a seeded encoder (cross-backend gradient checks), ProtoNet on given
 * embeddings (the golden test). Inputs are drawn in JS from a seed: the same numbers on every backend.
 */

/** WebGPU reports shader and validation errors asynchronously, leaving zeros behind: surface them. */
function throwOnGpuErrors(what: string): void {
  const errors = gpuErrors.splice(0);
  if (errors.length) throw new Error(`${what}: the GPU reported ${errors.length} error(s): ${errors[0]}`);
}

function seededTensor(shape: number[], seed: number, lo: number, hi: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.uniform(lo, hi)),
    shape,
    'float32',
  );
}

/**
 * Run `make` (a kernel of ours and its tfjs reference, built in a tidy), read both back, surface any WebGPU
 * error, and compare: shapes must match.
 */
async function compareWithReference(
  what: string,
  make: () => [tf.Tensor, tf.Tensor],
): Promise<{ relDiff: number; shape: number[] }> {
  const [got, ref] = tf.tidy(make);
  const [g, r] = await Promise.all([got.data(), ref.data()]);
  got.dispose();
  ref.dispose();
  throwOnGpuErrors(what);
  if (got.shape.join() !== ref.shape.join())
    throw new Error(`${what}: shape ${got.shape.join('x')} vs reference ${ref.shape.join('x')}`);
  return { relDiff: maxRelDiff(g, r), shape: got.shape };
}

export interface SpeedReport {
  cost: EncoderCost;
  batch: number;
  /** The first call (kernel compilation, operator setup). */
  warmupMs: number;
  /** Each timed call after it. */
  ms: number[];
  medianMs: number;
  imagesPerSecond: number;
  gflops: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Eval-mode embedding of one synthetic batch, `rounds` times after a warm-up call. */
export async function timeEmbedding(
  config: EncoderConfig,
  batch: number,
  rounds: number,
  opts: EmbedderOptions = {},
): Promise<SpeedReport> {
  const enc = createEncoder(config);
  const emb = await enc.embedder(opts);
  const x = seededTensor([batch, config.inputSize, config.inputSize, config.channels], 1, 0, 1) as tf.Tensor4D;
  try {
    const once = async (): Promise<number> => {
      const t0 = performance.now();
      const y = emb.embed(x);
      await settle(y);
      y.dispose();
      return performance.now() - t0;
    };
    const warmupMs = await once();
    const ms: number[] = [];
    for (let r = 0; r < rounds; r++) ms.push(await once());
    const med = median(ms);
    const ips = (batch / med) * 1000;
    return {
      cost: enc.cost,
      batch,
      warmupMs,
      ms,
      medianMs: med,
      imagesPerSecond: ips,
      gflops: (ips * enc.cost.flops) / 1e9,
    };
  } finally {
    x.dispose();
    emb.dispose();
    enc.dispose();
  }
}

/** One shape for `convPoolCheck`: x [n, h, w, cin], filter [3, 3, cin, cout]. */
export interface ConvPoolCase {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  /** WebGPU only (wasm has one kernel); default DEFAULT_TILING. */
  tiling?: ConvPoolTiling;
}

/**
 * Our fused conv-bias-ReLU-pool kernel (WebGPU: src/engine/webgpu/conv-pool.ts; wasm: the Winograd kernel) against
 * tfjs's fused conv2d + maxPool on the same backend,
 * on seeded inputs: the largest difference relative to the largest reference value, per case.
 */
export async function convPoolCheck(cases: ConvPoolCase[]): Promise<{ relDiff: number; shape: number[] }[]> {
  const wasm = tf.getBackend() === 'wasm';
  const out: { relDiff: number; shape: number[] }[] = [];
  for (const [k, c] of cases.entries())
    out.push(
      await compareWithReference(`convPoolCheck case ${k}`, () => {
        const x = seededTensor([c.n, c.h, c.w, c.cin], 10 + k, 0, 1) as tf.Tensor4D;
        const w = seededTensor([3, 3, c.cin, c.cout], 20 + k, -0.5, 0.5) as tf.Tensor4D;
        const b = seededTensor([c.cout], 30 + k, -1, 1) as tf.Tensor1D;
        const ref = tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' });
        const got = wasm ? conv3x3BiasReluPoolWasm(x, w, b) : convBiasReluPool(x, w, b, c.tiling ?? DEFAULT_TILING);
        return [got, tf.maxPool(ref, 2, 2, 'valid')];
      }),
    );
  return out;
}

/**
 * The WebGPU 3x3 weight-gradient kernel against tfjs's own Conv2DBackpropFilter on the same backend, on
 * seeded x [n, h, w, cin] and dy [n, h, w, cout]: the largest difference relative to the largest reference value.
 */
/**
 * Our 3x3 weight-gradient kernel on the current backend against a reference, max relative difference per
 * case. WebGPU: conv3x3FilterGrad vs tfjs's Conv2DBackpropFilter. wasm (which registers no
 * Conv2DBackpropFilter): the SIMD kernel vs the XNNPACK formulation (filterGradAsConv), itself checked against
 * the cpu backend's native gradients by the encoder gradient test.
 */
export async function filterGradCheck(
  cases: { n: number; h: number; w: number; cin: number; cout: number }[],
): Promise<number[]> {
  const wasm = tf.getBackend() === 'wasm';
  const out: number[] = [];
  for (const [k, c] of cases.entries()) {
    const { relDiff } = await compareWithReference(`filterGradCheck case ${k}`, () => {
      const x = seededTensor([c.n, c.h, c.w, c.cin], 40 + k, -1, 1) as tf.Tensor4D;
      const dy = seededTensor([c.n, c.h, c.w, c.cout], 50 + k, -1, 1) as tf.Tensor4D;
      if (wasm) return [filterGrad3x3Wasm(x, dy), filterGradAsConv(x, dy, 1)];
      const r = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        filterShape: [3, 3, c.cin, c.cout],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [conv3x3FilterGrad(x, dy), r];
    });
    out.push(relDiff);
  }
  return out;
}

/**
 * Our Winograd 3x3 'same' convolution (wasm) against tfjs's conv2d (XNNPACK) on seeded x [n, h, w, cin] and
 * w [3, 3, cin, cout]: the largest difference relative to the largest reference value, per case.
 */
export async function winogradCheck(
  cases: { n: number; h: number; w: number; cin: number; cout: number }[],
): Promise<number[]> {
  if (tf.getBackend() !== 'wasm') throw new Error(`winogradCheck: needs the wasm backend, not ${tf.getBackend()}`);
  const out: number[] = [];
  for (const [k, c] of cases.entries()) {
    const { relDiff } = await compareWithReference(`winogradCheck case ${k}`, () => {
      const x = seededTensor([c.n, c.h, c.w, c.cin], 60 + k, -1, 1) as tf.Tensor4D;
      const w = seededTensor([3, 3, c.cin, c.cout], 70 + k, -0.5, 0.5) as tf.Tensor4D;
      return [conv3x3WinogradWasm(x, w), tf.conv2d(x, w, 1, 'same')];
    });
    out.push(relDiff);
  }
  return out;
}

export interface StepReport {
  cost: EncoderCost;
  images: number;
  warmupMs: number;
  ms: number[];
  medianMs: number;
  stepsPerSecond: number;
  /** Forward + backward counted as 3x the forward FLOPs. */
  gflops: number;
  losses: number[];
}

/**
 * Meta-training steps (train-mode forward, ProtoNet loss, backward, Adam) on synthetic episodes of
 * way x (shot + query) images, without the data worker: the compute side of a training step. Each step
 * gets another seeded batch: repeating one batch drives the loss to ~0 within a few steps, and the tiny
 * gradients become denormal floats, which wasm (no flush-to-zero) computes many times slower.
 */
export async function timeTrainStep(
  config: EncoderConfig,
  episode: { way: number; shot: number; query: number },
  rounds: number,
  opts: { reference?: boolean } = {},
): Promise<StepReport> {
  const { way, shot, query } = episode;
  const n = way * (shot + query);
  const enc = createEncoder(config);
  const optimizer = tf.train.adam(1e-3);
  const inputs = Array.from(
    { length: rounds + 1 },
    (_, r) =>
      seededTensor([n, config.inputSize, config.inputSize, config.channels], seedFrom(2, r), 0, 1) as tf.Tensor4D,
  );
  const supportLabels = blockLabels(way, shot);
  const queryLabels = blockLabels(way, query);
  const losses: number[] = [];
  try {
    const once = async (x: tf.Tensor4D): Promise<number> => {
      const t0 = performance.now();
      const cost = optimizer.minimize(
        () => protoLoss(enc.forwardTrain(x, opts), supportLabels, queryLabels, way).loss,
        true,
        enc.variables(),
      );
      losses.push(((await (cost as tf.Scalar).data())[0] as number) ?? NaN);
      cost?.dispose();
      return performance.now() - t0;
    };
    const warmupMs = await once(inputs[0] as tf.Tensor4D);
    const ms: number[] = [];
    for (let r = 1; r <= rounds; r++) ms.push(await once(inputs[r] as tf.Tensor4D));
    const med = median(ms);
    return {
      cost: enc.cost,
      images: n,
      warmupMs,
      ms,
      medianMs: med,
      stepsPerSecond: 1000 / med,
      gflops: (3 * n * enc.cost.flops) / (med / 1000) / 1e9,
      losses,
    };
  } finally {
    tf.dispose(inputs);
    optimizer.dispose();
    enc.dispose();
  }
}

/**
 * Gradients of loss = sum(forwardTrain(x) * r) for a seeded encoder, seeded x and r: compare the custom
 * convolution gradient on one backend with tfjs's native gradients on another (wasm has no native one).
 */
export async function encoderGradients(
  config: EncoderConfig,
  opts: { batch: number; seed: number; reference?: boolean; flat?: boolean },
): Promise<{ loss: number; grads: WeightTensor[]; running: WeightTensor[] }> {
  const enc = createEncoder(config);
  const shape: [number, number, number, number] = [opts.batch, config.inputSize, config.inputSize, config.channels];
  const noise = seededTensor(shape, seedFrom(opts.seed, 'x'), 0, 1) as tf.Tensor4D;
  // `flat`: the top half of every image black, as on scans and product photos: its conv output is constant,
  // so max-pool windows there hold equal maxima (ties).
  const x = opts.flat
    ? tf.tidy(() => {
        const half = Math.floor(config.inputSize / 2);
        const keep = tf.concat(
          [tf.zeros([1, half, config.inputSize, 1]), tf.ones([1, config.inputSize - half, config.inputSize, 1])],
          1,
        );
        return tf.mul(noise, keep) as tf.Tensor4D;
      })
    : noise;
  if (x !== noise) noise.dispose();
  const r = seededTensor([opts.batch, enc.cost.dim], seedFrom(opts.seed, 'r'), -1, 1);
  try {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(enc.forwardTrain(x, opts), r)) as tf.Scalar,
      enc.variables(),
    );
    const names = enc.variableNames();
    const vars = enc.variables();
    const out: WeightTensor[] = [];
    for (let i = 0; i < vars.length; i++) {
      const g = grads[(vars[i] as tf.Variable).name] as tf.Tensor;
      out.push({ name: names[i] as string, shape: [...g.shape], values: (await g.data()) as Float32Array });
    }
    const loss = (await value.data())[0] as number;
    tf.dispose([value, ...Object.values(grads)]);
    // BatchNorm running statistics after this one train-mode forward pass (batch statistics folded in).
    const running = (await enc.getWeights()).tensors.filter((t) => t.name.includes('.running_'));
    return { loss, grads: out, running };
  } finally {
    tf.dispose([x, r]);
    enc.dispose();
  }
}

/** The device ProtoNet on given embeddings ([rows, dim], episodes' `image` = row): the golden test's subject. */
export async function protonetOnEmbeddings(
  embeddings: Float32Array,
  dim: number,
  episodes: Episode[],
): Promise<EpisodeOutcome[]> {
  const t = tf.tensor2d(embeddings, [embeddings.length / dim, dim]);
  try {
    const block = packEpisodes(episodes, (img) => img);
    const out = await readBlock(protonetBlock(t, block));
    return episodes.map((ep, e) => episodeOutcome(ep, e, block, out));
  } finally {
    t.dispose();
  }
}
