/**
 * The datasets a sweep's runs will find in the browser's store, worked out in Node before any browser
 * starts, so that an unknown target or source is an error up front:
 * - the synthetic demo (`demo: true`): built from its pure specs (labels and splits; no pixels);
 * - each MedIMeta zip or dataset folder in `--data`: info.yaml, task labels and split files read with the
 *   project's own readers (the images are checked by the page's import);
 * - datasets an earlier sweep imported into the same profile (the import ledger, see `ledger.ts`).
 */

import { createHash } from 'node:crypto';
import { createReadStream, existsSync, openAsBlob, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { classCounts } from '../src/core/class-counts';
import type { Catalog, CatalogDataset } from '../src/core/config';
import { SPLITS, type DatasetInfo, type SplitIndices, type TaskLabels } from '../src/core/types';
import { demoMetaDataset } from '../src/data/demo';
import { filesSource, zipSource, type DatasetSource } from '../src/data/medimeta/dataset-source';
import { parseInfoYaml } from '../src/data/medimeta/info-yaml';
import { toTaskLabels } from '../src/data/medimeta/labels';
import { parseNpy } from '../src/data/medimeta/npy';
import { ValidationError } from '../src/data/medimeta/problems';
import { parseSplitFile } from '../src/data/medimeta/splits';

/** A zip or dataset folder of `--data`, and what it holds. */
export interface DataInput {
  /** Absolute path. */
  path: string;
  kind: 'zip' | 'folder';
  /** The dataset id from its info.yaml (the id the page imports it under). */
  id: string;
  /** SHA-256 of the zip's bytes, or of the folder's files (relative paths and bytes): the import ledger's key. */
  sourceHash: string;
  catalog: CatalogDataset;
}

/** A problem with a data input, said before any browser starts. */
export class DataError extends Error {}

/** The catalog entry of a dataset from its info, labels and splits (as the page's `toCatalog` makes it). */
export function catalogEntry(
  info: DatasetInfo,
  labels: Record<string, TaskLabels>,
  splits: SplitIndices,
  fingerprint: string,
): CatalogDataset {
  return {
    id: info.id,
    domain: info.domain,
    tasks: info.tasks.map((t) => ({
      name: t.name,
      target: t.target,
      classCounts: classCounts(t, labels[t.name] as TaskLabels, splits),
    })),
    domainOverlaps: [...info.domainOverlaps],
    subjectOverlaps: [...info.subjectOverlaps],
    fingerprint,
    splitSizes: { train: splits.train.length, val: splits.val.length, test: splits.test.length },
  };
}

/** The demo meta-dataset's catalog (fingerprints are the page's business: "demo"). */
export function demoCatalog(): CatalogDataset[] {
  return demoMetaDataset().map((d) => catalogEntry(d.info, d.labels, d.splits, 'demo'));
}

function problemText(e: unknown): string {
  if (e instanceof ValidationError) return e.problems.map((p) => p.message).join('; ');
  return e instanceof Error ? e.message : String(e);
}

/** info.yaml, labels and splits of one dataset source (no images); tools/protocol reads folders with it too. */
export async function readDatasetMeta(
  source: DatasetSource,
): Promise<{ info: DatasetInfo; labels: Record<string, TaskLabels>; splits: SplitIndices }> {
  const info = parseInfoYaml(await source.readText('info.yaml'), source.display('info.yaml')).info;
  const labels: Record<string, TaskLabels> = {};
  for (const t of info.tasks) {
    const p = `task_labels/${t.name}.npy`;
    labels[t.name] = toTaskLabels(
      t,
      parseNpy(await source.readBytes(p), source.display(p)),
      info.numImages,
      source.display(p),
    );
  }
  const splits = {} as SplitIndices;
  for (const s of SPLITS) {
    const p = `splits/${s}.txt`;
    splits[s] = (await source.has(p))
      ? parseSplitFile(await source.readText(p), source.display(p), info.numImages)
      : new Uint32Array(0);
  }
  return { info, labels, splits };
}

async function readCatalogEntry(source: DatasetSource): Promise<CatalogDataset> {
  const { info, labels, splits } = await readDatasetMeta(source);
  return catalogEntry(info, labels, splits, 'unknown');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function hashFile(path: string, h = createHash('sha256')): Promise<ReturnType<typeof createHash>> {
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h;
}

async function hashFolder(dir: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of walk(dir).sort()) {
    h.update(`${relative(dir, f)}\0${statSync(f).size}\0`);
    await hashFile(f, h);
  }
  return `sha256:${h.digest('hex')}`;
}

/** The zips and dataset folders directly in `dir` (a folder holding info.yaml is itself one dataset). */
export function listDataInputs(dir: string): { path: string; kind: 'zip' | 'folder' }[] {
  const root = resolve(dir);
  if (!existsSync(root)) throw new DataError(`--data ${dir}: no such folder`);
  if (!statSync(root).isDirectory()) throw new DataError(`--data ${dir}: not a folder`);
  if (existsSync(join(root, 'info.yaml'))) return [{ path: root, kind: 'folder' }];
  const out: { path: string; kind: 'zip' | 'folder' }[] = [];
  for (const e of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(root, e.name);
    if (e.isFile() && /\.zip$/i.test(e.name)) out.push({ path: p, kind: 'zip' });
    else if (e.isDirectory() && existsSync(join(p, 'info.yaml'))) out.push({ path: p, kind: 'folder' });
  }
  if (out.length === 0)
    throw new DataError(`--data ${dir}: no MedIMeta zips (*.zip) or dataset folders (with info.yaml) in it`);
  return out;
}

/** Read every input of `--data` (metadata only) and hash it. Errors name the file. */
export async function readDataInputs(dir: string): Promise<DataInput[]> {
  const inputs: DataInput[] = [];
  for (const { path, kind } of listDataInputs(dir)) {
    let source: DatasetSource | undefined;
    try {
      if (kind === 'zip') source = await zipSource(await openAsBlob(path), { name: basename(path) });
      else {
        const files = walk(path).map((f) => ({ path: relative(path, f).split('\\').join('/'), file: f }));
        const blobs = await Promise.all(files.map(async (f) => ({ path: f.path, file: await openAsBlob(f.file) })));
        source = filesSource(blobs, basename(path));
      }
      const catalog = await readCatalogEntry(source);
      const sourceHash = kind === 'zip' ? `sha256:${(await hashFile(path)).digest('hex')}` : await hashFolder(path);
      inputs.push({ path, kind, id: catalog.id, sourceHash, catalog });
    } catch (e) {
      throw new DataError(`--data: cannot read ${path}: ${problemText(e)}`);
    } finally {
      await source?.close();
    }
  }
  const seen = new Map<string, string>();
  for (const i of inputs) {
    const other = seen.get(i.id);
    if (other) throw new DataError(`--data: ${other} and ${i.path} both hold dataset id "${i.id}"`);
    seen.set(i.id, i.path);
  }
  return inputs;
}

/** Demo (when asked), then earlier imports, then this sweep's inputs; a later entry replaces an id. */
export function sweepCatalog(demo: boolean, earlier: CatalogDataset[], inputs: DataInput[]): Catalog {
  const byId = new Map<string, CatalogDataset>();
  for (const d of [...(demo ? demoCatalog() : []), ...earlier, ...inputs.map((i) => i.catalog)]) byId.set(d.id, d);
  return [...byId.values()];
}
