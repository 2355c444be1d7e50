/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as Comlink from 'comlink';
import { configureWasm, wasmReport } from '../../src/engine/backends/wasm';
import { createEncoder } from '../../src/engine/fewshot/encoders/registry';
import type { EncoderConfig } from '../../src/engine/fewshot/encoders/types';
import { protoLoss } from '../../src/engine/fewshot/loss';
import { blockLabels, maxRelDiff } from '../../src/engine/fewshot/probe-math';
import { abSteps } from './ab';
import { makeCases } from './ops';
import { DW_VARIANTS } from './variants';
import { conv3x3WinogradWasm } from '../../src/engine/wasm-simd/winograd-kernel';
import { bnReluPoolTrainWasm } from '../../src/engine/wasm-simd/bn-pool-kernel';

/**
 * Kernel micro-benchmarks for the wasm training step (not part of the app): per-kernel profile of a
 * Conv-4 meta-training step, and timings of alternative formulations of the convolution's weight gradient.
 */

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, 0, 1, 'float32', seed);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function init(): Promise<unknown> {
  configureWasm(2);
  await tf.setBackend('wasm');
  await tf.ready();
  return { backend: tf.getBackend(), ...(await wasmReport()) };
}

export interface KernelRow {
  name: string;
  calls: number;
  ms: number;
  shapes: string;
}

/** Train steps of an encoder; the last one under tf.profile, aggregated by kernel name and input shapes. */
async function profileStep(config: EncoderConfig, steps: number): Promise<unknown> {
  const enc = createEncoder(config);
  const optimizer = tf.train.adam(1e-3);
  const way = 5;
  const shot = 5;
  const query = 15;
  const n = way * (shot + query);
  const sl = blockLabels(way, shot);
  const ql = blockLabels(way, query);
  const ms: number[] = [];
  const mem: number[] = [];
  const once = async (seed: number): Promise<void> => {
    const x = rand([n, config.inputSize, config.inputSize, config.channels], seed) as tf.Tensor4D;
    const t0 = performance.now();
    const cost = optimizer.minimize(() => protoLoss(enc.forwardTrain(x), sl, ql, way).loss, true, enc.variables());
    await cost?.data();
    ms.push(performance.now() - t0);
    cost?.dispose();
    x.dispose();
    mem.push(tf.memory().numTensors);
  };
  for (let s = 0; s < steps; s++) await once(s + 1);
  const prof = await tf.profile(() => once(1000));
  const agg = new Map<string, KernelRow>();
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const k of prof.kernels) {
    const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const r = agg.get(key) ?? { name: k.name, calls: 0, ms: 0, shapes: JSON.stringify(k.inputShapes) };
    r.calls++;
    r.ms += t;
    agg.set(key, r);
    const b = byName.get(k.name) ?? { calls: 0, ms: 0 };
    b.calls++;
    b.ms += t;
    byName.set(k.name, b);
  }
  optimizer.dispose();
  enc.dispose();
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  return {
    stepMs: ms,
    medianMs: median(ms.slice(1, steps)),
    profiledMs: ms[ms.length - 1],
    kernelTotalMs: total,
    memory: mem,
    byName: [...byName.entries()].map(([name, v]) => ({ name, ...v })).sort((a, b) => b.ms - a.ms),
    byShape: [...agg.values()].sort((a, b) => b.ms - a.ms).slice(0, 40),
  };
}

/** Times each dW variant on [B, S, S, Cin] x dy [B, S, S, Cout] (3x3, pad 1), and its max difference to the first. */
async function dwBench(
  B: number,
  S: number,
  cin: number,
  cout: number,
  rounds: number,
  names?: string[],
): Promise<unknown> {
  const x = rand([B, S, S, cin], 1) as tf.Tensor4D;
  const dy = tf.sub(rand([B, S, S, cout], 2), 0.5) as tf.Tensor4D;
  const out: unknown[] = [];
  let ref: Float32Array | undefined;
  const flops = 2 * B * S * S * 9 * cin * cout;
  const use = DW_VARIANTS.filter((v) => !names || names.includes(v.name));
  const times = new Map<string, number[]>(use.map((v) => [v.name, []]));
  const diffs = new Map<string, number>();
  for (let r = 0; r <= rounds; r++) {
    for (const v of use) {
      const ms = times.get(v.name)!;
      let diff = 0;
      const t0 = performance.now();
      const dw = v.dw(x, dy);
      const vals = (await dw.data()) as Float32Array;
      const t = performance.now() - t0;
      if (r > 0) ms.push(t);
      if (r === 0) {
        if (!ref) ref = vals.slice();
        else diff = maxRelDiff(vals, ref);
        diffs.set(v.name, diff);
      }
      dw.dispose();
    }
  }
  for (const v of use) {
    const ms = times.get(v.name)!;
    const m = median(ms);
    const mn = Math.min(...ms);
    out.push({
      variant: v.name,
      medianMs: m,
      minMs: mn,
      gflops: flops / (mn / 1000) / 1e9,
      relDiff: diffs.get(v.name),
      ms,
    });
  }
  tf.dispose([x, dy]);
  return { shape: [B, S, S, cin, cout], out, tensors: tf.memory().numTensors };
}

/** Forward 3x3 'same' convolution: XNNPACK (tf.conv2d) against our Winograd kernel, interleaved rounds. */
async function convBench(B: number, S: number, cin: number, cout: number, rounds: number): Promise<unknown> {
  const x = tf.sub(rand([B, S, S, cin], 1), 0.5) as tf.Tensor4D;
  const w = tf.mul(tf.sub(rand([3, 3, cin, cout], 3), 0.5), 0.2) as tf.Tensor4D;
  const flops = 2 * B * S * S * 9 * cin * cout;
  const variants: Record<string, () => tf.Tensor> = {
    xnnpack: () => tf.conv2d(x, w, 1, 'same'),
    winograd: () => conv3x3WinogradWasm(x, w),
  };
  const times: Record<string, number[]> = { xnnpack: [], winograd: [] };
  let ref: Float32Array | undefined;
  let relDiff = 0;
  for (let r = 0; r <= rounds; r++)
    for (const [name, f] of Object.entries(variants)) {
      const t0 = performance.now();
      const y = f();
      const vals = (await y.data()) as Float32Array;
      const t = performance.now() - t0;
      if (r > 0) times[name]!.push(t);
      if (r === 0 && !ref) ref = vals.slice();
      else if (r === 0) relDiff = maxRelDiff(vals, ref!);
      y.dispose();
    }
  tf.dispose([x, w]);
  const out = Object.entries(times).map(([variant, ms]) => ({
    variant,
    medianMs: median(ms),
    gflopsDirectEquivalent: flops / (median(ms) / 1000) / 1e9,
    ms,
  }));
  return { shape: [B, S, S, cin, cout], relDiff, out, tensors: tf.memory().numTensors };
}

/** The fused BatchNorm-pool-ReLU kernels on one conv output [B, S, S, C]: forward and backward kernels alone. */
async function bnBench(B: number, S: number, C: number, rounds: number): Promise<unknown> {
  const y = tf.sub(rand([B, S, S, C], 1), 0.3) as tf.Tensor4D;
  const gamma = tf.ones([C]);
  const beta = tf.zeros([C]);
  const dOut = rand([B, S >> 1, S >> 1, C], 2);
  const attrs = { eps: 1e-5 } as unknown as tf.NamedAttrMap;
  // Registers both kernels (on first use).
  tf.dispose(
    tf.tidy(() =>
      bnReluPoolTrainWasm(tf.zeros([1, 2, 2, C]), gamma as tf.Tensor1D, beta as tf.Tensor1D, 1e-5, () => {}),
    ),
  );
  const fwd: number[] = [];
  const bwd: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    let t0 = performance.now();
    const [out, pooled, mean, variance] = tf
      .engine()
      .runKernel('PBBnPoolReluWasm', { y, gamma, beta }, attrs) as tf.Tensor[];
    await out!.data();
    if (r > 0) fwd.push(performance.now() - t0);
    t0 = performance.now();
    const inputs = { y, pooled: pooled!, dOut, gamma, beta, mean: mean!, variance: variance! };
    const grads = tf.engine().runKernel('PBBnPoolReluGradWasm', inputs, attrs) as tf.Tensor[];
    await grads[0]!.data();
    if (r > 0) bwd.push(performance.now() - t0);
    tf.dispose([out!, pooled!, mean!, variance!, ...grads]);
  }
  tf.dispose([y, gamma, beta, dOut]);
  return { shape: [B, S, S, C], forwardMs: median(fwd), backwardMs: median(bwd), tensors: tf.memory().numTensors };
}

/** Time an arbitrary op list on fixed inputs: forward conv, dx conv, etc. */
async function opBench(B: number, S: number, cin: number, cout: number, rounds: number): Promise<unknown> {
  const x = rand([B, S, S, cin], 1) as tf.Tensor4D;
  const w = tf.sub(rand([3, 3, cin, cout], 3), 0.5) as tf.Tensor4D;
  const dy = tf.sub(rand([B, S, S, cout], 2), 0.5) as tf.Tensor4D;
  const wt = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const ops: Record<string, () => tf.Tensor> = {
    fwdConv: () => tf.conv2d(x, w, 1, 'same'),
    dxConv: () => tf.conv2d(dy, wt, 1, 'same'),
    padX: () =>
      tf.pad(x, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
    transposeX: () => tf.transpose(x, [3, 1, 2, 0]),
    transposeDy: () => tf.transpose(dy, [1, 2, 0, 3]),
    maxPool: () => tf.maxPool(dy, 2, 2, 'valid'),
    mulDy: () => tf.mul(dy, dy),
    reluDy: () => tf.relu(dy),
  };
  const out: Record<string, number> = {};
  for (const [k, f] of Object.entries(ops)) {
    const ms: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      // wasm kernels run synchronously: no read-back needed to time them.
      const t0 = performance.now();
      const y = f();
      if (r > 0) ms.push(performance.now() - t0);
      y.dispose();
    }
    out[k] = median(ms);
  }
  tf.dispose([x, w, dy, wt]);
  return out;
}

/** One dW variant under tf.profile: time per kernel name and input shapes. */
async function profileDw(B: number, S: number, cin: number, cout: number, name: string): Promise<unknown> {
  const x = rand([B, S, S, cin], 1) as tf.Tensor4D;
  const dy = tf.sub(rand([B, S, S, cout], 2), 0.5) as tf.Tensor4D;
  const v = DW_VARIANTS.find((d) => d.name === name)!;
  v.dw(x, dy).dispose();
  const t0 = performance.now();
  const prof = await tf.profile(() => v.dw(x, dy));
  const wall = performance.now() - t0;
  const agg = new Map<string, KernelRow>();
  for (const k of prof.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const r = agg.get(key) ?? { name: k.name, calls: 0, ms: 0, shapes: JSON.stringify(k.inputShapes) };
    r.calls++;
    r.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    agg.set(key, r);
  }
  tf.dispose([x, dy, prof.result as tf.Tensor]);
  return { wall, rows: [...agg.values()].sort((a, b) => b.ms - a.ms) };
}

/** Cases from ops.ts, interleaved round by round (noise hits all alike); median ms per case. */
async function opsBench(B: number, S: number, C: number, rounds: number, only?: string[]): Promise<unknown> {
  const { cases, dispose } = makeCases(B, S, C);
  const use = cases.filter((c) => !only || only.some((o) => c.name.startsWith(o)));
  const ms = new Map<string, number[]>(use.map((c) => [c.name, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const c of use) {
      const t0 = performance.now();
      const out = c.run();
      const t = performance.now() - t0;
      if (r > 0) ms.get(c.name)!.push(t);
      tf.dispose(out);
    }
  }
  dispose();
  return {
    shape: [B, S, S, C],
    tensors: tf.memory().numTensors,
    rows: use.map((c) => ({ name: c.name, medianMs: median(ms.get(c.name)!) })),
  };
}

const api = { init, profileStep, dwBench, convBench, bnBench, opBench, profileDw, opsBench, abSteps };
export type MicroApi = typeof api;
Comlink.expose(api);
