import { imageBytes, SPLITS, type SplitIndices, type TaskLabels } from '../../core/types';
import type { DB } from './db';
import { StoreError } from './errors';
import { labelsKey, splitKey, type ArrayRecord, type DatasetManifest, type ShardRecord } from './schema';

/**
 * Random access to the images of one committed dataset. A request is grouped by shard and served from
 * one read transaction; the most recently read shards are kept so that a request split across batch
 * boundaries does not read a shard twice. Memory stays bounded by the request plus `cacheShards` shards.
 */
export class ShardReader {
  readonly imageBytes: number;
  private readonly cache = new Map<number, Uint8Array>();

  constructor(
    private readonly db: DB,
    readonly manifest: DatasetManifest,
    private readonly cacheShards = 2,
  ) {
    this.imageBytes = imageBytes(manifest);
  }

  /** Pixels of `indices`, in request order, back to back (HWC uint8). */
  async read(indices: ArrayLike<number>): Promise<Uint8Array> {
    const { shardSize, numImages, id } = this.manifest;
    const out = new Uint8Array(indices.length * this.imageBytes);
    const needed = new Map<number, number[]>();
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p] as number;
      if (!Number.isInteger(i) || i < 0 || i >= numImages) {
        throw new StoreError(
          `Dataset "${id}": image index ${i} at request position ${p} is outside 0..${numImages - 1}`,
          'invalid',
        );
      }
      const s = Math.floor(i / shardSize);
      const list = needed.get(s);
      if (list) list.push(p);
      else needed.set(s, [p]);
    }
    const missing = [...needed.keys()].filter((s) => !this.cache.has(s));
    const fetched = new Map<number, Uint8Array>();
    if (missing.length > 0) {
      const tx = this.db.transaction('shards', 'readonly');
      const records = await Promise.all(missing.map((s) => tx.store.get([this.manifest.writeId, s])));
      await tx.done;
      records.forEach((r: ShardRecord | undefined, k) => {
        const s = missing[k] as number;
        if (!r) throw new StoreError(`Dataset "${id}": shard ${s} is missing from the store`, 'io');
        fetched.set(s, new Uint8Array(r.pixels));
      });
    }
    for (const [s, positions] of needed) {
      const shard = this.cache.get(s) ?? (fetched.get(s) as Uint8Array);
      const base = s * shardSize;
      for (const p of positions) {
        const local = (indices[p] as number) - base;
        out.set(shard.subarray(local * this.imageBytes, (local + 1) * this.imageBytes), p * this.imageBytes);
      }
    }
    // Keep the highest-numbered shards: requests are usually ascending.
    for (const [s, px] of fetched) this.cache.set(s, px);
    const keep = [...this.cache.keys()].sort((a, b) => b - a).slice(0, this.cacheShards);
    for (const s of [...this.cache.keys()]) if (!keep.includes(s)) this.cache.delete(s);
    return out;
  }
}

async function getArray(db: DB, m: DatasetManifest, name: string): Promise<ArrayRecord> {
  const r = await db.get('arrays', [m.writeId, name]);
  if (!r) throw new StoreError(`Dataset "${m.id}": record "${name}" is missing from the store`, 'io');
  return r;
}

export async function readLabels(db: DB, m: DatasetManifest, task: string): Promise<TaskLabels> {
  const r = await getArray(db, m, labelsKey(task));
  return r.dtype === 'int32' ? new Int32Array(r.data) : new Uint8Array(r.data);
}

export async function readSplits(db: DB, m: DatasetManifest): Promise<SplitIndices> {
  const entries = await Promise.all(
    SPLITS.map(async (s) => [s, new Uint32Array((await getArray(db, m, splitKey(s))).data)] as const),
  );
  return Object.fromEntries(entries) as SplitIndices;
}
