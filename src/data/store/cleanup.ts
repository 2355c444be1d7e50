import { pruneStaleWeights } from '../weights/weights-store';
import { writeRange, type DB } from './db';
import { lockName } from './schema';

export interface CleanupReport {
  abandonedWrites: string[];
  orphanShards: number;
  orphanArrays: number;
  /** Trained weights whose datasets were deleted or replaced (see src/data/weights/weights-store.ts). */
  staleWeights: number;
}

/**
 * Removes what interrupted writes left behind. A pending write whose Web Lock is not held belongs to a
 * writer that died (tab closed, crash); its staged records are deleted. Records whose writeId is neither
 * a committed dataset's nor a live write's are deleted too, and so are stored weights trained on a dataset
 * that is gone or was replaced. Runs when the data worker starts.
 */
export async function collectGarbage(db: DB): Promise<CleanupReport> {
  const held = new Set(((await navigator.locks.query()).held ?? []).map((l) => l.name));
  const writes = await db.getAll('writes');
  const abandoned = writes.filter((w) => !held.has(lockName(w.writeId))).map((w) => w.writeId);
  for (const writeId of abandoned) {
    const tx = db.transaction(['writes', 'shards', 'arrays'], 'readwrite');
    await tx.objectStore('shards').delete(writeRange(writeId));
    await tx.objectStore('arrays').delete(writeRange(writeId));
    await tx.objectStore('writes').delete(writeId);
    await tx.done;
  }
  const live = await liveWriteIds(db);
  let orphanShards = 0;
  let orphanArrays = 0;
  for (const store of ['shards', 'arrays'] as const) {
    const dead = new Set<string>();
    for (const key of await db.getAllKeys(store)) if (!live.has(key[0])) dead.add(key[0]);
    for (const writeId of dead) {
      const tx = db.transaction(store, 'readwrite');
      const n = await tx.store.count(writeRange(writeId));
      await tx.store.delete(writeRange(writeId));
      await tx.done;
      if (store === 'shards') orphanShards += n;
      else orphanArrays += n;
    }
  }
  const staleWeights = await pruneStaleWeights(db);
  return { abandonedWrites: abandoned, orphanShards, orphanArrays, staleWeights };
}

async function liveWriteIds(db: DB): Promise<Set<string>> {
  const held = new Set(((await navigator.locks.query()).held ?? []).map((l) => l.name));
  const live = new Set((await db.getAll('datasets')).map((d) => d.writeId));
  for (const w of await db.getAll('writes')) if (held.has(lockName(w.writeId))) live.add(w.writeId);
  return live;
}

export interface StoreAudit {
  datasets: number;
  pendingWrites: number;
  shardRecords: number;
  arrayRecords: number;
  /** Records not reachable from a committed dataset (a live write's staged records count here too). */
  unreachableRecords: number;
  /** Committed datasets whose shard or array records are not all present. */
  incompleteDatasets: string[];
}

/** Counts every record and checks that each committed dataset is whole. For tests and the store panel. */
export async function auditStore(db: DB): Promise<StoreAudit> {
  const datasets = await db.getAll('datasets');
  const committed = new Map(datasets.map((d) => [d.writeId, d]));
  const shardKeys = await db.getAllKeys('shards');
  const arrayKeys = await db.getAllKeys('arrays');
  const shardsPer = new Map<string, number>();
  const arraysPer = new Map<string, number>();
  let unreachable = 0;
  for (const [w] of shardKeys) {
    if (committed.has(w)) shardsPer.set(w, (shardsPer.get(w) ?? 0) + 1);
    else unreachable++;
  }
  for (const [w] of arrayKeys) {
    if (committed.has(w)) arraysPer.set(w, (arraysPer.get(w) ?? 0) + 1);
    else unreachable++;
  }
  const incomplete = datasets
    .filter((d) => shardsPer.get(d.writeId) !== d.numShards || arraysPer.get(d.writeId) !== d.tasks.length + 3)
    .map((d) => d.id);
  return {
    datasets: datasets.length,
    pendingWrites: await db.count('writes'),
    shardRecords: shardKeys.length,
    arrayRecords: arrayKeys.length,
    unreachableRecords: unreachable,
    incompleteDatasets: incomplete,
  };
}
