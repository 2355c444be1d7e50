/**
 * The top level of a MedIMeta import: validate EVERYTHING about a dataset folder before a single image
 * is handed out, then stream the images in index order.
 *
 * Checked, with every problem collected (file, field, expected, found) into one ValidationError:
 * info.yaml (keys, types, targets, labels); the images (images.hdf5: readable, `images` uint8 with the
 * geometry of input_size, first and last image readable; or images/NNNNNN.tiff: exactly 0..N-1, each
 * TIFF's header 8-bit L/RGB at 224 x 224 and not truncated); N of the images = total_num_samples; each
 * task's .npy present, readable, of length N (or (N, L)), every value a key of `labels`; each split file
 * readable, indices in range and unique, its length = splits_num_samples (a split of 0 has no file);
 * splits disjoint. original_splits, annotations.csv and LICENSE only give warnings.
 *
 * Images whose size or channel count differ from input_size are problems unless `resize: true`: then
 * channels are converted as the reference reader does (PIL L <-> RGB) and sizes resized (PIL BILINEAR),
 * and the counts are recorded in `provenance`.
 */
import {
  SPLITS,
  imageBytes,
  type DatasetInfo,
  type SplitIndices,
  type SplitName,
  type TaskLabels,
} from '../../core/types';
import { convertChannels, resizeBilinear } from './channels';
import type { DatasetSource } from './dataset-source';
import { openHdf5Images, type Hdf5Images } from './hdf5';
import { IMAGE_SIZE, parseInfoYaml } from './info-yaml';
import { toTaskLabels } from './labels';
import { parseNpy } from './npy';
import { Problems, ValidationError, collect, collectAsync, fail, show, type Problem } from './problems';
import { runs, selectImages, type MaxPerClass, type Selection } from './selection';
import { parseSplitFile } from './splits';
import { decodeTiff, readTiffHeader } from './tiff';

export interface ReadDatasetOptions {
  /** Import only these splits' images (indices are remapped; see selection.ts). */
  splits?: SplitName[];
  /** At most `count` images per class of `task`, per split, drawn with `seed`. */
  maxPerClass?: MaxPerClass;
  /** Convert channels / resize images that do not match input_size instead of rejecting them. */
  resize?: boolean;
  /** Images per streamed chunk (default 32: 1.6 MB gray, 4.8 MB RGB). */
  chunkSize?: number;
  /**
   * Which copy of the images to read. 'auto' (default): images.hdf5 when it can be read lazily (a picked
   * folder, a stored entry of a zip File) or when there are no TIFFs; otherwise the TIFFs, which stream
   * one small file at a time instead of inflating a multi-GB images.hdf5 into a Blob first.
   */
  images?: 'auto' | 'hdf5' | 'tiff';
  /** Read every TIFF's header before streaming (default true; costs one extra read of the TIFFs). */
  checkAllTiffs?: boolean;
  /** Called while validating (e.g. TIFF headers checked so far). */
  onProgress?: (p: { stage: string; done: number; total: number }) => void;
}

export interface ImageChunk {
  /** New index of the first image in this chunk. */
  start: number;
  count: number;
  /** HWC uint8 at 224 x 224 x C, `count` images back to back. A fresh buffer: safe to transfer. */
  pixels: Uint8Array;
}

export interface DatasetRead {
  /** The dataset as it will be stored (numImages and splitSizes after selection). */
  info: DatasetInfo;
  labels: Record<string, TaskLabels>;
  splits: SplitIndices;
  /** Original index of each imported image (0..N-1 when nothing was left out). */
  originalIndices: Uint32Array;
  /** What was done, for the store's manifest. */
  provenance: Record<string, string | number | boolean>;
  warnings: Problem[];
  imageSource: { kind: 'hdf5' | 'tiff'; file: string; lazy: boolean };
  /** Streams the kept images in (new) index order, `chunkSize` at a time. Can be iterated again. */
  images: AsyncIterable<ImageChunk>;
  /** Release the HDF5 handle (the source itself belongs to the caller). */
  close(): void;
}

export const DEFAULT_CHUNK = 32;
/** Problems of one kind listed one by one (missing TIFFs, odd shapes) before they are summarised. */
const MAX_LISTED = 20;

const TIFF_NAME = /^images\/(\d+)\.tiff?$/;

interface Geometry {
  height: number;
  width: number;
  channels: number;
}

function tiffName(i: number): string {
  return `images/${String(i).padStart(6, '0')}.tiff`;
}

export async function readDataset(source: DatasetSource, options: ReadDatasetOptions = {}): Promise<DatasetRead> {
  const problems = new Problems(25);
  const d = (p: string) => source.display(p);
  const list = await source.list();
  const files = new Set(list);
  const progress = options.onProgress;

  // 1. info.yaml
  let info: DatasetInfo | undefined;
  let originalSizes: Record<string, number> | undefined;
  if (!files.has('info.yaml')) {
    problems.add(d('info.yaml'), '', 'a file', 'nothing', 'every MedIMeta dataset folder has info.yaml');
  } else {
    const parsed = await collectAsync(problems, async () =>
      parseInfoYaml(await source.readText('info.yaml'), d('info.yaml')),
    );
    if (parsed) {
      info = parsed.info;
      originalSizes = parsed.originalSplitSizes;
      problems.warnings.push(...parsed.warnings);
      if (parsed.info.id !== source.name && source.kind !== 'memory') {
        problems.warn(
          d('info.yaml'),
          'id',
          `the dataset folder's name, "${source.name}"`,
          show(parsed.info.id),
          'the id is used',
        );
      }
    }
  }
  const N = info?.numImages;

  // 2. images
  const tiffs = list.filter((p) => TIFF_NAME.test(p));
  const hasHdf5 = files.has('images.hdf5');
  const want = options.images ?? 'auto';
  let kind: 'hdf5' | 'tiff' | undefined;
  if (want === 'hdf5' || (want === 'auto' && hasHdf5 && (source.blobIsLazy('images.hdf5') || tiffs.length === 0)))
    kind = 'hdf5';
  else if (want === 'tiff' || tiffs.length > 0) kind = 'tiff';
  else if (hasHdf5) kind = 'hdf5';
  let hdf5: Hdf5Images | undefined;
  let imageCount: number | undefined;
  const convert = { resized: 0, channels: 0 };
  const storedGeometry: Geometry[] = [];
  const expectC = info?.channels;
  const mismatch = (g: Geometry) =>
    expectC !== undefined && (g.height !== IMAGE_SIZE || g.width !== IMAGE_SIZE || g.channels !== expectC);

  if (kind === undefined) {
    problems.add(d('images.hdf5'), '', 'images.hdf5 or images/000000.tiff ...', 'neither', 'the dataset has no images');
  } else if (kind === 'hdf5') {
    if (!hasHdf5) problems.add(d('images.hdf5'), '', 'a file', 'nothing');
    else {
      hdf5 = await collectAsync(problems, async () =>
        openHdf5Images(await source.blob('images.hdf5'), d('images.hdf5')),
      );
      if (hdf5) {
        imageCount = hdf5.count;
        const g = { height: hdf5.height, width: hdf5.width, channels: hdf5.channels };
        if (mismatch(g) && info) {
          if (options.resize) {
            if (g.channels !== info.channels) convert.channels = hdf5.count;
            if (g.height !== IMAGE_SIZE || g.width !== IMAGE_SIZE) convert.resized = hdf5.count;
          } else {
            const want = `(${hdf5.count}, 224, 224${info.channels === 3 ? ', 3' : ''})`;
            const found = `(${hdf5.count}, ${g.height}, ${g.width}${hdf5.channels === 3 ? ', 3' : ''})`;
            problems.add(
              d('images.hdf5'),
              'shape',
              `${want} for input_size [${info.channels}, 224, 224]`,
              found,
              'import with resize to convert',
            );
          }
        }
        if (hdf5.count > 0) {
          const h = hdf5;
          collect(problems, () => h.read(0, 1));
          if (h.count > 1) collect(problems, () => h.read(h.count - 1, 1));
        }
      }
    }
  } else {
    const indices = new Map<number, string>();
    for (const p of tiffs) {
      const i = Number((TIFF_NAME.exec(p) as RegExpExecArray)[1]);
      if (indices.has(i)) problems.add(d(p), '', `one file for image ${i}`, `also ${indices.get(i)}`);
      indices.set(i, p);
    }
    let max = -1;
    for (const i of indices.keys()) if (i > max) max = i;
    const count = N ?? max + 1;
    imageCount = count;
    const missing: number[] = [];
    for (let i = 0; i < imageCount; i++) if (!indices.has(i)) missing.push(i);
    for (const i of missing.slice(0, MAX_LISTED))
      problems.add(d(tiffName(i)), '', `a file (images 0..${imageCount - 1})`, 'nothing', 'missing image');
    if (missing.length > MAX_LISTED)
      problems.add(d('images'), '', `images 0..${imageCount - 1}`, `${missing.length - MAX_LISTED} more missing`);
    const extra = [...indices].filter(([i]) => i >= count);
    for (const [, p] of extra.slice(0, MAX_LISTED))
      problems.add(d(p), '', `no image beyond index ${imageCount - 1} (total_num_samples)`, 'a file');
    if (extra.length > MAX_LISTED)
      problems.add(
        d('images'),
        '',
        `no image beyond index ${imageCount - 1}`,
        `${extra.length - MAX_LISTED} more such files`,
      );
    let odd = 0;
    if ((options.checkAllTiffs ?? true) && info) {
      const total = Math.min(imageCount, indices.size);
      let done = 0;
      for (let i = 0; i < imageCount; i++) {
        const p = indices.get(i);
        if (!p) continue;
        const h = await collectAsync(problems, async () => readTiffHeader(await source.readBytes(p), d(p)));
        if (h) {
          const g = { height: h.height, width: h.width, channels: h.samples };
          storedGeometry[i] = g;
          if (mismatch(g)) {
            if (options.resize) {
              if (g.channels !== info.channels) convert.channels++;
              if (g.height !== IMAGE_SIZE || g.width !== IMAGE_SIZE) convert.resized++;
            } else if (++odd <= MAX_LISTED) {
              problems.add(
                d(p),
                'shape',
                `224 x 224 x ${info.channels} (input_size)`,
                `${g.height} x ${g.width} x ${g.channels}`,
                'import with resize to convert',
              );
            }
          }
        }
        if (++done % 256 === 0) progress?.({ stage: 'tiff-headers', done, total });
      }
      progress?.({ stage: 'tiff-headers', done, total });
      if (odd > MAX_LISTED)
        problems.add(
          d('images'),
          'shape',
          `224 x 224 x ${info.channels} (input_size)`,
          `${odd - MAX_LISTED} more TIFFs of another shape`,
        );
    }
  }
  if (info && imageCount !== undefined && imageCount !== info.numImages) {
    const where = kind === 'hdf5' ? 'images.hdf5' : 'images/';
    problems.add(d('info.yaml'), 'total_num_samples', `${imageCount} (the images in ${where})`, String(info.numImages));
  }

  // 3. labels
  const labels: Record<string, TaskLabels> = {};
  const taskFiles = new Set<string>();
  for (const t of info?.tasks ?? []) {
    const p = `task_labels/${t.name}.npy`;
    taskFiles.add(p);
    if (!files.has(p)) {
      problems.add(d(p), '', `a file (labels of task "${t.name}")`, 'nothing');
      continue;
    }
    const y = await collectAsync(problems, async () =>
      toTaskLabels(t, parseNpy(await source.readBytes(p), d(p)), N as number, d(p)),
    );
    if (y) labels[t.name] = y;
  }
  for (const p of list) {
    if (p.startsWith('task_labels/') && !taskFiles.has(p) && info)
      problems.warn(d(p), '', 'a task named in info.yaml', show(p), 'ignored');
  }

  // 4. splits
  const splits = {} as SplitIndices;
  for (const s of SPLITS) {
    const p = `splits/${s}.txt`;
    const declared = info?.splitSizes[s];
    if (!files.has(p)) {
      splits[s] = new Uint32Array(0);
      if (declared) problems.add(d(p), '', `a file listing ${declared} images (splits_num_samples.${s})`, 'nothing');
      continue;
    }
    const idx = await collectAsync(problems, async () =>
      parseSplitFile(await source.readText(p), d(p), N ?? imageCount),
    );
    if (!idx) continue;
    splits[s] = idx;
    if (declared !== undefined && idx.length !== declared) {
      problems.add(
        d('info.yaml'),
        `splits_num_samples.${s}`,
        `${idx.length} (the images listed in ${d(p)})`,
        String(declared),
      );
    }
  }
  if (N !== undefined && SPLITS.every((s) => splits[s])) {
    const owner = new Int8Array(N).fill(-1);
    SPLITS.forEach((s, k) => {
      for (const i of splits[s]) {
        const o = owner[i] as number;
        if (o >= 0) {
          problems.add(
            d(`splits/${s}.txt`),
            `image ${i}`,
            'an image in one split only',
            `image ${i} also in splits/${SPLITS[o]}.txt`,
          );
        }
        owner[i] = k;
      }
    });
  }

  // 5. extras: warnings only
  for (const p of list.filter((x) => x.startsWith('original_splits/') && x.endsWith('.txt'))) {
    const w = new Problems(5);
    const idx = await collectAsync(w, async () => parseSplitFile(await source.readText(p), d(p), N));
    for (const x of w.all()) problems.warnings.push(x);
    const name = p.slice('original_splits/'.length, -4);
    if (idx) {
      const declared = originalSizes?.[name];
      if (declared !== undefined && declared !== idx.length) {
        problems.warn(
          d('info.yaml'),
          `original_splits_num_samples.${name}`,
          `${idx.length} (the images listed in ${d(p)})`,
          String(declared),
        );
      }
    }
  }
  if (!files.has('annotations.csv'))
    problems.warn(d('annotations.csv'), '', 'a file', 'nothing', 'not needed for import');
  if (!files.has('LICENSE')) problems.warn(d('LICENSE'), '', 'a file', 'nothing', 'the licence in info.yaml is used');

  if (!problems.ok || !info || !kind || imageCount === undefined) {
    hdf5?.close();
    if (problems.ok) problems.add(source.name, '', 'a readable dataset', 'nothing usable');
    throw new ValidationError(problems.all(), problems.warnings);
  }

  // 6. selection and streaming
  let sel: Selection;
  try {
    sel = selectImages(info, labels, splits, { splits: options.splits, maxPerClass: options.maxPerClass });
  } catch (e) {
    hdf5?.close();
    throw e;
  }
  const chunk = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK));
  const outBytes = imageBytes(info);
  const srcKind = kind;
  const h5 = hdf5;
  const finfo = info;
  const resize = options.resize ?? false;

  const fix = (px: Uint8Array, g: Geometry, file: string): Uint8Array => {
    if (!mismatch(g)) return px;
    if (!resize)
      fail(
        file,
        'shape',
        `224 x 224 x ${finfo.channels} (input_size)`,
        `${g.height} x ${g.width} x ${g.channels}`,
        'import with resize to convert',
      );
    const c = convertChannels(px, g.channels as 1 | 3, finfo.channels);
    return resizeBilinear(c, g.height, g.width, finfo.channels, IMAGE_SIZE, IMAGE_SIZE);
  };

  async function* streamHdf5(): AsyncGenerator<ImageChunk> {
    const h = h5 as Hdf5Images;
    const g = { height: h.height, width: h.width, channels: h.channels };
    const inBytes = g.height * g.width * g.channels;
    let next = 0;
    let buf: Uint8Array | undefined;
    let filled = 0;
    let bufStart = 0;
    for (const [start, count] of runs(sel.kept, chunk)) {
      const raw = h.read(start, count);
      if (!mismatch(g) && filled === 0 && count === chunk) {
        yield { start: next, count, pixels: raw };
        next += count;
        bufStart = next;
        continue;
      }
      for (let k = 0; k < count; k++) {
        buf ??= new Uint8Array(chunk * outBytes);
        const px = fix(raw.subarray(k * inBytes, (k + 1) * inBytes), g, h.file);
        buf.set(px, filled * outBytes);
        filled++;
        next++;
        if (filled === chunk) {
          yield { start: bufStart, count: filled, pixels: buf };
          buf = undefined;
          filled = 0;
          bufStart = next;
        }
      }
    }
    if (filled > 0 && buf) yield { start: bufStart, count: filled, pixels: buf.slice(0, filled * outBytes) };
  }

  async function* streamTiff(): AsyncGenerator<ImageChunk> {
    const kept = sel.kept;
    for (let s = 0; s < kept.length; s += chunk) {
      const count = Math.min(chunk, kept.length - s);
      const buf = new Uint8Array(count * outBytes);
      const decoded = await Promise.all(
        Array.from(kept.subarray(s, s + count), async (i) => {
          const p = tiffName(i);
          const img = decodeTiff(await source.readBytes(p), d(p));
          return fix(img.pixels, { height: img.height, width: img.width, channels: img.channels }, d(p));
        }),
      );
      decoded.forEach((px, k) => buf.set(px, k * outBytes));
      yield { start: s, count, pixels: buf };
    }
  }

  const provenance: Record<string, string | number | boolean> = {
    format: 'medimeta',
    sourceKind: source.kind,
    sourceName: source.name,
    imageSource: srcKind === 'hdf5' ? 'images.hdf5' : 'images/*.tiff',
    originalNumImages: finfo.numImages,
  };
  if (options.splits) provenance.keptSplits = options.splits.join(',');
  if (options.maxPerClass) {
    const m = options.maxPerClass;
    provenance.maxPerClass = `task=${m.task || info.tasks[0]?.name};count=${m.count};seed=${m.seed}`;
  }
  if (!sel.identity) provenance.keptImages = sel.kept.length;
  if (convert.resized) {
    provenance.resized = convert.resized;
    provenance.resizeMethod = 'PIL BILINEAR to 224x224';
  }
  if (convert.channels) {
    provenance.channelsConverted = convert.channels;
    provenance.channelMethod =
      finfo.channels === 1 ? 'PIL RGB->L (19595R+38470G+7471B+32768)>>16' : 'L->RGB replication';
  }

  return {
    info: sel.info,
    labels: sel.labels,
    splits: sel.splits,
    originalIndices: sel.kept,
    provenance,
    warnings: problems.warnings,
    imageSource: {
      kind: srcKind,
      file: d(srcKind === 'hdf5' ? 'images.hdf5' : 'images'),
      lazy: srcKind === 'hdf5' ? source.blobIsLazy('images.hdf5') : true,
    },
    images: { [Symbol.asyncIterator]: () => (srcKind === 'hdf5' ? streamHdf5() : streamTiff()) },
    close: () => h5?.close(),
  };
}
