/**
 * Zip archives with @zip.js/zip.js (zip64 included), from a Blob/File or an HTTP(S) URL.
 *
 * - A Blob/File is read through BlobReader: only the central directory and the requested entries are
 *   read, never the whole archive.
 * - A URL is probed with one `Range: bytes=0-0` request. A 206 answer means the server does ranges and
 *   the archive is read with HttpRangeReader (only what is needed is downloaded); a 200 answer is used
 *   as a plain download (`response.blob()`; Chromium keeps large Blobs outside the JS heap and pages
 *   them to disk).
 * - `bytes(path)`: one entry inflated into memory (info.yaml, .npy, split files, one TIFF).
 * - `blob(path)`: an entry to be MOUNTED for random access (images.hdf5). A stored (uncompressed) entry
 *   of a Blob/File archive is returned as a lazy `slice` of the archive: no copy, nothing in memory.
 *   A deflated entry (or any entry of a URL archive) is inflated as a stream into a Blob via
 *   `new Response(stream).blob()`: the JS heap only holds the chunks in flight, Chromium's blob storage
 *   holds the rest and pages it to disk under pressure; under Node the Blob is in memory.
 */
import { BlobReader, HttpRangeReader, Uint8ArrayWriter, ZipReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { ValidationError, fail, makeProblem } from './problems';

export interface ZipEntryInfo {
  /** Full path inside the archive. */
  path: string;
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflate. */
  method: number;
  zip64: boolean;
}

export interface ZipArchive {
  /** Display name (the File's name or the URL's last segment). */
  readonly name: string;
  /** How the archive is read: 'blob' (File/Blob), 'http-range', or 'http-download'. */
  readonly access: 'blob' | 'http-range' | 'http-download';
  /** Every file entry's full path (directories left out), in archive order. */
  paths(): string[];
  entry(path: string): ZipEntryInfo | undefined;
  bytes(path: string): Promise<Uint8Array>;
  /** The entry as a Blob for random access (see the file comment for memory). */
  blob(path: string): Promise<Blob>;
  /** Whether `blob(path)` is a zero-copy slice of the archive (stored entry, Blob archive). */
  blobIsLazy(path: string): boolean;
  close(): Promise<void>;
}

export interface OpenZipOptions {
  /** Display name for messages (default: the File name or the URL's file name). */
  name?: string;
  /** The fetch to use for URLs (tests, auth headers). */
  fetch?: typeof fetch;
}

const READER_OPTIONS = { useWebWorkers: false } as const;

function nameOf(input: Blob | string | URL): string {
  if (typeof input === 'string' || input instanceof URL) {
    const u = String(input).split(/[?#]/)[0] as string;
    return decodeURIComponent(u.slice(u.lastIndexOf('/') + 1)) || String(input);
  }
  return (input as { name?: string }).name ?? 'archive.zip';
}

/** Open a zip from a Blob/File or a URL. Throws ValidationError for anything that is not a readable zip. */
export async function openZip(input: Blob | string | URL, opts: OpenZipOptions = {}): Promise<ZipArchive> {
  const name = opts.name ?? nameOf(input);
  let blob: Blob | undefined;
  let access: ZipArchive['access'] = 'blob';
  let reader: ZipReader<unknown>;
  if (typeof input === 'string' || input instanceof URL) {
    const url = String(input);
    const f = opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await f(url, { headers: { Range: 'bytes=0-0' } });
    } catch (e) {
      fail(name, '', 'a reachable URL', 'a network error', `${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status === 206) {
      await res.body?.cancel();
      access = 'http-range';
      reader = new ZipReader(new HttpRangeReader(url, { fetch: f }), READER_OPTIONS);
    } else if (res.ok) {
      access = 'http-download';
      blob = await res.blob();
      reader = new ZipReader(new BlobReader(blob), READER_OPTIONS);
    } else {
      await res.body?.cancel();
      fail(name, '', 'HTTP 200 or 206', `HTTP ${res.status} ${res.statusText}`, url);
    }
  } else {
    blob = input;
    reader = new ZipReader(new BlobReader(blob), READER_OPTIONS);
  }

  let entries: Entry[];
  try {
    entries = await reader.getEntries();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const size = blob ? `${blob.size} bytes` : 'data';
    throw new ValidationError([
      makeProblem(
        name,
        '',
        'a zip archive',
        /central directory|EOCD|End of/i.test(msg) ? `${size} without a zip directory` : size,
        msg,
      ),
    ]);
  }
  const files = new Map<string, FileEntry>();
  for (const e of entries) {
    if (e.directory) continue;
    if (e.filename.startsWith('__MACOSX/') || e.filename.endsWith('/.DS_Store') || e.filename === '.DS_Store') continue;
    files.set(e.filename, e);
  }
  const localOffsets = new Map<string, number>();

  const get = (path: string): FileEntry => {
    const e = files.get(path);
    if (!e) fail(`${name}/${path}`, '', 'an entry in the archive', 'nothing');
    return e;
  };
  const lazy = (e: FileEntry): boolean =>
    blob !== undefined && access === 'blob' && e.compressionMethod === 0 && !e.encrypted;

  return {
    name,
    access,
    paths: () => [...files.keys()],
    entry(path) {
      const e = files.get(path);
      return e
        ? {
            path,
            size: e.uncompressedSize,
            compressedSize: e.compressedSize,
            method: e.compressionMethod,
            zip64: e.zip64,
          }
        : undefined;
    },
    async bytes(path) {
      const e = get(path);
      try {
        return await e.getData(new Uint8ArrayWriter(), READER_OPTIONS);
      } catch (err) {
        fail(
          `${name}/${path}`,
          '',
          'a readable zip entry',
          'an entry that cannot be extracted',
          err instanceof Error ? err.message : String(err),
        );
      }
    },
    blobIsLazy(path) {
      return lazy(get(path));
    },
    async blob(path) {
      const e = get(path);
      if (lazy(e) && blob) {
        let start = localOffsets.get(path);
        if (start === undefined) {
          start = await dataStart(blob, e, `${name}/${path}`);
          localOffsets.set(path, start);
        }
        return blob.slice(start, start + e.compressedSize);
      }
      const ts = new TransformStream<Uint8Array, Uint8Array>();
      const spilled = new Response(ts.readable).blob();
      try {
        await e.getData(ts.writable, READER_OPTIONS);
      } catch (err) {
        spilled.catch(() => {});
        fail(
          `${name}/${path}`,
          '',
          'a readable zip entry',
          'an entry that cannot be extracted',
          err instanceof Error ? err.message : String(err),
        );
      }
      return spilled;
    },
    async close() {
      await reader.close();
    },
  };
}

/** Where a stored entry's data starts: after its local header (30 bytes + name + local extra field). */
async function dataStart(blob: Blob, e: FileEntry, file: string): Promise<number> {
  const head = new Uint8Array(await blob.slice(e.offset, e.offset + 30).arrayBuffer());
  const dv = new DataView(head.buffer);
  if (head.length < 30 || dv.getUint32(0, true) !== 0x04034b50) {
    fail(file, 'header', 'a zip local file header', `other bytes at offset ${e.offset}`, 'corrupt archive');
  }
  const start = e.offset + 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
  if (start + e.compressedSize > blob.size)
    fail(
      file,
      'data',
      `${e.compressedSize} bytes from offset ${start}`,
      `an archive of ${blob.size} bytes`,
      'truncated archive',
    );
  return start;
}
