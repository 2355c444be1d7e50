import { imageBytes } from '../../core/types';
import type { DatasetSource } from '../medimeta/dataset-source';
import { ValidationError, type Problem } from '../medimeta/problems';
import { readDataset, type ReadDatasetOptions } from '../medimeta/read-dataset';
import type { DB } from '../store/db';
import type { DatasetManifest } from '../store/schema';
import { DatasetWriter } from '../store/writer';
import { expandInputs, type ImportInput } from './inputs';

/** What to do when a dataset id is already in the store. `ask` calls `onConflict`. */
export type ConflictPolicy = 'ask' | 'replace' | 'keep-both' | 'cancel';
export type ConflictChoice = 'replace' | 'keep-both' | 'cancel';

export interface ImportOptions {
  splits?: ReadDatasetOptions['splits'];
  maxPerClass?: ReadDatasetOptions['maxPerClass'];
  resize?: boolean;
  onExists?: ConflictPolicy;
}

export interface ImportProgress {
  jobId: number;
  source: string;
  /** 1-based position of this dataset among the job's datasets. */
  datasetIndex: number;
  datasets: number;
  stage: 'validating' | 'writing' | 'committing' | 'done';
  dataset?: string;
  images: number;
  totalImages: number;
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
  /** Remaining time of this dataset's write, from its rate so far; null until it can be estimated. */
  etaMs: number | null;
}

export interface ImportFailure {
  source: string;
  message: string;
  problems: Problem[];
}

export interface ImportResult {
  imported: DatasetManifest[];
  failed: ImportFailure[];
  cancelled: boolean;
  skipped: string[];
}

export interface ImportCallbacks {
  onProgress?: (p: ImportProgress) => void;
  onConflict?: (id: string, existing: DatasetManifest) => Promise<ConflictChoice>;
}

export class ImportCancelled extends Error {
  constructor() {
    super('Import cancelled: nothing of the dataset in progress was kept');
    this.name = 'ImportCancelled';
  }
}

/**
 * One import job: every dataset of every input in turn, each validated in full before its first image
 * is written, then streamed into an atomic DatasetWriter. A failure, a cancel or a closed tab leaves
 * nothing of the dataset in progress (datasets finished earlier in the job stay). Restarting after a
 * reload means importing again: the interrupted write's records are removed on the next start.
 */
export async function runImport(
  db: DB,
  jobId: number,
  inputs: ImportInput[],
  options: ImportOptions,
  signal: AbortSignal,
  cb: ImportCallbacks = {},
): Promise<ImportResult> {
  const pending = expandInputs(inputs);
  const result: ImportResult = { imported: [], failed: [], cancelled: false, skipped: [] };
  for (const [k, p] of pending.entries()) {
    if (signal.aborted) {
      result.cancelled = true;
      break;
    }
    const t0 = performance.now();
    const base = { jobId, source: p.label, datasetIndex: k + 1, datasets: pending.length };
    cb.onProgress?.({
      ...base,
      stage: 'validating',
      images: 0,
      totalImages: 0,
      bytes: 0,
      totalBytes: 0,
      elapsedMs: 0,
      etaMs: null,
    });
    try {
      const m = await importOne(db, p.label, await p.open(), options, signal, cb, (q) =>
        cb.onProgress?.({ ...base, ...q, elapsedMs: performance.now() - t0 }),
      );
      if (m) result.imported.push(m);
      else result.skipped.push(p.label);
    } catch (e) {
      if (e instanceof ImportCancelled || signal.aborted) {
        result.cancelled = true;
        break;
      }
      result.failed.push({
        source: p.label,
        message: e instanceof Error ? e.message : String(e),
        problems: e instanceof ValidationError ? e.problems : [],
      });
    }
  }
  return result;
}

type Step = Omit<ImportProgress, 'jobId' | 'source' | 'datasetIndex' | 'datasets' | 'elapsedMs'>;

async function importOne(
  db: DB,
  label: string,
  source: DatasetSource,
  options: ImportOptions,
  signal: AbortSignal,
  cb: ImportCallbacks,
  progress: (s: Step) => void,
): Promise<DatasetManifest | null> {
  try {
    const read = await readDataset(source, {
      splits: options.splits,
      maxPerClass: options.maxPerClass,
      resize: options.resize,
    });
    try {
      let info = read.info;
      const existing = await db.get('datasets', info.id);
      let replace = false;
      if (existing) {
        const policy = options.onExists ?? 'ask';
        const choice: ConflictChoice =
          policy === 'ask' ? ((await cb.onConflict?.(info.id, existing)) ?? 'cancel') : policy;
        if (choice === 'cancel') return null;
        if (choice === 'replace') replace = true;
        else info = { ...info, id: await freeId(db, info.id) };
      }
      if (signal.aborted) throw new ImportCancelled();
      const totalImages = info.numImages;
      const totalBytes = totalImages * imageBytes(info);
      const w = await DatasetWriter.begin(db, info, {
        replace,
        provenance: {
          ...read.provenance,
          importedFrom: label,
          ...(info.id !== read.info.id ? { originalId: read.info.id } : {}),
        },
      });
      try {
        const t0 = performance.now();
        let images = 0;
        for await (const chunk of read.images) {
          if (signal.aborted) throw new ImportCancelled();
          await w.appendImages(chunk.pixels, chunk.count);
          images += chunk.count;
          const dt = performance.now() - t0;
          progress({
            stage: 'writing',
            dataset: info.id,
            images,
            totalImages,
            bytes: images * imageBytes(info),
            totalBytes,
            etaMs: images > 0 && dt > 200 ? (dt / images) * (totalImages - images) : null,
          });
        }
        for (const [task, l] of Object.entries(read.labels)) w.setLabels(task, l);
        w.setSplits(read.splits);
        progress({
          stage: 'committing',
          dataset: info.id,
          images,
          totalImages,
          bytes: totalBytes,
          totalBytes,
          etaMs: 0,
        });
        const m = await w.commit();
        progress({ stage: 'done', dataset: info.id, images, totalImages, bytes: totalBytes, totalBytes, etaMs: 0 });
        return m;
      } catch (e) {
        await w.abort();
        throw e;
      }
    } finally {
      read.close();
    }
  } finally {
    await source.close();
  }
}

/** `id_2`, `id_3`, ...: the first id not in the store ("keep both"). */
async function freeId(db: DB, id: string): Promise<string> {
  for (let k = 2; ; k++) {
    const candidate = `${id}_${k}`;
    if (!(await db.get('datasets', candidate))) return candidate;
  }
}
