/**
 * Building a run record as a run goes: start it, add cells as they finish (a resumed run replaces a
 * cell it redoes), find what is left to do, close it.
 */

import type { Catalog } from '../config/catalog';
import type { PlannedCell } from '../config/check';
import { configHash } from '../config/hash';
import { cellKey } from '../config/keys';
import type { RunConfig } from '../config/types';
import type { RunEnvironment } from './environment';
import type { TrainingRecord } from './training';
import {
  RUN_RECORD_VERSION,
  type CellResult,
  type DatasetRef,
  type RunRecord,
  type RunStatus,
  type RunTimings,
} from './types';

export function emptyTimings(): RunTimings {
  return { loadMs: 0, trainMs: 0, compileMs: 0, warmupMs: 0, embedMs: 0, episodesMs: 0, totalMs: 0 };
}

/** Every dataset the planned cells read (targets and source tasks), in catalog order, with its fingerprint. */
export function datasetsUsed(cells: readonly PlannedCell[], catalog: Catalog): DatasetRef[] {
  const used = new Set<string>();
  for (const c of cells) {
    used.add(c.target.dataset);
    for (const t of c.sourceTasks) used.add(t.datasetId);
  }
  return catalog.filter((d) => used.has(d.id)).map((d) => ({ id: d.id, fingerprint: d.fingerprint }));
}

export function newRunRecord(args: {
  id: string;
  createdAt: string;
  config: RunConfig;
  environment: RunEnvironment;
  datasets: DatasetRef[];
}): RunRecord {
  return {
    version: RUN_RECORD_VERSION,
    id: args.id,
    createdAt: args.createdAt,
    config: args.config,
    configHash: configHash(args.config),
    environment: args.environment,
    datasets: args.datasets.map((d) => ({ ...d })),
    cells: [],
    timings: emptyTimings(),
    status: 'running',
  };
}

/** The cell's key (`cellKey`), its method included. */
export function resultKey(c: Pick<CellResult, 'source' | 'target' | 'k' | 'method'>): string {
  return cellKey(c.source, c.target, c.k, c.method ?? 'protonet');
}

/** A copy with `cell` added (replacing a cell with the same key) and its timings added to the run's. */
export function withCell(record: RunRecord, cell: CellResult): RunRecord {
  const key = resultKey(cell);
  const cells = record.cells.filter((c) => resultKey(c) !== key);
  cells.push(cell);
  const t = record.timings;
  return {
    ...record,
    cells,
    timings: {
      ...t,
      loadMs: t.loadMs + cell.timings.loadMs,
      compileMs: t.compileMs + cell.timings.compileMs,
      warmupMs: t.warmupMs + cell.timings.warmupMs,
      embedMs: t.embedMs + cell.timings.embedMs,
      episodesMs: t.episodesMs + cell.timings.episodesMs,
    },
  };
}

/** The planned cells the record does not hold yet (what a resumed run still has to do). */
export function pendingCells(planned: readonly PlannedCell[], record: Pick<RunRecord, 'cells'>): PlannedCell[] {
  const done = new Set(record.cells.map(resultKey));
  return planned.filter((p) => !done.has(p.key));
}

/**
 * Can `record` be resumed under `config` with these datasets? Only when the effective config is the
 * same (same hash) and every dataset it read still has the same fingerprint; otherwise the reasons.
 */
export function resumable(
  record: RunRecord,
  config: RunConfig,
  catalog: Catalog,
): { ok: true } | { ok: false; reasons: string[] } {
  const reasons: string[] = [];
  if (record.configHash !== configHash(config))
    reasons.push(`the config differs (hash ${record.configHash} vs ${configHash(config)})`);
  for (const d of record.datasets) {
    const now = catalog.find((x) => x.id === d.id);
    if (!now) reasons.push(`dataset "${d.id}" is no longer stored`);
    else if (now.fingerprint !== d.fingerprint)
      reasons.push(`dataset "${d.id}" changed (fingerprint ${d.fingerprint} vs ${now.fingerprint})`);
  }
  if (record.status === 'done') reasons.push('the run is already done');
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

/** A copy with its final status (and error, for `failed`) and total time. */
export function finishRun(
  record: RunRecord,
  status: Exclude<RunStatus, 'running'>,
  totalMs: number,
  error?: string,
): RunRecord {
  const out: RunRecord = { ...record, status, timings: { ...record.timings, totalMs } };
  if (status === 'failed') out.error = error ?? 'unknown error';
  else delete out.error;
  return out;
}

/** A copy with `t` added, replacing the record of the same training and repeat (a resumed run redoes it). */
export function withTraining(record: RunRecord, t: TrainingRecord): RunRecord {
  const others = (record.trainings ?? []).filter((x) => x.trainingKey !== t.trainingKey || x.repeat !== t.repeat);
  return { ...record, trainings: [...others, t] };
}
