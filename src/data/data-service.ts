import { classCounts, type ClassCount } from '../core/class-counts';
import { imageBytes, type SplitIndices, type TaskLabels } from '../core/types';
import { writeDemo, type GenerateProgress, type GenerateResult } from './demo-writer';
import {
  runImport,
  type ConflictChoice,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
} from './import/import-job';
import type { ImportInput } from './import/inputs';
import { patternInfo, patternLabels, patternSplits, renderPattern } from './pattern';
import { downscaleToRgba, pickThumbnails } from './thumbnails';
import { Checker } from '../core/config/checker';
import { checkTestScore } from '../core/results/training';
import type { RunRecord } from '../core/results/types';
import { deleteRun, getRun, listRuns, putRun, runsForConfig, type RunSummary } from './runs/run-store';
import { auditStore, collectGarbage, type CleanupReport, type StoreAudit } from './store/cleanup';
import { openStore, writeRange, type DB } from './store/db';
import { StoreError } from './store/errors';
import { ShardReader, readLabels, readSplits } from './store/reader';
import type { DatasetManifest, StoredWeights, StoredWeightsInfo } from './store/schema';
import { ImageStream, type ImageBatch } from './store/stream';
import { DatasetWriter } from './store/writer';
import { decodeWeightsFile, encodeWeightsFile } from '../engine/weights-file';
import { keyDatasets, weightsKey, type WeightsKeyInput } from '../engine/weights-key';
import {
  auditWeights,
  deleteWeights,
  getWeights,
  getWeightsInfo,
  listWeights,
  pruneStaleWeights,
  putWeights,
  weightsBytes,
  weightsKeysOfDataset,
  type WeightsAudit,
} from './weights/weights-store';

export interface PatternSpec {
  id: string;
  numImages: number;
  channels: 1 | 3;
  seed: number;
  shardSize?: number;
  /** Abort after this many images (tests of interrupted writes): the write is rolled back. */
  failAfter?: number;
  /** Wait this long (ms) between chunks, so a test can interrupt a write mid-way. */
  throttleMs?: number;
}

export interface WriteProgress {
  dataset: string;
  images: number;
  totalImages: number;
}

export interface StoreStatus {
  cleanup: CleanupReport;
  usage?: number;
  quota?: number;
}

/**
 * Everything the data worker does, with no worker plumbing: owns the IndexedDB store, writes datasets
 * (demo, test pattern; imports later), and streams pixels by index. workers/data.worker.ts exposes it.
 */
export class DataService {
  private dbPromise: Promise<DB> | undefined;
  private readonly readers = new Map<string, ShardReader>();
  private readonly streams = new Map<number, ImageStream>();
  private nextStreamId = 1;
  private readonly imports = new Map<number, AbortController>();

  constructor(private readonly dbName?: string) {}

  private db(): Promise<DB> {
    this.dbPromise ??= openStore(this.dbName);
    return this.dbPromise;
  }

  /** Open the store and remove what interrupted writes left behind. */
  async init(): Promise<StoreStatus> {
    const db = await this.db();
    const cleanup = await collectGarbage(db);
    const est = await navigator.storage?.estimate?.();
    return { cleanup, usage: est?.usage, quota: est?.quota };
  }

  async listDatasets(): Promise<DatasetManifest[]> {
    const all = await (await this.db()).getAll('datasets');
    return all.sort((a, b) => a.domain.localeCompare(b.domain) || a.id.localeCompare(b.id));
  }

  async getDataset(id: string): Promise<DatasetManifest> {
    const m = await (await this.db()).get('datasets', id);
    if (!m) throw new StoreError(`No dataset with id "${id}" in the store`, 'invalid');
    return m;
  }

  async getLabels(id: string, task: string): Promise<TaskLabels> {
    return readLabels(await this.db(), await this.getDataset(id), task);
  }

  async getSplits(id: string): Promise<SplitIndices> {
    return readSplits(await this.db(), await this.getDataset(id));
  }

  /** Images per class and split for every task of a dataset (for the catalog). */
  async classCounts(id: string): Promise<Record<string, ClassCount[]>> {
    const db = await this.db();
    const m = await this.getDataset(id);
    const splits = await readSplits(db, m);
    const out: Record<string, ClassCount[]> = {};
    for (const t of m.tasks) out[t.name] = classCounts(t, await readLabels(db, m, t.name), splits);
    return out;
  }

  /**
   * A few images per class of the dataset's first task, box-downscaled 4x (224 -> 56) to RGBA, so a
   * person can see the data. The page draws them into canvases.
   */
  async thumbnails(
    id: string,
    perClass = 3,
  ): Promise<{ task: string; size: number; classes: { name: string; images: Uint8ClampedArray[] }[] }> {
    const db = await this.db();
    const m = await this.getDataset(id);
    const task = m.tasks[0];
    if (!task) return { task: '', size: 0, classes: [] };
    const picks = pickThumbnails(task, await readLabels(db, m, task.name), await readSplits(db, m), perClass);
    const reader = await this.reader(id);
    const per = imageBytes(m);
    const px = await reader.read(picks.flatMap((p) => p.indices));
    let k = 0;
    const classes = picks.map((p) => ({
      name: p.name,
      images: p.indices.map(() => downscaleToRgba(px.subarray(per * k, per * ++k), m.height, m.width, m.channels, 4)),
    }));
    return { task: task.name, size: Math.floor(m.width / 4), classes };
  }

  async deleteDataset(id: string): Promise<void> {
    const db = await this.db();
    const m = await this.getDataset(id);
    // Weights trained on it go in the same transaction: nothing can reuse them once it is gone.
    const tx = db.transaction(['datasets', 'shards', 'arrays', 'weights'], 'readwrite');
    const weights = tx.objectStore('weights');
    for (const key of await weights.index('byDataset').getAllKeys(id)) await weights.delete(key);
    await tx.objectStore('datasets').delete(id);
    await tx.objectStore('shards').delete(writeRange(m.writeId));
    await tx.objectStore('arrays').delete(writeRange(m.writeId));
    await tx.done;
    this.readers.delete(id);
  }

  async audit(): Promise<StoreAudit> {
    return auditStore(await this.db());
  }

  async generateDemo(
    seed = 1,
    opts: { force?: boolean } = {},
    onProgress?: (p: GenerateProgress) => void,
  ): Promise<GenerateResult> {
    const r = await writeDemo(await this.db(), seed, opts, onProgress);
    for (const id of r.written) this.readers.delete(id);
    if (r.written.length > 0) await pruneStaleWeights(await this.db());
    return r;
  }

  /**
   * Import MedIMeta datasets (zips, a picked folder, URLs). `jobId` is the caller's, so it can cancel
   * before the job ends. See import/import-job.ts for the guarantees.
   */
  async importDatasets(
    jobId: number,
    inputs: ImportInput[],
    options: ImportOptions,
    onProgress?: (p: ImportProgress) => void,
    onConflict?: (id: string, existing: DatasetManifest) => Promise<ConflictChoice>,
  ): Promise<ImportResult> {
    const ctl = new AbortController();
    this.imports.set(jobId, ctl);
    try {
      const r = await runImport(await this.db(), jobId, inputs, options, ctl.signal, { onProgress, onConflict });
      for (const m of r.imported) this.readers.delete(m.id);
      // A replaced dataset has a new fingerprint: weights trained on the old one can never be reused.
      if (r.imported.length > 0) await pruneStaleWeights(await this.db());
      return r;
    } finally {
      this.imports.delete(jobId);
    }
  }

  /** Stop an import: the dataset in progress is rolled back; ones finished before it stay. */
  cancelImport(jobId: number): boolean {
    const ctl = this.imports.get(jobId);
    ctl?.abort();
    return ctl !== undefined;
  }

  /** Write a hash-pattern dataset (integrity tests, benchmarks). */
  async writePattern(spec: PatternSpec, onProgress?: (p: WriteProgress) => void): Promise<DatasetManifest> {
    const info = patternInfo(spec.id, spec.numImages, spec.channels);
    const db = await this.db();
    const w = await DatasetWriter.begin(db, info, {
      replace: true,
      shardSize: spec.shardSize,
      provenance: { pattern: spec.seed },
    });
    try {
      const per = imageBytes(info);
      const chunk = 64;
      const buf = new Uint8Array(chunk * per);
      for (let start = 0; start < info.numImages; start += chunk) {
        const count = Math.min(chunk, info.numImages - start);
        for (let i = 0; i < count; i++) renderPattern(spec.seed, start + i, buf.subarray(i * per, (i + 1) * per));
        await w.appendImages(buf.subarray(0, count * per), count);
        onProgress?.({ dataset: info.id, images: start + count, totalImages: info.numImages });
        if (spec.failAfter !== undefined && start + count >= spec.failAfter) {
          throw new StoreError(`writePattern: stopped after ${start + count} images as asked (failAfter)`, 'aborted');
        }
        if (spec.throttleMs) await new Promise((r) => setTimeout(r, spec.throttleMs));
      }
      for (const [task, labels] of Object.entries(patternLabels(info.numImages))) w.setLabels(task, labels);
      w.setSplits(patternSplits(info));
      const m = await w.commit();
      this.readers.delete(m.id);
      await pruneStaleWeights(db);
      return m;
    } catch (e) {
      await w.abort();
      throw e;
    }
  }

  private async reader(id: string): Promise<ShardReader> {
    let r = this.readers.get(id);
    const m = await this.getDataset(id);
    if (!r || r.manifest.writeId !== m.writeId) {
      r = new ShardReader(await this.db(), m);
      this.readers.set(id, r);
    }
    return r;
  }

  /** Pixels of `indices` in request order (one-shot; for large requests use a stream). */
  async readImages(id: string, indices: Uint32Array): Promise<Uint8Array> {
    return (await this.reader(id)).read(indices);
  }

  /** Start streaming `indices` of dataset `id` in batches, reading `prefetch` batches ahead. */
  async openStream(id: string, indices: Uint32Array, batchSize: number, prefetch = 2): Promise<number> {
    const r = await this.reader(id);
    // A fresh reader per stream: its shard cache follows this stream's order only.
    const stream = new ImageStream(new ShardReader(await this.db(), r.manifest), indices, batchSize, prefetch);
    const sid = this.nextStreamId++;
    this.streams.set(sid, stream);
    return sid;
  }

  async nextBatch(streamId: number): Promise<ImageBatch | null> {
    const s = this.streams.get(streamId);
    if (!s) throw new Error(`No open stream ${streamId}`);
    const b = await s.nextBatch();
    if (!b) this.streams.delete(streamId);
    return b;
  }

  /**
   * The IndexedDB-only reference for benchmarks: read every shard record of a dataset, `shardsPerTx` at
   * a time, and do nothing with the bytes. What streaming achieves is compared with this, side by side.
   */
  async readRaw(id: string, shardsPerTx = 4): Promise<{ bytes: number; ms: number }> {
    const db = await this.db();
    const m = await this.getDataset(id);
    const t0 = performance.now();
    let bytes = 0;
    for (let s = 0; s < m.numShards; s += shardsPerTx) {
      const recs = await db.getAll(
        'shards',
        IDBKeyRange.bound([m.writeId, s], [m.writeId, Math.min(s + shardsPerTx, m.numShards) - 1]),
      );
      for (const r of recs) bytes += r.pixels.byteLength;
    }
    return { bytes, ms: performance.now() - t0 };
  }

  /** The disk-read reference for import benchmarks: stream a File/Blob through and discard it. */
  async readBlob(blob: Blob): Promise<{ bytes: number; ms: number }> {
    const t0 = performance.now();
    let bytes = 0;
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
    return { bytes, ms: performance.now() - t0 };
  }

  closeStream(streamId: number): void {
    this.streams.delete(streamId);
  }

  // ---- Run records (src/data/runs): persisted after every cell, so runs can be resumed. ----

  async putRun(record: RunRecord): Promise<void> {
    await putRun(await this.db(), record);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return getRun(await this.db(), id);
  }

  async listRuns(): Promise<RunSummary[]> {
    return listRuns(await this.db());
  }

  async runsForConfig(configHash: string): Promise<RunRecord[]> {
    return runsForConfig(await this.db(), configHash);
  }

  async deleteRun(id: string): Promise<void> {
    await deleteRun(await this.db(), id);
  }

  // ---- Trained encoder weights (src/data/weights): reused by later runs with the same key. ----

  /** Store trained weights; false when a dataset they were trained on is gone or changed (nothing stored). */
  async putWeights(record: StoredWeights): Promise<boolean> {
    return putWeights(await this.db(), record);
  }

  /** A stored record with its tensors (the data worker transfers their buffers). */
  async getStoredWeights(key: string): Promise<StoredWeights | undefined> {
    return getWeights(await this.db(), key);
  }

  /** A stored record without its tensors. */
  async weightsInfo(key: string): Promise<StoredWeightsInfo | undefined> {
    return getWeightsInfo(await this.db(), key);
  }

  /** Every stored record without tensors, newest first. */
  async listWeights(): Promise<StoredWeightsInfo[]> {
    return listWeights(await this.db());
  }

  /** Keys of the records trained on a dataset. */
  async weightsOfDataset(datasetId: string): Promise<string[]> {
    return weightsKeysOfDataset(await this.db(), datasetId);
  }

  async deleteWeights(key: string): Promise<void> {
    await deleteWeights(await this.db(), key);
  }

  async auditWeights(): Promise<WeightsAudit> {
    return auditWeights(await this.db());
  }

  /** A stored record as a weights file (src/engine/weights-file.ts), metadata in its header. */
  async exportWeights(key: string): Promise<Uint8Array> {
    const r = await getWeights(await this.db(), key);
    if (!r) throw new StoreError(`No stored weights with key "${key}"`, 'invalid');
    const { weights, ...meta } = r;
    return encodeWeightsFile(weights, { ...meta, kind: 'protobench/stored-weights' });
  }

  /**
   * Put a weights file made by `exportWeights` (here or in another browser) back into the store. Its key
   * is recomputed from the key input in its header and must match (so a file cannot claim another
   * training's key), and its datasets must be in this store with the same fingerprints: otherwise no run
   * could reuse it, and it is refused.
   */
  async importWeightsFile(bytes: Uint8Array): Promise<StoredWeightsInfo> {
    const { weights, meta } = await decodeWeightsFile(bytes);
    const keyInput = meta.keyInput as WeightsKeyInput | undefined;
    if (meta.kind !== 'protobench/stored-weights' || typeof meta.key !== 'string' || !keyInput?.fingerprints)
      throw new StoreError(
        'This weights file holds no stored-weights metadata (key, training): it cannot be stored',
        'invalid',
      );
    const key = await weightsKey(keyInput);
    if (key !== meta.key)
      throw new StoreError(`This weights file's key does not match what it says it was trained on`, 'invalid');
    const summary = (meta.summary ?? {}) as StoredWeights['summary'];
    // A supervised row's test score is shown and copied into run records: checked like a record's.
    if (summary.test !== undefined) {
      const c = new Checker();
      checkTestScore(c, summary.test, 'summary.test');
      if (!c.ok) throw new StoreError(`This weights file's ${c.errors.map((e) => e.message).join('; ')}`, 'invalid');
    }
    const record: StoredWeights = {
      key,
      createdAt: typeof meta.createdAt === 'string' ? meta.createdAt : new Date().toISOString(),
      keyInput,
      datasets: keyDatasets(keyInput),
      summary: {
        ...summary,
        bestValAccuracy: summary.bestValAccuracy ?? NaN,
        stepMsMedian: summary.stepMsMedian ?? NaN,
        stepsPerSecond: summary.stepsPerSecond ?? NaN,
      },
      bytes: weightsBytes(weights),
      weights,
    };
    if (!(await putWeights(await this.db(), record)))
      throw new StoreError(
        `The datasets these weights were trained on (${record.datasets.join(', ')}) are not in this store with the same content`,
        'invalid',
      );
    return getWeightsInfo(await this.db(), key) as Promise<StoredWeightsInfo>;
  }
}
