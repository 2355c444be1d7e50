import * as tf from '@tensorflow/tfjs';
import { batchNormTrain } from '../../src/engine/fewshot/batchnorm-train';
import { conv2dSame, conv2dSameNoInputGrad, customConv } from '../../src/engine/fewshot/conv-grad';
import { protoLoss } from '../../src/engine/fewshot/loss';
import { maxPool2TrainStep } from '../../src/engine/fewshot/maxpool-step';
import { heUniform } from '../../src/engine/fewshot/params';
import { bnReluPoolTrainWasm } from '../../src/engine/wasm-simd/bn-pool-kernel';
import { useSharedIdentity } from '../../src/engine/wasm-simd/identity-kernel';
import { blockLabels } from '../../src/engine/fewshot/probe-math';
import { batchNormTrain as bnOld } from './baseline/batchnorm-train';
import { conv2dSame as convOld, conv2dSameNoInputGrad as convInOld } from './baseline/conv-grad';
import { maxPool2Train as poolOld } from './baseline/maxpool-train';

/** A Conv-4 meta-training step from pluggable parts, to time formulations against each other (A/B, interleaved). */
export interface Impl {
  conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
  convIn: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
  bn: typeof batchNormTrain;
  pool: (x: tf.Tensor4D) => tf.Tensor4D;
  /** relu(pool(bn(y))) in one op, instead of bn, pool and tf.relu. */
  bnReluPool?: typeof bnReluPoolTrainWasm;
  /** Identity on wasm shares data instead of copying (wasm-simd/identity-kernel.ts); default: as installed. */
  sharedIdentity?: boolean;
}

export const IMPLS: Record<string, Impl> = {
  head: { conv: convOld, convIn: convInOld, bn: bnOld, pool: poolOld },
  new: { conv: conv2dSame, convIn: conv2dSameNoInputGrad, bn: batchNormTrain, pool: maxPool2TrainStep },
  newBnOnly: { conv: convOld, convIn: convInOld, bn: batchNormTrain, pool: poolOld },
  newPoolOnly: { conv: convOld, convIn: convInOld, bn: bnOld, pool: maxPool2TrainStep },
  /** The current step with tfjs's kernels for dW (no wasm-simd kernels). */
  fused: {
    conv: conv2dSame,
    convIn: conv2dSameNoInputGrad,
    bn: batchNormTrain,
    pool: maxPool2TrainStep,
    bnReluPool: bnReluPoolTrainWasm,
  },
  fusedCopy: {
    conv: conv2dSame,
    convIn: conv2dSameNoInputGrad,
    bn: batchNormTrain,
    pool: maxPool2TrainStep,
    bnReluPool: bnReluPoolTrainWasm,
    sharedIdentity: false,
  },
  fusedShared: {
    conv: conv2dSame,
    convIn: conv2dSameNoInputGrad,
    bn: batchNormTrain,
    pool: maxPool2TrainStep,
    bnReluPool: bnReluPoolTrainWasm,
    sharedIdentity: true,
  },
  /** The current step with XNNPACK for the forward and input-gradient convolutions (no Winograd). */
  noWinograd: {
    conv: customConv(true, true, false),
    convIn: customConv(false, true, false),
    bn: batchNormTrain,
    pool: maxPool2TrainStep,
    bnReluPool: bnReluPoolTrainWasm,
  },
  tfjsDw: {
    conv: customConv(true, false),
    convIn: customConv(false, false),
    bn: batchNormTrain,
    pool: maxPool2TrainStep,
  },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function makeModel(impl: Impl, cin: number, width: number) {
  const vars: tf.Variable[] = [];
  const blocks = [0, 1, 2, 3].map((b) => {
    const ci = b === 0 ? cin : width;
    const w = tf.variable(tf.tensor4d(heUniform(1, `block${b}`, 9 * ci * width, 9 * ci), [3, 3, ci, width]));
    const g = tf.variable(tf.ones([width]));
    const be = tf.variable(tf.zeros([width]));
    vars.push(w, g, be);
    return { w, g, be };
  });
  const forward = (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      let h = x;
      blocks.forEach((p, b) => {
        const y = (b === 0 ? impl.convIn : impl.conv)(h, p.w as tf.Variable<tf.Rank.R4>);
        const g = p.g as tf.Variable<tf.Rank.R1>;
        const be = p.be as tf.Variable<tf.Rank.R1>;
        const n = () => impl.bn(y, g, be, 1e-5, () => {});
        h = impl.bnReluPool ? impl.bnReluPool(y, g, be, 1e-5, () => {}) : tf.relu(impl.pool(n()));
      });
      return tf.reshape(h, [x.shape[0], -1]);
    });
  return { vars, forward };
}

export async function abSteps(names: string[], rounds: number, profile = false, size = 84): Promise<unknown> {
  const way = 5;
  const shot = 5;
  const query = 15;
  const n = way * (shot + query);
  const sl = blockLabels(way, shot);
  const ql = blockLabels(way, query);
  const models = names.map((nm) => ({ nm, m: makeModel(IMPLS[nm]!, 3, 64), opt: tf.train.adam(1e-3) }));
  const ms = new Map<string, number[]>(names.map((nm) => [nm, []]));
  const losses = new Map<string, number[]>(names.map((nm) => [nm, []]));
  const mem: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const x = tf.randomUniform([n, size, size, 3], 0, 1, 'float32', r + 1) as tf.Tensor4D;
    for (const { nm, m, opt } of models) {
      const shared = IMPLS[nm]!.sharedIdentity;
      if (shared !== undefined) useSharedIdentity(shared);
      const t0 = performance.now();
      const cost = opt.minimize(() => protoLoss(m.forward(x), sl, ql, way).loss, true, m.vars);
      const l = (await cost!.data())[0] as number;
      const t = performance.now() - t0;
      cost!.dispose();
      if (r > 0) ms.get(nm)!.push(t);
      losses.get(nm)!.push(l);
    }
    x.dispose();
    mem.push(tf.memory().numTensors);
  }
  const profiles: Record<string, Record<string, number>> = {};
  if (profile) {
    for (let r = 0; r < 2; r++) {
      const x = tf.randomUniform([n, size, size, 3], 0, 1, 'float32', 1000 + r) as tf.Tensor4D;
      for (const { nm, m, opt } of models) {
        const prof = await tf.profile(() => {
          const cost = opt.minimize(() => protoLoss(m.forward(x), sl, ql, way).loss, true, m.vars);
          cost!.dispose();
        });
        const agg: Record<string, number> = (profiles[nm] ??= {});
        for (const k of prof.kernels) {
          if (k.name === 'unnamed scope') continue;
          const key = k.name === 'Conv2D' ? `Conv2D ${JSON.stringify(k.inputShapes)}` : k.name;
          agg[key] = (agg[key] ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0) / 2;
        }
      }
      x.dispose();
    }
  }
  const out = names.map((nm) => ({ impl: nm, medianMs: median(ms.get(nm)!), ms: ms.get(nm), losses: losses.get(nm) }));
  for (const { m, opt } of models) {
    tf.dispose(m.vars);
    opt.dispose();
  }
  return { out, mem, profiles };
}
