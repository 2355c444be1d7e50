/**
 * Conv-4 embedding through tfjs-backend-webgpu on Dawn (Node, no browser), for a GPU server: the engine's
 * own embedder (src/engine/fewshot), 100 images at 224x224x3 and 84x84x3, tfjs's conv2d + maxPool against
 * the fused conv-bias-ReLU-pool kernel in several tilings, each checked against tfjs's output.
 *
 * Two timings per variant, medians: `latencyMs` (one forward, then a 1-value readback: what the engine
 * pays per batch) and `throughputMs` (10 forwards queued, one readback, divided by 10). The PyTorch
 * reference (conv4_cuda.py) reports the same two.
 *
 * Then meta-training steps/s (the engine's train step, 5-way 5-shot 15-query) at 84 and 224; `--no-train` skips
 * them, `--only-train` skips the embedding, `--train-rounds N` sets the timed steps, `--profile` adds one
 * step's kernel times.
 *
 * Usage: node bench.mjs <out.json> [--quick] [--backend cpu] [--batch 100]   (bundle: bash bench/gpu/build.sh)
 * `--backend cpu` runs the harness on tfjs's CPU backend (no fused variants): a dry run on a machine
 * without a GPU.
 */
import { writeFileSync } from 'node:fs';
import { create, globals } from 'webgpu';

// tfjs-backend-webgpu probes navigator.gpu when it is imported: install Dawn first.
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });

const args = process.argv.slice(2);
const outPath = args.find((a) => !a.startsWith('--')) ?? 'embed-dawn.json';
const quick = args.includes('--quick');
const backendArg = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'webgpu';
const batch = args.includes('--batch') ? Number(args[args.indexOf('--batch') + 1]) : 100;

const tf = await import('@tensorflow/tfjs');
const { registerWebGPU, webgpuAdapter, gpuErrors } = await import('../../src/engine/backends/webgpu');
const { createEncoder } = await import('../../src/engine/fewshot/encoders/registry');
const { timeTrainStep } = await import('../../src/engine/fewshot/probes');
const { blockLabels, maxRelDiff } = await import('../../src/engine/fewshot/probe-math');
const { protoLoss } = await import('../../src/engine/fewshot/loss');
const onlyTrain = args.includes('--only-train');
const trainRounds = args.includes('--train-rounds') ? Number(args[args.indexOf('--train-rounds') + 1]) : undefined;
const { convBiasReluPool, convPoolSharedBytes, convPoolThreads } = await import('../../src/engine/webgpu/conv-pool');
type Tiling = { pt: number; cpt: number; chunk?: number };
type Choice = 'tfjs' | Tiling;

const report: Record<string, unknown> = { started: new Date().toISOString(), node: process.version };
const save = (): void => writeFileSync(outPath, JSON.stringify(report, null, 1));
const log = (s: string): void => console.log(s);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function settle(t: import('@tensorflow/tfjs').Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  await one.data();
  one.dispose();
}

function seeded(shape: number[], seed: number): import('@tensorflow/tfjs').Tensor {
  // xorshift: the same input on every run and backend.
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    v[i] = (s >>> 0) / 4294967296;
  }
  return tf.tensor(v, shape);
}

async function main(): Promise<void> {
  if (backendArg === 'webgpu') registerWebGPU();
  const ok = await tf.setBackend(backendArg as string);
  if (!ok) throw new Error(`backend ${backendArg} failed to initialise`);
  await tf.ready();
  report.backend = tf.getBackend();
  report.adapter = webgpuAdapter();
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  const limits = device?.limits;
  report.limits = limits && {
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxBufferSize: limits.maxBufferSize,
  };
  log(`backend ${tf.getBackend()} adapter ${JSON.stringify(report.adapter)}`);
  save();

  const fits = (t: Tiling): boolean =>
    !limits ||
    (convPoolSharedBytes(t) <= limits.maxComputeWorkgroupStorageSize &&
      convPoolThreads(t) <= limits.maxComputeInvocationsPerWorkgroup);
  const tilings: Tiling[] = [
    { pt: 8, cpt: 16 },
    { pt: 8, cpt: 16, chunk: 8 },
    { pt: 8, cpt: 8 },
    { pt: 8, cpt: 8, chunk: 8 },
    { pt: 4, cpt: 16 },
    { pt: 4, cpt: 16, chunk: 8 },
    { pt: 4, cpt: 8 },
    { pt: 8, cpt: 32 },
    { pt: 8, cpt: 32, chunk: 8 },
    { pt: 4, cpt: 32 },
    { pt: 16, cpt: 16 },
    { pt: 16, cpt: 32 },
  ].filter(fits);
  report.tilings = tilings;
  const choices: Choice[] = tf.getBackend() === 'webgpu' ? ['tfjs', ...tilings] : ['tfjs'];
  const rounds = quick ? 3 : 25;
  const name = (c: Choice): string => (c === 'tfjs' ? 'tfjs' : `fused-${c.pt}x${c.cpt}x${c.chunk ?? 4}`);

  const results: Record<string, unknown>[] = [];
  report.embedding = results;
  for (const size of onlyTrain ? [] : [224, 84]) {
    const config = { name: 'conv4-untrained' as const, inputSize: size, channels: 3 as const, seed: 1 };
    const enc = createEncoder(config);
    const x = seeded([batch, size, size, 3], 7) as import('@tensorflow/tfjs').Tensor4D;
    let reference: Float32Array | null = null;
    for (const choice of size === 224 ? choices : choices.slice(0, 2)) {
      const row: Record<string, unknown> = {
        size,
        batch,
        variant: name(choice),
        gflopPerBatch: (enc.cost.flops * batch) / 1e9,
      };
      results.push(row);
      try {
        const emb = await enc.embedder({ convPool: choice });
        const t0 = performance.now();
        const first = emb.embed(x);
        const values = (await first.data()) as Float32Array;
        row.warmupMs = performance.now() - t0;
        first.dispose();
        if (!reference) reference = values;
        row.relDiffVsTfjs = maxRelDiff(values, reference);
        const lat: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const s = performance.now();
          const y = emb.embed(x);
          await settle(y);
          y.dispose();
          lat.push(performance.now() - s);
        }
        const thr: number[] = [];
        for (let r = 0; r < Math.max(3, rounds / 5); r++) {
          const s = performance.now();
          const ys = Array.from({ length: 10 }, () => emb.embed(x));
          await settle(ys[9]!);
          ys.forEach((y) => y.dispose());
          thr.push((performance.now() - s) / 10);
        }
        row.latencyMs = median(lat);
        row.throughputMs = median(thr);
        row.tflops = (enc.cost.flops * batch) / 1e12 / (median(thr) / 1000);
        emb.dispose();
        log(
          `${size} ${name(choice)}: latency ${median(lat).toFixed(2)} ms, throughput ${median(thr).toFixed(2)} ms/batch, diff ${(row.relDiffVsTfjs as number).toExponential(1)}`,
        );
      } catch (e) {
        row.error = String(e);
        log(`${size} ${name(choice)}: ${String(e)}`);
      }
      row.gpuErrors = gpuErrors.splice(0);
      save();
    }
    x.dispose();
    enc.dispose();
  }

  // Where the time goes: each block alone at 224 (100 images), tfjs conv2d + maxPool vs the fused default.
  if (tf.getBackend() === 'webgpu' && !onlyTrain) {
    const blocks: Record<string, unknown>[] = [];
    report.blocks224 = blocks;
    let side = 224;
    let cin = 3;
    for (let b = 0; b < 4; b++) {
      const x = seeded([batch, side, side, cin], 11 + b) as import('@tensorflow/tfjs').Tensor4D;
      const w = tf.mul(seeded([3, 3, cin, 64], 21 + b), 0.1) as import('@tensorflow/tfjs').Tensor4D;
      const bias = seeded([64], 31 + b) as import('@tensorflow/tfjs').Tensor1D;
      const impls: [string, () => import('@tensorflow/tfjs').Tensor][] = [
        [
          'tfjs',
          () =>
            tf.tidy(() =>
              tf.maxPool(
                tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias, activation: 'relu' }),
                2,
                2,
                'valid',
              ),
            ),
        ],
        ...tilings.map((t): [string, () => import('@tensorflow/tfjs').Tensor] => [
          name(t),
          () => convBiasReluPool(x, w, bias, t),
        ]),
      ];
      for (const [label, f] of impls) {
        const warm = f();
        await settle(warm);
        warm.dispose();
        const thr: number[] = [];
        for (let r = 0; r < Math.max(3, rounds / 5); r++) {
          const s = performance.now();
          const ys = Array.from({ length: 10 }, f);
          await settle(ys[9]!);
          ys.forEach((y) => y.dispose());
          thr.push((performance.now() - s) / 10);
        }
        const flops = 2 * side * side * 9 * cin * 64 * batch;
        blocks.push({
          block: b + 1,
          side,
          cin,
          impl: label,
          ms: median(thr),
          tflops: flops / 1e12 / (median(thr) / 1000),
        });
        log(`block ${b + 1} (${side}, cin ${cin}) ${label}: ${median(thr).toFixed(3)} ms`);
      }
      x.dispose();
      w.dispose();
      bias.dispose();
      side = Math.floor(side / 2);
      cin = 64;
      save();
    }
  }
  // Meta-training steps (the engine's training step: Conv-4 in train mode, ProtoNet loss, Adam), 5-way
  // 5-shot 15-query, a new seeded batch each step, as bench/reference and conv4_cuda.py.
  if (!args.includes('--no-train')) {
    const train: Record<string, unknown>[] = [];
    report.train = train;
    for (const size of [84, 224]) {
      const row: Record<string, unknown> = { size, way: 5, shot: 5, query: 15 };
      train.push(row);
      try {
        const r = await timeTrainStep(
          { name: 'conv4', inputSize: size, channels: 3, seed: 1 },
          { way: 5, shot: 5, query: 15 },
          trainRounds ?? (quick ? 2 : size === 84 ? 8 : 4),
        );
        Object.assign(row, {
          warmupMs: r.warmupMs,
          medianMs: r.medianMs,
          stepsPerSecond: r.stepsPerSecond,
          ms: r.ms,
          losses: r.losses,
        });
        log(
          `train ${size}: ${r.medianMs.toFixed(1)} ms/step (${r.stepsPerSecond.toFixed(1)} steps/s), warm-up ${r.warmupMs.toFixed(0)} ms`,
        );
      } catch (e) {
        row.error = String(e);
        log(`train ${size}: ${String(e)}`);
      }
      row.gpuErrors = gpuErrors.splice(0);
      save();
    }
  }
  // Where a training step's time goes: one step at 84 under tf.profile, kernel time summed per kernel name
  // (GPU timestamps where the adapter offers them).
  if (args.includes('--profile')) {
    const enc = createEncoder({ name: 'conv4', inputSize: 84, channels: 3, seed: 1 });
    const opt = tf.train.adam(1e-3);
    const sl = blockLabels(5, 5);
    const ql = blockLabels(5, 15);
    const x = seeded([100, 84, 84, 3], 3) as import('@tensorflow/tfjs').Tensor4D;
    const stepOnce = (): void => {
      const cost = opt.minimize(() => protoLoss(enc.forwardTrain(x), sl, ql, 5).loss, true, enc.variables());
      cost?.dispose();
    };
    stepOnce();
    const perKernel: Record<string, number> = {};
    try {
      const prof = await tf.profile(stepOnce);
      for (const k of prof.kernels) {
        const ms = await Promise.resolve(k.kernelTimeMs as number | Promise<number | { error: string }>);
        if (typeof ms === 'number') perKernel[k.name] = (perKernel[k.name] ?? 0) + ms;
      }
      report.trainProfile84 = Object.fromEntries(Object.entries(perKernel).sort((a, b) => b[1] - a[1]));
      log(`profile: ${JSON.stringify(report.trainProfile84).slice(0, 600)}`);
    } catch (e) {
      report.trainProfile84 = { error: String(e) };
    }
    x.dispose();
    opt.dispose();
    enc.dispose();
    save();
  }
  report.memory = tf.memory();
  report.finished = new Date().toISOString();
  save();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    report.fatal = String(e instanceof Error ? e.stack : e);
    save();
    console.error(e);
    process.exit(1);
  },
);
