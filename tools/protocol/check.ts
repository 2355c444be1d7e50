/**
 * ProtoBench's own arithmetic on a few pieces of a protocol plan, for the PyTorch reference trainer to compare
 * against (train_torch.py --check): tfjs under Node (cpu backend), the repository's code throughout.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx tools/protocol/check.ts --plan plan.json --out check.json
 *        [--backend wasm|cpu] [--steps 3] [--episodes 5] [--data DIR]
 *
 * `wasm` (default) is the browser's CPU path with ProtoBench's own SIMD kernels (Winograd convolutions, fused
 * BatchNorm-ReLU-pool, filter gradients; src/engine/wasm-simd/), which need Node's relaxed-SIMD flag above, on
 * one thread; `cpu` is tfjs's plain JavaScript backend (slow, any Node).
 *
 * Writes, for the plan's first training (repeat 0):
 * - `input`: the preprocessed batch of step 0 (src/engine/device-input.ts `uploadPixels` + `preprocess`);
 * - `embedInit`: eval-mode embeddings of that batch at the initial weights (the encoder's `embedder()`,
 *   BatchNorm folded as the engine does);
 * - `steps`: the loss and query accuracy of the first steps of training, as train.ts runs them
 *   (`optimizer.minimize` over `protoLoss(encoder.forwardTrain(x))`, tf.train.adam(lr)), and every weight after
 *   them (BatchNorm running statistics included);
 * - `episodes`: accuracy and AUROC of the first evaluation episodes of the first (target, K) at the initial
 *   weights (pack.ts, protonet.ts, metrics.ts as runCell scores them).
 */

import { openAsBlob, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Episode } from '../../src/core/sampling';
import { openHdf5Images, type Hdf5Images } from '../../src/data/medimeta/hdf5';
import { preprocess, uploadPixels } from '../../src/engine/device-input';
import { createEncoder } from '../../src/engine/fewshot/encoders/registry';
import { WEIGHTS_FORMAT, type EncoderConfig, type EncoderWeights } from '../../src/engine/fewshot/encoders/types';
import { protoLoss } from '../../src/engine/fewshot/loss';
import { episodeOutcome } from '../../src/engine/fewshot/metrics';
import { packEpisodes } from '../../src/engine/fewshot/pack';
import { protonetBlock, readBlock } from '../../src/engine/fewshot/protonet';
import { prepareSimdKernels } from '../../src/engine/wasm-simd/instance';
import type { PlanEpisode, PlanTensor, ProtocolPlan } from './build-plan';

function b64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function weightsOf(config: EncoderConfig, tensors: PlanTensor[]): EncoderWeights {
  return {
    format: WEIGHTS_FORMAT,
    version: 1,
    config,
    tensors: tensors.map((t) => ({ name: t.name, shape: t.shape, values: fromB64(t.base64) })),
  };
}

/** The plan's episode as the sampler's (labels are class positions, as the plan stores them). */
function asEpisode(ep: PlanEpisode, index: number): Episode {
  return {
    kind: 'single',
    index,
    way: ep.classes.length,
    classes: ep.classes,
    support: ep.support.map(([image, label]) => ({ image, label })),
    query: ep.query.map(([image, label]) => ({ image, label })),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const planPath = get('--plan');
  const out = get('--out');
  if (!planPath || !out)
    throw new Error(
      'usage: check.ts --plan plan.json --out check.json [--backend wasm|cpu] [--steps 3] [--episodes 5] [--data DIR]',
    );
  const nSteps = Number(get('--steps') ?? 3);
  const nEpisodes = Number(get('--episodes') ?? 5);
  const dataDir = get('--data');
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as ProtocolPlan;
  const backend = get('--backend') ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`--backend: wasm or cpu, found ${backend}`);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not start`);
  await tf.ready();
  let kernels: unknown = null;
  if (backend === 'wasm') {
    kernels = await prepareSimdKernels(tf.backend() as BackendWasm);
    console.error(`check: ProtoBench's wasm kernels: ${JSON.stringify(kernels)}`);
  }
  const size = plan.config.resolution;
  const opened = new Map<string, Hdf5Images>();
  const h5 = async (id: string): Promise<Hdf5Images> => {
    let h = opened.get(id);
    if (!h) {
      const d = plan.datasets.find((x) => x.id === id);
      if (!d) throw new Error(`plan has no dataset ${id}`);
      const folder = dataDir ? join(dataDir, id) : d.folder;
      h = await openHdf5Images(await openAsBlob(join(folder, 'images.hdf5')), `${id}/images.hdf5`);
      opened.set(id, h);
    }
    return h;
  };
  const batch = async (id: string, indices: number[]): Promise<tf.Tensor4D> => {
    const h = await h5(id);
    const bytes = h.height * h.width * h.channels;
    const px = new Uint8Array(indices.length * bytes);
    indices.forEach((i, k) => px.set(h.read(i, 1), k * bytes));
    const raw = uploadPixels(px, indices.length, h.height, h.width, h.channels);
    const x = preprocess(raw, { channels: 3, size });
    raw.dispose();
    return x;
  };

  const result: Record<string, unknown> = {
    format: 'protobench/protocol-check',
    version: 1,
    backend: tf.getBackend(),
    kernels,
  };
  const training = plan.trainings[0];
  const seed = training ? training.seed : plan.protocol.trainingSeeds[0];
  const init = plan.inits[String(seed)];
  if (!init) throw new Error('the plan has no initial weights (made with --no-weights, or a pixels-only config)');
  const config = { ...plan.encoder, seed } as EncoderConfig;

  if (training) {
    const first = training.steps[0];
    if (!first) throw new Error('the first training has no steps');
    const ds = (training.sources[first.source] as { dataset: string }).dataset;
    const idx = [...first.support, ...first.query].map((p) => p[0]);
    const x = await batch(ds, idx);
    const enc = createEncoder(config);
    enc.setWeights(weightsOf(config, init));
    const embedder = await enc.embedder();
    const e = embedder.embed(x);
    result.input = { dataset: ds, indices: idx, shape: x.shape, base64: b64((await x.data()) as Float32Array) };
    result.embedInit = { shape: e.shape, base64: b64((await e.data()) as Float32Array) };
    e.dispose();
    embedder.dispose();
    x.dispose();

    const optimizer = tf.train.adam(plan.config.training.lr);
    const steps: { step: number; loss: number; accuracy: number }[] = [];
    for (let s = 0; s < Math.min(nSteps, training.steps.length); s++) {
      const st = training.steps[s] as (typeof training.steps)[number];
      const src = training.sources[st.source] as { dataset: string; way: number };
      const xs = await batch(
        src.dataset,
        [...st.support, ...st.query].map((p) => p[0]),
      );
      const ys = Int32Array.from(st.support, (p) => p[1]);
      const yq = Int32Array.from(st.query, (p) => p[1]);
      const box = { acc: tf.scalar(0) };
      const cost = optimizer.minimize(
        () => {
          const emb = enc.forwardTrain(xs);
          const r = protoLoss(emb, ys, yq, src.way);
          box.acc.dispose();
          box.acc = tf.keep(r.accuracy);
          return r.loss;
        },
        true,
        enc.variables(),
      );
      const [l, a] = await Promise.all([(cost as tf.Scalar).data(), box.acc.data()]);
      steps.push({ step: s + 1, loss: l[0] as number, accuracy: a[0] as number });
      cost?.dispose();
      box.acc.dispose();
      xs.dispose();
      console.error(`check: step ${s + 1} loss ${l[0]}`);
    }
    const after = await enc.getWeights();
    result.steps = steps;
    result.weightsAfter = after.tensors.map((t) => ({ name: t.name, shape: t.shape, base64: b64(t.values) }));
    optimizer.dispose();
    enc.dispose();
  }

  const ev = plan.eval.find((x) => x.episodes.length > 0);
  if (ev) {
    const eps = ev.episodes.slice(0, nEpisodes).map(asEpisode);
    const union = [...new Set(eps.flatMap((e) => [...e.support, ...e.query].map((i) => i.image)))];
    const enc = createEncoder({
      ...config,
      name: config.name === 'conv4' ? 'conv4-untrained' : config.name,
    } as EncoderConfig);
    const embedder = await enc.embedder();
    const x = await batch(ev.target.dataset, union);
    const emb = embedder.embed(x);
    const row = new Map(union.map((img, i) => [img, i]));
    const block = packEpisodes(eps, (img) => row.get(img) as number);
    const o = await readBlock(protonetBlock(emb, block));
    const outcomes = eps.map((ep, i) => episodeOutcome(ep, i, block, o));
    result.episodes = {
      target: ev.target,
      k: ev.k,
      seed,
      accuracy: outcomes.map((x) => x.accuracy),
      auroc: outcomes.map((x) => x.auroc),
    };
    emb.dispose();
    x.dispose();
    embedder.dispose();
    enc.dispose();
  }
  for (const h of opened.values()) h.close();
  writeFileSync(out, JSON.stringify(result));
  console.error(`check: wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(`check: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
