/**
 * Trained encoder weights in IndexedDB (`weights` store, schema version 3): a cache of meta-training
 * results keyed by `weightsKey` (src/engine/weights-key.ts), so a later run (or a resumed one) with the
 * same encoder, sources, training config, seed, backend and data loads them instead of training again.
 *
 * A record is reachable while every dataset it was trained on is committed with the fingerprint in its
 * key. Deleting a dataset deletes its records in the same transaction (`byDataset` index); a dataset
 * replaced by another write (a re-import, a regenerated demo) leaves records no key can reach any more:
 * `pruneStaleWeights` deletes them (the data service runs it at start and after every write).
 */

import type { DB } from '../store/db';
import type { StoredWeights, StoredWeightsInfo } from '../store/schema';

/** Float32 bytes of a weights record's tensors. */
export function weightsBytes(w: StoredWeights['weights']): number {
  return w.tensors.reduce((n, t) => n + t.values.byteLength, 0);
}

function checkRecord(r: StoredWeights): void {
  if (typeof r?.key !== 'string' || r.key.length === 0 || r.key.length > 256)
    throw new Error('putWeights: a weights record needs a key (1 to 256 characters)');
  if (!r.keyInput || typeof r.keyInput.fingerprints !== 'object')
    throw new Error(`putWeights: record ${r.key} has no key input`);
  if (!Array.isArray(r.weights?.tensors) || r.weights.tensors.length === 0)
    throw new Error(`putWeights: record ${r.key} holds no tensors`);
  for (const t of r.weights.tensors) {
    if (!(t.values instanceof Float32Array))
      throw new Error(`putWeights: tensor "${t.name}" of ${r.key} is not a Float32Array`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.values.length)
      throw new Error(`putWeights: tensor "${t.name}" has ${t.values.length} values for shape ${t.shape.join('x')}`);
  }
}

function info(r: StoredWeights): StoredWeightsInfo {
  const { weights: _drop, ...rest } = r;
  void _drop;
  return rest;
}

/**
 * Store (or replace) a record, unless a dataset it was trained on is gone or was replaced meanwhile (a
 * deletion while it trained): then nothing is stored and the result is false. One transaction, so a
 * concurrent deletion either sees the record (and deletes it) or makes this refuse it.
 */
export async function putWeights(db: DB, record: StoredWeights): Promise<boolean> {
  checkRecord(record);
  const tx = db.transaction(['datasets', 'weights'], 'readwrite');
  for (const [id, fp] of Object.entries(record.keyInput.fingerprints)) {
    const m = await tx.objectStore('datasets').get(id);
    if (!m || m.fingerprint !== fp) {
      tx.abort();
      await tx.done.catch(() => undefined);
      return false;
    }
  }
  await tx.objectStore('weights').put(record);
  await tx.done;
  return true;
}

export async function getWeights(db: DB, key: string): Promise<StoredWeights | undefined> {
  return db.get('weights', key);
}

/** The record without its tensors, or undefined. */
export async function getWeightsInfo(db: DB, key: string): Promise<StoredWeightsInfo | undefined> {
  const r = await db.get('weights', key);
  return r ? info(r) : undefined;
}

/** Every record without tensors, newest first. */
export async function listWeights(db: DB): Promise<StoredWeightsInfo[]> {
  const out: StoredWeightsInfo[] = [];
  let cursor = await db.transaction('weights').store.openCursor();
  while (cursor) {
    out.push(info(cursor.value));
    cursor = await cursor.continue();
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.key.localeCompare(b.key));
}

export async function deleteWeights(db: DB, key: string): Promise<void> {
  await db.delete('weights', key);
}

/** Keys of the records trained on `datasetId` (the `byDataset` index). */
export async function weightsKeysOfDataset(db: DB, datasetId: string): Promise<string[]> {
  return db.getAllKeysFromIndex('weights', 'byDataset', datasetId);
}

/** Records some dataset of which is no longer committed with the fingerprint in its key. */
export async function staleWeightsKeys(db: DB): Promise<string[]> {
  const fps = new Map((await db.getAll('datasets')).map((d) => [d.id, d.fingerprint]));
  const stale: string[] = [];
  let cursor = await db.transaction('weights').store.openCursor();
  while (cursor) {
    const fp = cursor.value.keyInput?.fingerprints ?? {};
    const ids = Object.keys(fp);
    if (ids.length === 0 || ids.some((id) => fps.get(id) !== fp[id])) stale.push(cursor.value.key);
    cursor = await cursor.continue();
  }
  return stale;
}

/** Delete the records no key can reach any more (see staleWeightsKeys). Returns how many. */
export async function pruneStaleWeights(db: DB): Promise<number> {
  const stale = await staleWeightsKeys(db);
  if (stale.length === 0) return 0;
  const tx = db.transaction('weights', 'readwrite');
  await Promise.all([...stale.map((k) => tx.store.delete(k)), tx.done]);
  return stale.length;
}

export interface WeightsAudit {
  records: number;
  /** Float32 bytes held (tensors only). */
  bytes: number;
  /** Records whose datasets are gone or changed (pruned at the next start or write). */
  stale: number;
}

export async function auditWeights(db: DB): Promise<WeightsAudit> {
  const list = await listWeights(db);
  return {
    records: list.length,
    bytes: list.reduce((n, r) => n + r.bytes, 0),
    stale: (await staleWeightsKeys(db)).length,
  };
}
