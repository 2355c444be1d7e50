import * as tf from '@tensorflow/tfjs';
import { checksum } from '../core/checksum';
import type { Episode } from '../core/sampling';
import type { DatasetInfo, SplitIndices, TaskLabels } from '../core/types';
import { initBackend } from './backends/select';
import { gpuErrors } from './backends/webgpu';
import { preprocess, toInt, uploadPixels } from './device-input';
import type { BackendRequest, EnvironmentReport } from './environment';
import { AbortRegistry, type AbortFlag } from './fewshot/abort';
import { runCell, type CellProgress, type CellRequest, type CellResult, type EngineContext } from './fewshot/cell';
import { createEncoder, encoderCost } from './fewshot/encoders/registry';
import type {
  EmbedderOptions,
  EncoderConfig,
  EncoderCost,
  EncoderWeights,
  WeightTensor,
} from './fewshot/encoders/types';
import type { EpisodeOutcome } from './fewshot/metrics';
import {
  convPoolCheck,
  encoderGradients,
  filterGradCheck,
  winogradCheck,
  type ConvPoolCase,
  protonetOnEmbeddings,
  timeEmbedding,
  timeTrainStep,
  type SpeedReport,
  type StepReport,
} from './fewshot/probes';
import {
  loadStoredWeights,
  trainOrReuse,
  type StoredTrainProgress,
  type StoredTrainRequest,
  type StoredTrainResult,
  type StoredWeights,
} from './weights';

/** The slice of the data worker the compute worker uses (over a MessagePort). */
export interface ImageSource {
  /** The manifest (its `fingerprint` keys stored weights). */
  getDataset(id: string): Promise<DatasetInfo & { fingerprint?: string }>;
  listDatasets(): Promise<DatasetInfo[]>;
  getLabels(id: string, task: string): Promise<TaskLabels>;
  getSplits(id: string): Promise<SplitIndices>;
  openStream(id: string, indices: Uint32Array, batchSize: number, prefetch?: number): Promise<number>;
  nextBatch(streamId: number): Promise<{ offset: number; indices: Uint32Array; pixels: Uint8Array } | null>;
  closeStream(streamId: number): Promise<void> | void;
  /** The data worker's trained-weights store (src/data/weights); without it, weights are never stored. */
  getStoredWeights?(key: string): Promise<StoredWeights | undefined>;
  putWeights?(record: StoredWeights): Promise<boolean>;
}

export interface StreamOptions {
  batchSize?: number;
  prefetch?: number;
  /** Run preprocess (cast, scale, channels, resize) on each batch too. */
  preprocess?: { channels: 1 | 3; size: number };
  /** Read the device tensor back and checksum its bytes (integrity tests). */
  verify?: boolean;
}

export interface StreamResult {
  images: number;
  /** FNV-1a over the bytes read back from the device, in request order (only with `verify`). */
  checksum: number | null;
  ms: number;
  /** Time spent waiting for the data worker. */
  waitMs: number;
  batches: number;
  tensorsBefore: number;
  tensorsAfter: number;
}

export interface MemoryReport {
  numTensors: number;
  numBytes: number;
  numDataBuffers: number;
}

/**
 * Everything the compute worker does, with no worker plumbing: owns TensorFlow.js, initialises the
 * backend, turns streamed pixels into device tensors. workers/compute.worker.ts exposes it.
 */
export class ComputeService {
  private env: EnvironmentReport | undefined;
  private source: ImageSource | undefined;
  private readonly calls = new AbortRegistry();

  async init(requested: BackendRequest, opts: { wasmThreads?: number } = {}): Promise<EnvironmentReport> {
    if (this.env) {
      if (this.env.requested !== requested)
        throw new Error(`Backend already initialised as ${this.env.backend}; reload to change it`);
      return this.env;
    }
    this.env = await initBackend(requested, opts);
    return this.env;
  }

  environment(): EnvironmentReport | undefined {
    return this.env;
  }

  setSource(source: ImageSource): void {
    this.source = source;
  }

  memory(): MemoryReport {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers };
  }

  /**
   * Stream `indices` of a dataset onto the device, batch by batch, disposing each batch when done.
   * With `verify`, every batch is read back and checksummed: the end-to-end integrity check.
   */
  async streamToDevice(datasetId: string, indices: Uint32Array, opts: StreamOptions = {}): Promise<StreamResult> {
    const source = this.requireSource();
    const ds = await source.getDataset(datasetId);
    const tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    const sid = await source.openStream(datasetId, indices, opts.batchSize ?? 64, opts.prefetch ?? 2);
    let waitMs = 0;
    let images = 0;
    let batches = 0;
    let h = 0x811c9dc5;
    try {
      for (;;) {
        const w0 = performance.now();
        const batch = await source.nextBatch(sid);
        waitMs += performance.now() - w0;
        if (!batch) break;
        const n = batch.indices.length;
        const raw = uploadPixels(batch.pixels, n, ds.height, ds.width, ds.channels);
        try {
          if (opts.verify) {
            const v = toInt(raw);
            h = checksum(await v.data(), h);
            v.dispose();
          }
          if (opts.preprocess) {
            const x = preprocess(raw, opts.preprocess);
            await x.data(); // wait for the device, so timings are honest
            x.dispose();
          }
        } finally {
          raw.dispose();
        }
        this.throwOnGpuError();
        images += n;
        batches++;
      }
    } finally {
      await source.closeStream(sid);
    }
    return {
      images,
      checksum: opts.verify ? h >>> 0 : null,
      ms: performance.now() - t0,
      waitMs,
      batches,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  }

  /** Preprocess images of a dataset and return the float output (tests of channel conversion and resize). */
  async preprocessImages(
    datasetId: string,
    indices: Uint32Array,
    opts: { channels: 1 | 3; size: number },
  ): Promise<Float32Array> {
    const source = this.requireSource();
    const ds = await source.getDataset(datasetId);
    const sid = await source.openStream(datasetId, indices, indices.length, 1);
    try {
      const batch = await source.nextBatch(sid);
      if (!batch) throw new Error(`preprocessImages: no images for ${indices.length} indices`);
      const raw = uploadPixels(batch.pixels, batch.indices.length, ds.height, ds.width, ds.channels);
      const x = preprocess(raw, opts);
      raw.dispose();
      const out = (await x.data()) as Float32Array;
      x.dispose();
      this.throwOnGpuError();
      return out;
    } finally {
      await source.closeStream(sid);
    }
  }

  // ---- Few-shot engine (src/engine/fewshot). Every method leaves tf.memory() as it found it. ----

  /** One benchmark cell: plan, stream, embed once (the cache), evaluate every episode in blocks, summarise. */
  async evaluateCell(req: CellRequest, onProgress?: (p: CellProgress) => void): Promise<CellResult> {
    return this.calls.run(req.cancelToken, (flag) => runCell(this.engine(flag), req, onProgress));
  }

  /** The same episodes with every episode's predictions and scores (backend and path comparisons). */
  async predictEpisodes(req: CellRequest): Promise<EpisodeOutcome[]> {
    const r = await this.calls.run(req.cancelToken, (flag) => runCell(this.engine(flag), { ...req, detail: true }));
    return r.detail ?? [];
  }

  /**
   * Episodic ProtoNet meta-training with Adam on source tasks, or the supervised rows' training
   * (src/engine/fewshot/supervised-train.ts); returns the (best) weights. With `store`,
   * weights stored under the request's key (src/engine/weights-key.ts) are loaded instead of training,
   * and newly trained weights are stored (src/engine/weights.ts); `weightsStore` says which happened.
   */
  async trainEncoder(
    req: StoredTrainRequest,
    onProgress?: (p: StoredTrainProgress) => void,
  ): Promise<StoredTrainResult> {
    return this.calls.run(req.cancelToken, (flag) =>
      trainOrReuse(this.engine(flag), this.requireSource(), this.env, req, onProgress),
    );
  }

  /**
   * Stored weights by key, checked to load into their encoder (built, loaded and disposed: tf.memory()
   * is left as it was). Undefined when none are stored under the key.
   */
  async loadStoredWeights(key: string): Promise<StoredWeights | undefined> {
    const source = this.requireSource();
    const r = await loadStoredWeights(source, key);
    if (r) await this.checkWeights(r.weights);
    return r;
  }

  /** Throws unless the weights load into the encoder their config names (tf.memory() unchanged). */
  async checkWeights(weights: EncoderWeights): Promise<MemoryReport> {
    const enc = createEncoder(weights.config);
    try {
      if (!enc.trainable) throw new Error(`${weights.config.name} has no weights to load`);
      enc.setWeights(weights);
    } finally {
      enc.dispose();
    }
    return this.memory();
  }

  /**
   * Abort the engine calls (evaluateCell, predictEpisodes, trainEncoder) started with `cancelToken` ===
   * `token`, or every one in flight when no token is given. Each rejects with an `AbortError` at its next
   * await boundary, after disposing what it allocated; a call started meanwhile waits for them to unwind.
   * Returns how many calls were flagged.
   */
  cancel(token?: string): number {
    return this.calls.cancel(token);
  }

  /** Embedding length, FLOPs, parameters and peak activation of an encoder (no tfjs work). */
  encoderInfo(config: EncoderConfig): EncoderCost {
    return encoderCost(config);
  }

  /** Seeded init weights of an encoder, as plain data. */
  async initialWeights(config: EncoderConfig): Promise<EncoderWeights> {
    const enc = createEncoder(config);
    try {
      return await enc.getWeights();
    } finally {
      enc.dispose();
    }
  }

  /** Embedding speed on a synthetic batch (benchmarks). */
  async timeEmbedding(
    config: EncoderConfig,
    batch: number,
    rounds: number,
    opts?: EmbedderOptions,
  ): Promise<SpeedReport> {
    return timeEmbedding(config, batch, rounds, opts);
  }

  /** The WebGPU 3x3 weight-gradient kernel against tfjs's Conv2DBackpropFilter (correctness tests). */
  async filterGradCheck(cases: { n: number; h: number; w: number; cin: number; cout: number }[]): Promise<number[]> {
    return filterGradCheck(cases);
  }

  /** Our wasm Winograd 3x3 convolution against tfjs's conv2d (correctness tests). */
  async winogradCheck(cases: { n: number; h: number; w: number; cin: number; cout: number }[]): Promise<number[]> {
    return winogradCheck(cases);
  }

  /** The fused WebGPU block kernel against tfjs's conv2d + maxPool (correctness tests). */
  async convPoolCheck(cases: ConvPoolCase[]): Promise<{ relDiff: number; shape: number[] }[]> {
    return convPoolCheck(cases);
  }

  /** Training-step speed on a synthetic episode, no data worker involved (benchmarks). */
  async timeTrainStep(
    config: EncoderConfig,
    episode: { way: number; shot: number; query: number },
    rounds: number,
  ): Promise<StepReport> {
    return timeTrainStep(config, episode, rounds);
  }

  /** Gradients of a seeded encoder on seeded input (custom conv gradient vs a backend's native one). */
  async encoderGradients(
    config: EncoderConfig,
    opts: Parameters<typeof encoderGradients>[1],
  ): Promise<{ loss: number; grads: WeightTensor[]; running: WeightTensor[] }> {
    return encoderGradients(config, opts);
  }

  /** The device ProtoNet on given embeddings (rows addressed by the episodes' image fields): golden tests. */
  async protonetOnEmbeddings(embeddings: Float32Array, dim: number, episodes: Episode[]): Promise<EpisodeOutcome[]> {
    return protonetOnEmbeddings(embeddings, dim, episodes);
  }

  private engine(flag: AbortFlag): EngineContext {
    const check = (): void => {
      flag.throwIfAborted();
      this.throwOnGpuError();
    };
    return {
      source: this.requireSource(),
      env: this.env,
      check,
      checkpoint: async () => {
        await flag.checkpoint();
        this.throwOnGpuError();
      },
    };
  }

  private requireSource(): ImageSource {
    if (!this.source) throw new Error('compute worker: no data source connected');
    return this.source;
  }

  private throwOnGpuError(): void {
    if (gpuErrors.length > 0) {
      const errs = gpuErrors.splice(0);
      throw new Error(`WebGPU device error (results of this batch are invalid): ${errs.join(' | ')}`);
    }
  }
}
