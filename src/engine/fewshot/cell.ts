import * as tf from '@tensorflow/tfjs';
import {
  DEFAULT_EPISODE_COUNT,
  planEpisodes,
  uniqueImages,
  type ClassCount,
  type Episode,
  type EpisodeSpec,
} from '../../core/sampling';
import { summarize, type Summary } from '../../core/stats';
import type { FinetuneSettings, MethodChoice } from '../../core/config/types';
import type { SplitName } from '../../core/types';
import type { ImageSource } from '../compute-service';
import type { EnvironmentReport } from '../environment';
import { addEmbedTimings, embedStream, emptyEmbedTimings, type EmbedTimings } from './embed';
import { createEncoder, encoderCost } from './encoders/registry';
import type { Embedder, Encoder, EncoderConfig, EncoderWeights } from './encoders/types';
import { embedChunk, episodeBlock, maxTensorBytes } from './limits';
import { episodeOutcome, PerClassTally, type EpisodeOutcome } from './metrics';
import { blockDims, packEpisodes, type BlockDims } from './pack';
import { evaluatorFor, isFrozenMethod } from './evaluators/registry';
import { runFinetunePath } from './finetune-cell';
import type { BlockEvaluator } from './evaluators/types';
import { loadTaskView, type ViewOverride } from './task-view';

/** What the engine needs from its host (the compute service). */
export interface EngineContext {
  source: ImageSource;
  env: EnvironmentReport | undefined;
  /** Throws when the device reported an error since the last call. */
  check: () => void;
  /**
   * Called at every await boundary: yields to the event loop (so a queued cancel is delivered), then
   * throws an AbortError when the call was cancelled (abort.ts) or `check` would throw.
   */
  checkpoint: () => Promise<void>;
}

/** One cell of a benchmark matrix: episodes of one (dataset, task, split, spec) through one encoder. */
export interface CellRequest {
  datasetId: string;
  taskName: string;
  split: SplitName;
  spec: EpisodeSpec;
  /** Episodes to run (default: the mode's reference count, 600 / 100 / 600). */
  episodes?: number;
  /** Index of the first episode (episodes are a pure function of their index). */
  firstEpisode?: number;
  encoder: EncoderConfig;
  /** How each episode is adapted and scored (evaluators/registry.ts; default `protonet`). */
  method?: MethodChoice;
  /** The `finetune` method's settings (default: DEFAULT_FINETUNE). */
  finetune?: FinetuneSettings;
  /** Trained weights (from trainEncoder); without them the encoder runs at its seeded init. */
  weights?: EncoderWeights;
  /** `cached` (default): embed the union of images once, evaluate blocks. `naive`: embed per episode. */
  path?: 'cached' | 'naive';
  /** Episodes per device evaluation and read-back (default 100; smaller if the rows would not fit). */
  blockSize?: number;
  /** Images per embedding call (default 100; smaller where the backend's limits demand it). */
  embedBatch?: number;
  /** Return every episode's predictions and scores (backend comparisons, agreement tests). */
  detail?: boolean;
  /** Labels and indices given directly (pattern datasets in benchmarks); see ViewOverride. */
  view?: ViewOverride;
  /** `ComputeService.cancel(token)` aborts this call (and every other call started with the token). */
  cancelToken?: string;
}

export interface CellTimings {
  totalMs: number;
  /** Labels, splits, episode plan. */
  planMs: number;
  /** Waiting for the data worker's pixels. */
  loadMs: number;
  /** First embedding chunk (kernel compilation, operator setup) and its images. */
  embedWarmupMs: number;
  embedWarmupImages: number;
  /** Every other chunk. */
  embedMs: number;
  /** Batched ProtoNet on the device, read-backs, and per-episode metrics on the CPU. */
  episodesMs: number;
  images: number;
  embedChunk: number;
  embedChunks: number;
  blockSize: number;
  blocks: number;
  /** Steady-state embedding throughput (images after the warm-up chunk / embedMs). */
  embedImagesPerSecond: number;
  /** embedImagesPerSecond x the encoder's FLOPs per image. */
  embedGflops: number;
}

export interface CellResult {
  datasetId: string;
  taskName: string;
  split: SplitName;
  spec: EpisodeSpec;
  firstEpisode: number;
  episodes: number;
  kind: Episode['kind'];
  encoder: EncoderConfig;
  method: MethodChoice;
  weights: 'seed-init' | 'provided';
  dim: number;
  backend: string;
  path: 'cached' | 'naive';
  accuracy: Summary;
  auroc: Summary;
  /** Accuracy per class (label) value over every query of every episode, ascending by value. */
  perClass: { value: number; name: string; accuracy: number; decisions: number }[];
  perEpisode: { accuracy: number[]; auroc: number[] };
  /** Classes the sampler left out for lack of images. */
  dropped: ClassCount[];
  timings: CellTimings;
  /** tf.memory() before the cell and after everything it made was disposed. */
  memory: { before: { numTensors: number; numBytes: number }; after: { numTensors: number; numBytes: number } };
  detail?: EpisodeOutcome[];
  /** `finetune`: each episode's support loss before every step. */
  finetuneLosses?: number[][];
}

export interface CellProgress {
  phase: 'embed' | 'episodes';
  done: number;
  total: number;
}

/** The encoder of a request, with its weights loaded. Dispose it. */
export function encoderFor(config: EncoderConfig, weights: EncoderWeights | undefined): Encoder {
  const encoder = createEncoder(config);
  try {
    if (weights) {
      if (config.name === 'conv4-untrained')
        throw new Error('conv4-untrained is the seeded init: use conv4 with trained weights');
      encoder.setWeights(weights);
    }
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  return encoder;
}

/**
 * Groups of consecutive episodes whose union of images fits the embedding budget (usually one group:
 * a 1000-image split at D = 12544 is 50 MB).
 */
function groupByUnion(episodes: readonly Episode[], dim: number, budgetBytes: number): Episode[][] {
  const maxImages = Math.max(1, Math.floor(budgetBytes / (4 * dim)));
  const groups: Episode[][] = [];
  let cur: Episode[] = [];
  const seen = new Set<number>();
  for (const ep of episodes) {
    const imgs = [...ep.support, ...ep.query].map((x) => x.image);
    const fresh = imgs.filter((i) => !seen.has(i)).length;
    if (cur.length > 0 && seen.size + fresh > maxImages) {
      groups.push(cur);
      cur = [];
      seen.clear();
    }
    cur.push(ep);
    for (const i of imgs) seen.add(i);
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

/**
 * The cell's episodes as groups (one embedding cache each) of blocks (one device evaluation and read-back
 * each). Both paths use the same plan, so an episode is padded alike in both.
 */
function planBlocks(
  episodes: readonly Episode[],
  dim: number,
  env: EnvironmentReport | undefined,
  wanted: number,
): Episode[][][] {
  // Half the largest tensor for the cache: the concat of its pieces briefly needs twice that.
  return groupByUnion(episodes, dim, maxTensorBytes(env) / 2).map((group) => {
    let rows = 0;
    for (const ep of group) rows = Math.max(rows, ep.support.length + ep.query.length);
    const size = episodeBlock(rows, dim, env, wanted);
    const blocks: Episode[][] = [];
    for (let start = 0; start < group.length; start += size) blocks.push(group.slice(start, start + size));
    return blocks;
  });
}

/** The method on one block against `embeddings` ([U, D]; `rowOf` maps an image to its row). */
async function evaluateBlock(
  ctx: EngineContext,
  evaluator: BlockEvaluator,
  embeddings: tf.Tensor2D,
  episodes: readonly Episode[],
  rowOf: (image: number) => number,
  dims?: BlockDims,
): Promise<EpisodeOutcome[]> {
  const block = packEpisodes(episodes, rowOf, dims);
  const out = await evaluator.evaluate(embeddings, block, episodes);
  await ctx.checkpoint();
  return episodes.map((ep, e) => episodeOutcome(ep, e, block, out));
}

interface PathArgs {
  ctx: EngineContext;
  datasetId: string;
  plan: Episode[][][];
  embedder: Embedder;
  encoder: Encoder;
  evaluator: BlockEvaluator;
  chunk: number;
  timings: EmbedTimings;
  total: number;
  onProgress?: (p: CellProgress) => void;
}

function rowMap(images: Uint32Array): (image: number) => number {
  const row = new Map<number, number>();
  images.forEach((img, i) => row.set(img, i));
  return (img) => row.get(img) as number;
}

/** The embedding cache: each group's union of images is embedded once, then its blocks are evaluated. */
async function runCached(a: PathArgs): Promise<{ outcomes: EpisodeOutcome[]; episodesMs: number }> {
  const outcomes: EpisodeOutcome[] = [];
  let episodesMs = 0;
  for (const group of a.plan) {
    const union = uniqueImages(group.flat());
    const { embeddings, timings } = await embedStream(a.ctx.source, a.datasetId, union, a.embedder, {
      inputSize: a.encoder.config.inputSize,
      channels: a.encoder.config.channels,
      chunk: a.chunk,
      check: a.ctx.check,
      checkpoint: a.ctx.checkpoint,
      onChunk: (done) => a.onProgress?.({ phase: 'embed', done, total: union.length }),
    });
    addEmbedTimings(a.timings, timings);
    try {
      const rowOf = rowMap(union);
      const t0 = performance.now();
      for (const block of group) {
        outcomes.push(...(await evaluateBlock(a.ctx, a.evaluator, embeddings, block, rowOf)));
        a.onProgress?.({ phase: 'episodes', done: outcomes.length, total: a.total });
      }
      episodesMs += performance.now() - t0;
    } finally {
      embeddings.dispose();
    }
  }
  return { outcomes, episodesMs };
}

/** The reference path: every episode embeds its own images (no cache) and is evaluated on its own. */
async function runNaive(a: PathArgs): Promise<{ outcomes: EpisodeOutcome[]; episodesMs: number }> {
  const outcomes: EpisodeOutcome[] = [];
  let episodesMs = 0;
  for (const block of a.plan.flat()) {
    const dims = blockDims(block);
    for (const ep of block) {
      const imgs = Uint32Array.from([...ep.support, ...ep.query], (x) => x.image);
      const { embeddings, timings } = await embedStream(a.ctx.source, a.datasetId, imgs, a.embedder, {
        inputSize: a.encoder.config.inputSize,
        channels: a.encoder.config.channels,
        chunk: a.chunk,
        check: a.ctx.check,
        checkpoint: a.ctx.checkpoint,
      });
      addEmbedTimings(a.timings, timings);
      try {
        const t0 = performance.now();
        // Evaluated as a block of the cached path's shape (the episode repeated): tfjs-wasm's batched
        // matmul takes another code path, with another summation order, for a batch of one.
        const same = await evaluateBlock(
          a.ctx,
          a.evaluator,
          embeddings,
          new Array<Episode>(block.length).fill(ep),
          rowMap(imgs),
          dims,
        );
        outcomes.push(same[0] as EpisodeOutcome);
        episodesMs += performance.now() - t0;
      } finally {
        embeddings.dispose();
      }
      a.onProgress?.({ phase: 'episodes', done: outcomes.length, total: a.total });
    }
  }
  return { outcomes, episodesMs };
}

interface MethodRun {
  outcomes: EpisodeOutcome[];
  episodesMs: number;
  blocks: number;
  blockSize: number;
  chunk: number;
  dim: number;
  /** Fine-tune: every episode's loss curve. */
  losses?: number[][];
}

/** The frozen-embedding methods: embed the episodes' images (cached or per episode), then score blocks. */
async function runFrozen(
  ctx: EngineContext,
  req: CellRequest,
  episodes: Episode[],
  timings: EmbedTimings,
  onProgress?: (p: CellProgress) => void,
): Promise<MethodRun> {
  const path = req.path ?? 'cached';
  const encoder = encoderFor(req.encoder, req.weights);
  try {
    const plan = planBlocks(episodes, encoder.cost.dim, ctx.env, req.blockSize ?? 100);
    const chunk = embedChunk(encoder.cost, ctx.env, req.embedBatch ?? 100);
    const embedder = await encoder.embedder();
    try {
      await ctx.checkpoint();
      const args: PathArgs = {
        ctx,
        datasetId: req.datasetId,
        plan,
        embedder,
        encoder,
        evaluator: evaluatorFor(req.method ?? 'protonet'),
        chunk,
        timings,
        total: episodes.length,
        onProgress,
      };
      const r = path === 'cached' ? await runCached(args) : await runNaive(args);
      const blocks = plan.flat();
      return {
        ...r,
        blocks: path === 'cached' ? blocks.length : episodes.length,
        blockSize: Math.max(...blocks.map((b) => b.length)),
        chunk,
        dim: encoder.cost.dim,
      };
    } finally {
      embedder.dispose();
    }
  } finally {
    encoder.dispose();
  }
}

/** The episodes through the request's method: frozen embeddings, or a fine-tune per episode. */
async function runMethod(
  ctx: EngineContext,
  req: CellRequest,
  episodes: Episode[],
  timings: EmbedTimings,
  onProgress?: (p: CellProgress) => void,
): Promise<MethodRun> {
  if (isFrozenMethod(req.method ?? 'protonet')) return runFrozen(ctx, req, episodes, timings, onProgress);
  const total = episodes.length;
  const r = await runFinetunePath(ctx, { ...req, seed: req.spec.seed }, episodes, (done) =>
    onProgress?.({ phase: 'episodes', done, total }),
  );
  timings.loadMs += r.loadMs;
  return { ...r, blocks: total, blockSize: 1, chunk: 0 };
}

/**
 * Run one cell: plan the episodes, embed their images, evaluate every episode, summarise. Everything it
 * puts on the device is disposed before it returns (`memory` in the result shows it).
 */
export async function runCell(
  ctx: EngineContext,
  req: CellRequest,
  onProgress?: (p: CellProgress) => void,
): Promise<CellResult> {
  const m0 = tf.memory();
  const t0 = performance.now();
  const { view } = await loadTaskView(ctx.source, req.datasetId, req.taskName, req.split, req.view);
  await ctx.checkpoint();
  const episodePlan = planEpisodes(view, req.spec);
  const count = req.episodes ?? DEFAULT_EPISODE_COUNT[req.spec.mode];
  const first = req.firstEpisode ?? 0;
  const episodes = episodePlan.episodes(first, count);
  const planMs = performance.now() - t0;
  if (episodes.length === 0) throw new Error('runCell: no episodes requested');

  const path = req.path ?? 'cached';
  const timings = emptyEmbedTimings();
  const result = await runMethod(ctx, req, episodes, timings, onProgress);

  const tally = new PerClassTally();
  episodes.forEach((ep, i) => tally.add(ep, result.outcomes[i] as EpisodeOutcome));
  const acc = result.outcomes.map((o) => o.accuracy);
  const au = result.outcomes.map((o) => o.auroc);
  const steadyImages = timings.images - timings.warmupImages;
  const ips = timings.embedMs > 0 ? (steadyImages / timings.embedMs) * 1000 : NaN;
  const m1 = tf.memory();
  return {
    datasetId: req.datasetId,
    taskName: view.task.name,
    split: req.split,
    spec: { ...req.spec },
    firstEpisode: first,
    episodes: episodes.length,
    kind: episodePlan.kind,
    encoder: structuredClone(req.encoder),
    method: req.method ?? 'protonet',
    weights: req.weights ? 'provided' : 'seed-init',
    dim: result.dim,
    backend: tf.getBackend(),
    path,
    accuracy: summarize(acc),
    auroc: summarize(au),
    perClass: tally.result(),
    perEpisode: { accuracy: acc, auroc: au },
    dropped: [...episodePlan.dropped],
    timings: {
      totalMs: performance.now() - t0,
      planMs,
      loadMs: timings.loadMs,
      embedWarmupMs: timings.warmupMs,
      embedWarmupImages: timings.warmupImages,
      embedMs: timings.embedMs,
      episodesMs: result.episodesMs,
      images: timings.images,
      embedChunk: result.chunk,
      embedChunks: timings.chunks,
      blockSize: result.blockSize,
      blocks: result.blocks,
      embedImagesPerSecond: ips,
      embedGflops: (ips * encoderCost(req.encoder).flops) / 1e9,
    },
    memory: {
      before: { numTensors: m0.numTensors, numBytes: m0.numBytes },
      after: { numTensors: m1.numTensors, numBytes: m1.numBytes },
    },
    ...(req.detail ? { detail: result.outcomes } : {}),
    ...(result.losses ? { finetuneLosses: result.losses } : {}),
  };
}
