/**
 * images.hdf5 with h5wasm, streamed: the file is mounted on a lazy Emscripten filesystem (lazy-fs.ts)
 * and libhdf5 reads only what a slice needs, so memory holds one slice of K images, never the dataset.
 *
 * Format: one dataset `images`, uint8, (N, H, W) for grayscale or (N, H, W, 3) channels-last for RGB
 * ((N, H, W, 1) is accepted as grayscale). Contiguous, chunked and deflate-compressed layouts all work
 * (libhdf5 does the decompression).
 *
 * Errors (ValidationError naming the file): not HDF5 / truncated (libhdf5 checks the stored end of file
 * on open), no `images` dataset, not uint8, wrong rank; a failing read (corrupt chunk) throws from `read`.
 */
import type { Dataset, File as H5File } from 'h5wasm';
import { mountLazy, type EmFS } from './lazy-fs';
import { ValidationError, fail, makeProblem, show } from './problems';
import { anyBlobAccess, bytesAccess, type RandomAccess } from './random-access';

export interface Hdf5Images {
  readonly file: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** HDF5 chunk shape, or undefined for contiguous storage. */
  readonly chunks: number[] | undefined;
  /** Filters on the dataset, e.g. ['deflate']. */
  readonly filters: string[];
  /** Images [start, start + count) as HWC uint8, back to back. */
  read(start: number, count: number): Uint8Array;
  close(): void;
}

type H5Lib = typeof import('h5wasm');
let lib: Promise<{ h5: H5Lib; FS: EmFS }> | undefined;

/** Load h5wasm once (4 MB of wasm, loaded only when an HDF5 file is opened) and make HDF5 errors throw. */
export function loadH5wasm(): Promise<{ h5: H5Lib; FS: EmFS }> {
  lib ??= (async () => {
    const h5 = await import('h5wasm');
    const Module = await h5.ready;
    // Without this, libhdf5 prints its error stack to stderr and returns negative ids.
    (Module as unknown as { activate_throwing_error_handler(): void }).activate_throwing_error_handler();
    return { h5, FS: Module.FS as unknown as EmFS };
  })();
  return lib;
}

/** The last meaningful lines of a libhdf5 error stack ("minor: File has been truncated"). */
export function hdf5Reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const minors = [...msg.matchAll(/minor: (.*)/g)].map((m) => (m[1] as string).trim());
  const detail = /truncated file: [^\n]*/.exec(msg)?.[0];
  const out = detail ?? minors[minors.length - 1] ?? msg.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return out.trim();
}

/**
 * Open images.hdf5 from a RandomAccess source, a Blob/File (lazy in a worker, read into memory under
 * Node) or bytes. `file` is the display path for messages.
 */
export async function openHdf5Images(source: RandomAccess | Blob | Uint8Array, file: string): Promise<Hdf5Images> {
  const { h5, FS } = await loadH5wasm();
  const access =
    source instanceof Uint8Array
      ? bytesAccess(source)
      : typeof Blob !== 'undefined' && source instanceof Blob
        ? await anyBlobAccess(source)
        : (source as RandomAccess);
  const { dir, unmount } = mountLazy(FS, { 'images.hdf5': access });
  let f: H5File | undefined;
  try {
    try {
      f = new h5.File(`${dir}/images.hdf5`, 'r');
    } catch (e) {
      fail(file, '', 'a readable HDF5 file', `${access.size} bytes that libhdf5 cannot open`, hdf5Reason(e));
    }
    let ds: unknown;
    try {
      ds = f.get('images');
    } catch (e) {
      fail(file, 'images', 'an HDF5 dataset named "images"', 'an unreadable object', hdf5Reason(e));
    }
    if (!ds || (ds as { constructor: unknown }).constructor !== h5.Dataset) {
      const keys = safeKeys(f);
      fail(
        file,
        'images',
        'an HDF5 dataset named "images"',
        ds ? 'a group or link' : 'nothing',
        keys.length ? `the file holds ${keys.join(', ')}` : 'the file is empty',
      );
    }
    return describe(f, ds as Dataset, file, unmount);
  } catch (e) {
    try {
      f?.close();
    } catch {
      /* already broken */
    }
    unmount();
    throw e;
  }
}

function safeKeys(f: H5File): string[] {
  try {
    return f.keys();
  } catch {
    return [];
  }
}

function describe(f: H5File, ds: Dataset, file: string, unmount: () => void): Hdf5Images {
  const meta = ds.metadata;
  const shape = (meta.shape ?? []).map(Number);
  const problems = [];
  const H5T_INTEGER = 0;
  if (meta.type !== H5T_INTEGER || meta.size !== 1 || meta.signed) {
    problems.push(makeProblem(file, 'dtype', 'uint8 pixels', show(String(ds.dtype)), 'dataset "images"'));
  }
  const rankOk = shape.length === 3 || (shape.length === 4 && (shape[3] === 3 || shape[3] === 1));
  if (!rankOk) {
    problems.push(makeProblem(file, 'shape', '(N, H, W) or (N, H, W, 3)', `(${shape.join(', ')})`, 'dataset "images"'));
  }
  if (problems.length) throw new ValidationError(problems); // the caller closes and unmounts
  const [count, height, width] = shape as [number, number, number];
  const channels: 1 | 3 = shape.length === 4 && shape[3] === 3 ? 3 : 1;
  const imageBytes = height * width * channels;
  let open = true;
  return {
    file,
    count,
    height,
    width,
    channels,
    chunks: meta.chunks ? meta.chunks.map(Number) : undefined,
    filters: (() => {
      try {
        return ds.filters.map((x) => x.name);
      } catch {
        return [];
      }
    })(),
    read(start: number, n: number): Uint8Array {
      if (!open) throw new Error(`${file}: read after close`);
      if (!Number.isInteger(start) || !Number.isInteger(n) || start < 0 || n < 0 || start + n > count) {
        throw new RangeError(`${file}: images [${start}, ${start + n}) are outside [0, ${count})`);
      }
      if (n === 0) return new Uint8Array(0);
      let out: unknown;
      try {
        out = ds.slice([[start, start + n]]);
      } catch (e) {
        fail(file, `images ${start}..${start + n - 1}`, 'readable image data', 'a read error', hdf5Reason(e));
      }
      if (!(out instanceof Uint8Array) || out.length !== n * imageBytes) {
        fail(
          file,
          `images ${start}..${start + n - 1}`,
          `${n * imageBytes} bytes`,
          out instanceof Uint8Array ? `${out.length} bytes` : typeof out,
        );
      }
      return out;
    },
    close() {
      if (!open) return;
      open = false;
      try {
        f.close();
      } finally {
        unmount();
      }
    },
  };
}
