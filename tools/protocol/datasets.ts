/**
 * MedIMeta dataset folders as ProtoBench's store would hold them after a whole-dataset import, read with
 * the project's own readers (info.yaml, task_labels/*.npy, splits/*.txt; no images).
 *
 * Why these equal what the browser uses: `readDataset` (src/data/medimeta/read-dataset.ts) with no
 * `splits` / `maxPerClass` option selects every image (`selectImages` returns the identity), labels and
 * splits unchanged, and the import (src/data/import/import-job.ts) appends the images to the store in
 * index order (`runs(kept)` over 0..N-1), so a store index is the file's image index.
 */

import { openAsBlob, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Catalog, CatalogDataset } from '../../src/core/config';
import type { DatasetInfo, SplitIndices, TaskLabels } from '../../src/core/types';
import { filesSource } from '../../src/data/medimeta/dataset-source';
import { ValidationError } from '../../src/data/medimeta/problems';
import { catalogEntry, listDataInputs, readDatasetMeta } from '../../sweep/catalog';

/** One dataset folder, read. */
export interface FolderDataset {
  /** Absolute path of the dataset folder (the Python trainer reads its images.hdf5). */
  folder: string;
  info: DatasetInfo;
  labels: Record<string, TaskLabels>;
  splits: SplitIndices;
  catalog: CatalogDataset;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function problemText(e: unknown): string {
  if (e instanceof ValidationError) return e.problems.map((p) => p.message).join('; ');
  return e instanceof Error ? e.message : String(e);
}

/** info.yaml, labels and splits of one dataset folder (as sweep/catalog.ts reads them, keeping labels and splits). */
export async function readFolder(path: string): Promise<FolderDataset> {
  const files = walk(path)
    .map((f) => relative(path, f).split('\\').join('/'))
    .filter((p) => !p.startsWith('images/'));
  const blobs = await Promise.all(files.map(async (p) => ({ path: p, file: await openAsBlob(join(path, p)) })));
  const source = filesSource(blobs, basename(path));
  try {
    const { info, labels, splits } = await readDatasetMeta(source);
    return { folder: path, info, labels, splits, catalog: catalogEntry(info, labels, splits, 'unknown') };
  } catch (e) {
    throw new Error(`cannot read ${path}: ${problemText(e)}`, { cause: e });
  } finally {
    await source.close();
  }
}

/**
 * Every dataset folder directly in `dir` (or `dir` itself when it holds info.yaml), in the order of the
 * page's catalog: the data worker lists the store sorted by domain, then id (src/data/data-service.ts
 * `listDatasets`), and that order fixes the order of a row's source tasks, hence which task each training
 * step draws. Zips are refused: the PyTorch side reads images.hdf5 from a folder.
 */
export async function readFolders(dir: string): Promise<FolderDataset[]> {
  const inputs = listDataInputs(dir);
  const zips = inputs.filter((i) => i.kind === 'zip');
  if (zips.length > 0)
    throw new Error(
      `--data ${dir}: unzip these first (the reference trainer reads folders): ${zips.map((z) => z.path).join(', ')}`,
    );
  const out: FolderDataset[] = [];
  for (const i of inputs) out.push(await readFolder(i.path));
  const seen = new Map<string, string>();
  for (const d of out) {
    const other = seen.get(d.info.id);
    if (other) throw new Error(`--data: ${other} and ${d.folder} both hold dataset id "${d.info.id}"`);
    seen.set(d.info.id, d.folder);
  }
  return out.sort((a, b) => a.info.domain.localeCompare(b.info.domain) || a.info.id.localeCompare(b.info.id));
}

export function catalogOf(datasets: readonly FolderDataset[]): Catalog {
  return datasets.map((d) => d.catalog);
}
