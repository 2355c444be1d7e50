/**
 * Run records in IndexedDB (`runs` store): written after every finished cell so that a run survives a
 * closed tab and can be resumed. A record is stored whole (NaN survives structured cloning).
 */

import type { RunRecord, RunStatus } from '../../core/results/types';
import type { DB } from '../store/db';

/** What the page lists without loading every cell. */
export interface RunSummary {
  id: string;
  createdAt: string;
  configHash: string;
  status: RunStatus;
  cells: number;
  backend: string;
}

export function summarizeRun(r: RunRecord): RunSummary {
  return {
    id: r.id,
    createdAt: r.createdAt,
    configHash: r.configHash,
    status: r.status,
    cells: r.cells.length,
    backend: r.environment.backend,
  };
}

function checkRecord(r: RunRecord): void {
  if (typeof r?.id !== 'string' || r.id.length === 0 || r.id.length > 256)
    throw new Error('putRun: a run record needs an id (1 to 256 characters)');
  if (!Array.isArray(r.cells)) throw new Error(`putRun: run "${r.id}" has no cell list`);
}

/** Store (or replace) a record. */
export async function putRun(db: DB, record: RunRecord): Promise<void> {
  checkRecord(record);
  await db.put('runs', record);
}

export async function getRun(db: DB, id: string): Promise<RunRecord | undefined> {
  return db.get('runs', id);
}

/** Summaries of every stored run, newest first. */
export async function listRuns(db: DB): Promise<RunSummary[]> {
  const all = await db.getAll('runs');
  return all.map(summarizeRun).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** Records of one effective config (what a resume looks for), newest first. */
export async function runsForConfig(db: DB, configHash: string): Promise<RunRecord[]> {
  const all = await db.getAllFromIndex('runs', 'byConfigHash', configHash);
  return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

export async function deleteRun(db: DB, id: string): Promise<void> {
  await db.delete('runs', id);
}
