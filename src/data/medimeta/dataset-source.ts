/**
 * "A dataset folder", whatever holds it: a zip (File/Blob or URL), the Files of a folder picker
 * (webkitRelativePath), a served folder at a URL, or bytes in memory (tests). Paths are relative to the
 * dataset folder (`info.yaml`, `task_labels/disease class.npy`, `images/000012.tiff`).
 *
 * The dataset folder is located the same way for zips and picked folders: the shallowest `info.yaml`
 * (`<id>/info.yaml` in a MedIMeta zip, or at the root). With none, the single top-level folder is taken
 * (so the missing info.yaml is reported as `<id>/info.yaml`). `__MACOSX/` and `.DS_Store` are ignored.
 */
import { ValidationError, fail, makeProblem } from './problems';
import { openZip, type OpenZipOptions, type ZipArchive } from './zip';

export interface DatasetSource {
  /** The dataset folder's name, used in messages: `bus` -> `bus/info.yaml`. */
  readonly name: string;
  readonly kind: 'zip' | 'files' | 'url' | 'memory';
  /** Every file of the dataset folder, relative paths, sorted. */
  list(): Promise<string[]>;
  has(path: string): Promise<boolean>;
  /** Size in bytes, when known without reading. */
  size(path: string): Promise<number | undefined>;
  readBytes(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  /** The file as a Blob, for random access (images.hdf5). See `blobIsLazy`. */
  blob(path: string): Promise<Blob>;
  /** True when `blob(path)` reads lazily from the original (no copy, no download, no inflate). */
  blobIsLazy(path: string): boolean;
  /** `name/path`, for messages. */
  display(path: string): string;
  close(): Promise<void>;
}

const IGNORED = /(^|\/)(__MACOSX\/|\.DS_Store$)/;

/** The dataset folder inside a list of paths (see the file comment). Throws when ambiguous. */
export function locateRoot(paths: string[], fallbackName: string): { root: string; name: string } {
  const kept = paths.filter((p) => !IGNORED.test(p));
  const infos = kept.filter((p) => p === 'info.yaml' || p.endsWith('/info.yaml'));
  const depth = (p: string) => p.split('/').length;
  if (infos.length > 0) {
    const min = Math.min(...infos.map(depth));
    const top = infos.filter((p) => depth(p) === min);
    if (top.length > 1) {
      fail(
        fallbackName,
        '',
        'one dataset folder (one info.yaml)',
        `${top.length}: ${top.join(', ')}`,
        'import one dataset at a time',
      );
    }
    const root = (top[0] as string).slice(0, -'info.yaml'.length);
    return { root, name: rootName(root, fallbackName) };
  }
  const tops = new Set(kept.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/') + 1) : '')));
  const only = tops.size === 1 ? ([...tops][0] as string) : '';
  return { root: only, name: rootName(only, fallbackName) };
}

function rootName(root: string, fallback: string): string {
  if (root === '') return fallback.replace(/\.zip$/i, '');
  const parts = root.split('/').filter((x) => x !== '');
  return parts[parts.length - 1] ?? fallback;
}

function decodeText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError([makeProblem(file, '', 'UTF-8 text', `${bytes.length} bytes that are not UTF-8`)]);
  }
}

/** Shared implementation over a map of relative path -> accessor. */
abstract class MapSource implements DatasetSource {
  abstract readonly kind: DatasetSource['kind'];
  private readonly set: Set<string>;
  constructor(
    readonly name: string,
    protected readonly paths: string[],
  ) {
    this.paths.sort();
    this.set = new Set(paths);
  }
  async list(): Promise<string[]> {
    return [...this.paths];
  }
  async has(path: string): Promise<boolean> {
    return this.set.has(path);
  }
  abstract size(path: string): Promise<number | undefined>;
  abstract readBytes(path: string): Promise<Uint8Array>;
  abstract blob(path: string): Promise<Blob>;
  abstract blobIsLazy(path: string): boolean;
  async readText(path: string): Promise<string> {
    return decodeText(await this.readBytes(path), this.display(path));
  }
  display(path: string): string {
    return `${this.name}/${path}`;
  }
  protected missing(path: string): never {
    fail(this.display(path), '', 'a file', 'nothing', 'missing');
  }
  async close(): Promise<void> {}
}

class ZipSource extends MapSource {
  readonly kind = 'zip' as const;
  constructor(
    private readonly zip: ZipArchive,
    private readonly root: string,
    name: string,
  ) {
    super(
      name,
      zip
        .paths()
        .filter((p) => p.startsWith(root) && !IGNORED.test(p))
        .map((p) => p.slice(root.length)),
    );
  }
  async size(path: string) {
    return this.zip.entry(this.root + path)?.size;
  }
  async readBytes(path: string) {
    if (!this.zip.entry(this.root + path)) this.missing(path);
    return this.zip.bytes(this.root + path);
  }
  async blob(path: string) {
    if (!this.zip.entry(this.root + path)) this.missing(path);
    return this.zip.blob(this.root + path);
  }
  blobIsLazy(path: string) {
    return this.zip.entry(this.root + path) !== undefined && this.zip.blobIsLazy(this.root + path);
  }
  override async close() {
    await this.zip.close();
  }
}

/** A dataset in a zip (`<id>/...` inside, or files at the root), from a File/Blob or a URL. */
export async function zipSource(input: Blob | string | URL, opts: OpenZipOptions = {}): Promise<DatasetSource> {
  const zip = await openZip(input, opts);
  try {
    const { root, name } = locateRoot(zip.paths(), zip.name);
    return new ZipSource(zip, root, name);
  } catch (e) {
    await zip.close();
    throw e;
  }
}

export interface PathAndBlob {
  path: string;
  file: Blob;
}

class FilesSource extends MapSource {
  readonly kind = 'files' as const;
  constructor(
    private readonly files: Map<string, Blob>,
    name: string,
  ) {
    super(name, [...files.keys()]);
  }
  async size(path: string) {
    return this.files.get(path)?.size;
  }
  private get(path: string): Blob {
    return this.files.get(path) ?? this.missing(path);
  }
  async readBytes(path: string) {
    return new Uint8Array(await this.get(path).arrayBuffer());
  }
  async blob(path: string) {
    return this.get(path);
  }
  blobIsLazy(path: string) {
    return this.files.has(path);
  }
}

/**
 * The Files of a folder picker (`<input type=file webkitdirectory>`: each File's webkitRelativePath is
 * `bus/info.yaml`), or explicit {path, file} pairs. Picking the dataset folder or its parent both work.
 */
export function filesSource(files: Iterable<File | PathAndBlob>, name = 'dataset'): DatasetSource {
  const all = new Map<string, Blob>();
  for (const f of files) {
    if ('path' in f && 'file' in f) all.set(f.path.replace(/^\/+/, ''), f.file);
    else {
      const file = f as File;
      all.set((file.webkitRelativePath || file.name).replace(/^\/+/, ''), file);
    }
  }
  const { root, name: rootNameFound } = locateRoot([...all.keys()], name);
  const inRoot = new Map<string, Blob>();
  for (const [p, b] of all) if (p.startsWith(root) && !IGNORED.test(p)) inRoot.set(p.slice(root.length), b);
  return new FilesSource(inRoot, rootNameFound);
}

class MemorySource extends MapSource {
  readonly kind = 'memory' as const;
  constructor(
    private readonly files: Map<string, Uint8Array>,
    name: string,
  ) {
    super(name, [...files.keys()]);
  }
  async size(path: string) {
    return this.files.get(path)?.length;
  }
  async readBytes(path: string) {
    return this.files.get(path) ?? this.missing(path);
  }
  async blob(path: string) {
    return new Blob([(this.files.get(path) ?? this.missing(path)) as Uint8Array<ArrayBuffer>]);
  }
  blobIsLazy() {
    return false;
  }
}

/** A dataset folder held in memory (tests, generated fixtures): relative path -> bytes. */
export function memorySource(files: Map<string, Uint8Array>, name: string): DatasetSource {
  return new MemorySource(new Map(files), name);
}

export interface UrlSourceOptions {
  fetch?: typeof fetch;
  /** Display name (default: the last segment of the URL). */
  name?: string;
}

/**
 * A dataset folder served over HTTP (`<base>/info.yaml`, ...). HTTP cannot list a folder, so `list()`
 * reads info.yaml and asks (HEAD) for each file the format names: task_labels/<task>.npy, splits/*.txt,
 * original_splits/*.txt, images.hdf5, annotations.csv, LICENSE. TIFFs are not asked one by one: when
 * images/000000.tiff exists, images/000000.tiff .. images/<N-1>.tiff are listed (a missing one fails
 * when it is read). `blob()` downloads (response.blob()).
 */
export async function urlSource(base: string | URL, opts: UrlSourceOptions = {}): Promise<DatasetSource> {
  const f = opts.fetch ?? fetch;
  const baseStr = String(base).replace(/\/+$/, '');
  const name = opts.name ?? decodeURIComponent(baseStr.slice(baseStr.lastIndexOf('/') + 1)) ?? 'dataset';
  const url = (path: string) => `${baseStr}/${path.split('/').map(encodeURIComponent).join('/')}`;
  const display = (path: string) => `${name}/${path}`;
  const exists = async (path: string): Promise<{ ok: boolean; size?: number }> => {
    try {
      const r = await f(url(path), { method: 'HEAD' });
      const len = r.headers.get('content-length');
      return { ok: r.ok, size: len !== null ? Number(len) : undefined };
    } catch {
      return { ok: false };
    }
  };
  const get = async (path: string): Promise<Response> => {
    let r: Response;
    try {
      r = await f(url(path));
    } catch (e) {
      fail(display(path), '', 'a reachable file', 'a network error', e instanceof Error ? e.message : String(e));
    }
    if (!r.ok) {
      await r.body?.cancel();
      if (r.status === 404) fail(display(path), '', 'a file', 'nothing', 'HTTP 404');
      fail(display(path), '', 'a file (HTTP 200)', `HTTP ${r.status}`);
    }
    return r;
  };

  const sizes = new Map<string, number | undefined>();
  let listing: string[] | undefined;
  const list = async (): Promise<string[]> => {
    if (listing) return listing;
    const candidates = ['info.yaml', 'images.hdf5', 'annotations.csv', 'LICENSE'];
    for (const s of ['train', 'val', 'test']) candidates.push(`splits/${s}.txt`, `original_splits/${s}.txt`);
    let numImages = 0;
    try {
      const { parseDocument } = await import('yaml');
      const text = await (await get('info.yaml')).text();
      const doc = parseDocument(text, { version: '1.1' }).toJS() as {
        tasks?: { task_name?: unknown }[];
        total_num_samples?: unknown;
        original_splits_num_samples?: unknown;
      };
      for (const t of doc.tasks ?? [])
        if (typeof t?.task_name === 'string') candidates.push(`task_labels/${t.task_name}.npy`);
      if (typeof doc.total_num_samples === 'number') numImages = doc.total_num_samples;
      if (doc.original_splits_num_samples && typeof doc.original_splits_num_samples === 'object') {
        for (const s of Object.keys(doc.original_splits_num_samples)) candidates.push(`original_splits/${s}.txt`);
      }
    } catch {
      /* an unreadable info.yaml is reported when it is read */
    }
    const uniq = [...new Set(candidates)];
    const found = await Promise.all(uniq.map(async (p) => [p, await exists(p)] as const));
    const out: string[] = [];
    for (const [p, r] of found) {
      if (r.ok) {
        out.push(p);
        sizes.set(p, r.size);
      }
    }
    if (numImages > 0 && (await exists('images/000000.tiff')).ok) {
      for (let i = 0; i < numImages; i++) out.push(`images/${String(i).padStart(6, '0')}.tiff`);
    }
    listing = out.sort();
    return listing;
  };

  return {
    name,
    kind: 'url',
    list,
    has: async (path) => (await list()).includes(path),
    size: async (path) => {
      await list();
      return sizes.get(path);
    },
    readBytes: async (path) => new Uint8Array(await (await get(path)).arrayBuffer()),
    readText: async (path) => decodeText(new Uint8Array(await (await get(path)).arrayBuffer()), display(path)),
    blob: async (path) => (await get(path)).blob(),
    blobIsLazy: () => false,
    display,
    close: async () => {},
  };
}
