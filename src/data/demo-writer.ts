import { imageBytes } from '../core/types';
import { demoMetaDataset, type DemoDataset } from './demo';
import type { DB } from './store/db';
import type { DatasetManifest } from './store/schema';
import { DatasetWriter } from './store/writer';

/** Bump when the generator's output changes, so stored demo data is regenerated. */
export const DEMO_GENERATOR = 'protobench-demo-v1';

export interface GenerateProgress {
  dataset: string;
  datasetIndex: number;
  datasets: number;
  images: number;
  totalImages: number;
  skipped: boolean;
}

export interface GenerateResult {
  written: string[];
  skipped: string[];
  manifests: DatasetManifest[];
  ms: number;
}

/** Images rendered per appendImages call: bounds memory (about 7 MB at 224x224x3). */
const CHUNK = 48;

/**
 * Writes the synthetic demo meta-dataset through the same store (and the same atomic writer) as an
 * imported dataset. Datasets already stored from the same generator version and seed are kept.
 */
export async function writeDemo(
  db: DB,
  seed: number,
  opts: { force?: boolean } = {},
  onProgress?: (p: GenerateProgress) => void,
): Promise<GenerateResult> {
  const t0 = performance.now();
  const sets = demoMetaDataset(seed);
  const totalImages = sets.reduce((n, d) => n + d.info.numImages, 0);
  const result: GenerateResult = { written: [], skipped: [], manifests: [], ms: 0 };
  let images = 0;
  for (const [k, d] of sets.entries()) {
    const existing = await db.get('datasets', d.info.id);
    const same = existing?.provenance.generator === DEMO_GENERATOR && existing.provenance.seed === seed;
    if (same && !opts.force) {
      images += d.info.numImages;
      result.skipped.push(d.info.id);
      result.manifests.push(existing);
      onProgress?.({ dataset: d.info.id, datasetIndex: k, datasets: sets.length, images, totalImages, skipped: true });
      continue;
    }
    const manifest = await writeOne(db, d, seed, (n) =>
      onProgress?.({
        dataset: d.info.id,
        datasetIndex: k,
        datasets: sets.length,
        images: images + n,
        totalImages,
        skipped: false,
      }),
    );
    images += d.info.numImages;
    result.written.push(d.info.id);
    result.manifests.push(manifest);
  }
  result.ms = performance.now() - t0;
  return result;
}

async function writeOne(db: DB, d: DemoDataset, seed: number, onImages: (n: number) => void): Promise<DatasetManifest> {
  const w = await DatasetWriter.begin(db, d.info, { replace: true, provenance: { generator: DEMO_GENERATOR, seed } });
  try {
    const per = imageBytes(d.info);
    const buf = new Uint8Array(CHUNK * per);
    for (let start = 0; start < d.info.numImages; start += CHUNK) {
      const count = Math.min(CHUNK, d.info.numImages - start);
      for (let i = 0; i < count; i++) d.render(start + i, buf.subarray(i * per, (i + 1) * per));
      await w.appendImages(buf.subarray(0, count * per), count);
      onImages(start + count);
    }
    for (const [task, labels] of Object.entries(d.labels)) w.setLabels(task, labels);
    w.setSplits(d.splits);
    return await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
