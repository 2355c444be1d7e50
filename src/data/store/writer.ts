import { imageBytes, SPLITS, type DatasetInfo, type SplitIndices, type TaskLabels } from '../../core/types';
import { writeRange, type DB } from './db';
import { isQuotaError, mb, StoreError } from './errors';
import { FingerprintBuilder } from './fingerprint';
import { labelsKey, lockName, splitKey, type ArrayRecord, type DatasetManifest, type ShardRecord } from './schema';

export interface WriterOptions {
  /** Images per shard record. 16 keeps records at 0.8 MB (C=1) / 2.4 MB (C=3): IndexedDB's sweet spot. */
  shardSize?: number;
  /** Replace a committed dataset of the same id (atomically, at commit). Otherwise an existing id is an error. */
  replace?: boolean;
  provenance?: Record<string, string | number | boolean>;
}

export const DEFAULT_SHARD_SIZE = 16;
/** Full shards are buffered up to this many bytes, then written in one transaction (fewer, larger commits). */
const FLUSH_BYTES = 24 * 1024 * 1024;

/**
 * Writes one dataset atomically. Images arrive in index order through `appendImages`; labels and splits
 * through `setLabels` / `setSplits`; nothing is visible until `commit` puts the manifest, in the same
 * transaction that drops the pending-write record (and the replaced dataset, if any). A writer holds a
 * Web Lock for its lifetime, so a write whose tab died is recognisable as abandoned (see cleanup.ts).
 */
export class DatasetWriter {
  private readonly imageBytes: number;
  private readonly shardBytes: number;
  private partial: Uint8Array;
  private partialCount = 0;
  private nextShard = 0;
  private imagesWritten = 0;
  private pending: ShardRecord[] = [];
  private pendingBytes = 0;
  private inflight: Promise<void> | undefined;
  private readonly fingerprint: FingerprintBuilder;
  private readonly labels: Record<string, TaskLabels> = {};
  private splits: SplitIndices | undefined;
  private done = false;

  private constructor(
    private readonly db: DB,
    readonly info: DatasetInfo,
    readonly writeId: string,
    private readonly shardSize: number,
    private readonly options: WriterOptions,
    private readonly releaseLock: () => void,
  ) {
    this.imageBytes = imageBytes(info);
    this.shardBytes = this.imageBytes * shardSize;
    this.partial = new Uint8Array(this.shardBytes);
    this.fingerprint = new FingerprintBuilder(this.imageBytes);
  }

  static async begin(db: DB, info: DatasetInfo, options: WriterOptions = {}): Promise<DatasetWriter> {
    const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
    if (!Number.isInteger(shardSize) || shardSize < 1)
      throw new StoreError(`shardSize must be a positive integer, got ${shardSize}`, 'invalid');
    const existing = await db.get('datasets', info.id);
    if (existing && !options.replace) {
      throw new StoreError(
        `A dataset with id "${info.id}" already exists (${existing.numImages} images, ${existing.fingerprint}, stored ${existing.createdAt}). ` +
          'Replace it, import under another id, or cancel.',
        'exists',
      );
    }
    const need = info.numImages * imageBytes(info);
    const est = await navigator.storage?.estimate?.();
    if (est?.quota !== undefined && est.usage !== undefined && need > est.quota - est.usage) {
      throw new StoreError(
        `Not enough storage for dataset "${info.id}": it needs ${mb(need)}, the browser grants ${mb(est.quota - est.usage)} more ` +
          `(usage ${mb(est.usage)} of quota ${mb(est.quota)}). Nothing was written.`,
        'quota',
      );
    }
    const writeId = crypto.randomUUID();
    const releaseLock = await holdLock(lockName(writeId));
    await db.put('writes', { writeId, datasetId: info.id, startedAt: new Date().toISOString() });
    return new DatasetWriter(db, info, writeId, shardSize, options, releaseLock);
  }

  get progress(): { imagesWritten: number; numImages: number; bytesWritten: number } {
    return {
      imagesWritten: this.imagesWritten,
      numImages: this.info.numImages,
      bytesWritten: this.imagesWritten * this.imageBytes,
    };
  }

  /** Append `count` images (HWC uint8, back to back) that follow the ones already written. */
  async appendImages(pixels: Uint8Array, count: number): Promise<void> {
    this.assertOpen();
    if (pixels.length !== count * this.imageBytes) {
      throw new StoreError(
        `appendImages: ${pixels.length} bytes for ${count} images of ${this.imageBytes} bytes`,
        'invalid',
      );
    }
    if (this.imagesWritten + this.partialCount + count > this.info.numImages) {
      throw new StoreError(`Dataset "${this.info.id}": more images than info says (${this.info.numImages})`, 'invalid');
    }
    await this.fingerprint.addImages(pixels, count);
    let off = 0;
    while (off < count) {
      const take = Math.min(count - off, this.shardSize - this.partialCount);
      this.partial.set(
        pixels.subarray(off * this.imageBytes, (off + take) * this.imageBytes),
        this.partialCount * this.imageBytes,
      );
      this.partialCount += take;
      off += take;
      if (this.partialCount === this.shardSize) this.sealShard();
    }
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  setLabels(task: string, labels: TaskLabels): void {
    this.assertOpen();
    const t = this.info.tasks.find((x) => x.name === task);
    if (!t) throw new StoreError(`Dataset "${this.info.id}": labels for unknown task "${task}"`, 'invalid');
    const expected =
      t.target === 'MULTILABEL_CLASSIFICATION' ? this.info.numImages * t.labels.length : this.info.numImages;
    if (labels.length !== expected) {
      throw new StoreError(
        `Dataset "${this.info.id}", task "${task}": labels hold ${labels.length} values, expected ${expected}`,
        'invalid',
      );
    }
    this.labels[task] = labels;
  }

  setSplits(splits: SplitIndices): void {
    this.assertOpen();
    for (const s of SPLITS) {
      const idx = splits[s];
      if (idx.length !== this.info.splitSizes[s]) {
        throw new StoreError(
          `Dataset "${this.info.id}", split ${s}: ${idx.length} indices, info says ${this.info.splitSizes[s]}`,
          'invalid',
        );
      }
      for (let i = 0; i < idx.length; i++) {
        const v = idx[i] as number;
        if (v >= this.info.numImages || (i > 0 && v <= (idx[i - 1] as number))) {
          throw new StoreError(
            `Dataset "${this.info.id}", split ${s}: index ${v} at position ${i} is out of range or not ascending`,
            'invalid',
          );
        }
      }
    }
    this.splits = splits;
  }

  /** Make the dataset visible. Everything is checked first; on any failure the write is rolled back. */
  async commit(): Promise<DatasetManifest> {
    this.assertOpen();
    try {
      if (this.partialCount > 0) this.sealShard();
      await this.flush(true);
      const { info } = this;
      if (this.imagesWritten !== info.numImages) {
        throw new StoreError(
          `Dataset "${info.id}": ${this.imagesWritten} images written, info says ${info.numImages}`,
          'invalid',
        );
      }
      for (const t of info.tasks) {
        if (!this.labels[t.name])
          throw new StoreError(`Dataset "${info.id}": no labels for task "${t.name}"`, 'invalid');
      }
      if (!this.splits) throw new StoreError(`Dataset "${info.id}": no splits`, 'invalid');
      const fingerprint = await this.fingerprint.finish(info, info.tasks, this.labels, this.splits);
      const arrays: ArrayRecord[] = [
        ...info.tasks.map((t) => arrayRecord(this.writeId, labelsKey(t.name), this.labels[t.name] as TaskLabels)),
        ...SPLITS.map((s) => arrayRecord(this.writeId, splitKey(s), (this.splits as SplitIndices)[s])),
      ];
      const manifest: DatasetManifest = {
        ...info,
        writeId: this.writeId,
        shardSize: this.shardSize,
        numShards: this.nextShard,
        bytes: this.imagesWritten * this.imageBytes,
        fingerprint,
        createdAt: new Date().toISOString(),
        provenance: this.options.provenance ?? {},
      };
      const tx = this.db.transaction(['datasets', 'writes', 'arrays', 'shards'], 'readwrite');
      const old = await tx.objectStore('datasets').get(info.id);
      if (old && !this.options.replace)
        throw new StoreError(`A dataset with id "${info.id}" was stored meanwhile`, 'exists');
      if (old) {
        await tx.objectStore('shards').delete(writeRange(old.writeId));
        await tx.objectStore('arrays').delete(writeRange(old.writeId));
      }
      for (const a of arrays) await tx.objectStore('arrays').put(a);
      await tx.objectStore('datasets').put(manifest);
      await tx.objectStore('writes').delete(this.writeId);
      await tx.done;
      this.finish();
      return manifest;
    } catch (e) {
      await this.abort();
      throw this.explain(e);
    }
  }

  /** Drop everything this write staged. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.pending = [];
    try {
      const tx = this.db.transaction(['writes', 'arrays', 'shards'], 'readwrite');
      await tx.objectStore('shards').delete(writeRange(this.writeId));
      await tx.objectStore('arrays').delete(writeRange(this.writeId));
      await tx.objectStore('writes').delete(this.writeId);
      await tx.done;
    } finally {
      // If the rollback itself failed, the released lock lets the next cleanup pass finish it.
      this.finish();
    }
  }

  private sealShard(): void {
    const bytes = this.partialCount * this.imageBytes;
    const pixels = this.partial.slice(0, bytes).buffer;
    this.pending.push({ writeId: this.writeId, shard: this.nextShard, count: this.partialCount, pixels });
    this.pendingBytes += bytes;
    this.nextShard++;
    this.imagesWritten += this.partialCount;
    this.partialCount = 0;
  }

  /**
   * Write the sealed shards in one transaction. The transaction is left in flight while the caller goes
   * on reading and hashing the next images (IndexedDB commits off-thread); the next flush, or commit,
   * waits for it first, so at most one batch is in flight and memory stays bounded.
   */
  private async flush(wait = false): Promise<void> {
    await this.settle();
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      const tx = this.db.transaction('shards', 'readwrite');
      for (const r of batch) void tx.store.put(r);
      this.inflight = tx.done;
      // Marked handled here; the error surfaces in settle().
      this.inflight.catch(() => undefined);
    }
    if (wait) await this.settle();
  }

  /** Wait for the transaction in flight; on failure roll back and explain. */
  private async settle(): Promise<void> {
    const t = this.inflight;
    this.inflight = undefined;
    if (!t) return;
    try {
      await t;
    } catch (e) {
      await this.abort();
      throw this.explain(e);
    }
  }

  private explain(e: unknown): Error {
    if (e instanceof StoreError) return e;
    const where = `dataset "${this.info.id}" (${this.imagesWritten} of ${this.info.numImages} images, ${mb(this.imagesWritten * this.imageBytes)} written)`;
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (isQuotaError(e)) {
      return new StoreError(
        `Storage quota exceeded while writing ${where}: the browser said "${msg}". The partial write was rolled back; nothing was kept.`,
        'quota',
      );
    }
    return new StoreError(`Writing ${where} failed: ${msg}. The partial write was rolled back.`, 'io');
  }

  private assertOpen(): void {
    if (this.done) throw new StoreError(`Write of dataset "${this.info.id}" is already finished`, 'aborted');
  }

  private finish(): void {
    this.done = true;
    this.releaseLock();
  }
}

function arrayRecord(writeId: string, name: string, a: Int32Array | Uint8Array | Uint32Array): ArrayRecord {
  const dtype = a instanceof Int32Array ? 'int32' : a instanceof Uint32Array ? 'uint32' : 'uint8';
  return { writeId, name, dtype, data: a.slice().buffer };
}

/** Acquire an exclusive Web Lock and keep it until the returned function is called. */
async function holdLock(name: string): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await new Promise<void>((granted, fail) => {
    navigator.locks
      .request(name, { mode: 'exclusive', ifAvailable: true }, async (lock) => {
        if (!lock) throw new Error(`lock ${name} is taken`);
        granted();
        await held;
      })
      .catch(fail);
  });
  return release;
}
