/**
 * A read-only Emscripten filesystem whose files are RandomAccess sources, for h5wasm. It is Emscripten's
 * WORKERFS with the byte source abstracted: WORKERFS itself reads Blobs through FileReaderSync and
 * asserts it runs in a worker, so it cannot be exercised under Node; this one serves the same lazy reads
 * from a Blob in a worker (blobAccess) and from memory in tests (bytesAccess), through one code path.
 */
import type { RandomAccess } from './random-access';

/** The part of Emscripten's FS object used here. */
export interface EmFS {
  mkdir(path: string): void;
  rmdir(path: string): void;
  mount(type: unknown, opts: unknown, mountpoint: string): unknown;
  unmount(mountpoint: string): void;
  createNode(parent: EmNode | null, name: string, mode: number, dev: number): EmNode;
  ErrnoError: new (errno: number) => Error;
}

interface EmNode {
  id: number;
  mode: number;
  size: number;
  timestamp: number;
  contents: unknown;
  node_ops: unknown;
  stream_ops: unknown;
}

interface EmStream {
  node: EmNode;
  position: number;
}

const DIR_MODE = 0o40555;
const FILE_MODE = 0o100444;
const EIO = 29;
const EINVAL = 28;
const ENOENT = 44;
const EPERM = 63;

/** Build the filesystem type for `FS.mount(type, {files: {name: RandomAccess}}, mountpoint)`. */
function lazyFs(FS: EmFS): unknown {
  const node_ops = {
    getattr(node: EmNode) {
      const t = new Date(node.timestamp);
      const dir = node.mode === DIR_MODE;
      return {
        dev: 1,
        ino: node.id,
        mode: node.mode,
        nlink: 1,
        uid: 0,
        gid: 0,
        rdev: 0,
        size: node.size,
        atime: t,
        mtime: t,
        ctime: t,
        blksize: 4096,
        blocks: dir ? 1 : Math.ceil(node.size / 4096),
      };
    },
    setattr() {},
    lookup() {
      throw new FS.ErrnoError(ENOENT);
    },
    mknod() {
      throw new FS.ErrnoError(EPERM);
    },
    rename() {
      throw new FS.ErrnoError(EPERM);
    },
    unlink() {
      throw new FS.ErrnoError(EPERM);
    },
    rmdir() {
      throw new FS.ErrnoError(EPERM);
    },
    readdir(node: EmNode) {
      return ['.', '..', ...Object.keys(node.contents as object)];
    },
    symlink() {
      throw new FS.ErrnoError(EPERM);
    },
  };
  const stream_ops = {
    read(stream: EmStream, buffer: Uint8Array, offset: number, length: number, position: number): number {
      const node = stream.node;
      if (position >= node.size) return 0;
      const n = Math.min(length, node.size - position);
      let chunk: Uint8Array;
      try {
        chunk = (node.contents as RandomAccess).read(position, n);
      } catch {
        throw new FS.ErrnoError(EIO);
      }
      buffer.set(chunk, offset);
      return chunk.length;
    },
    write() {
      throw new FS.ErrnoError(EPERM);
    },
    llseek(stream: EmStream, offset: number, whence: number): number {
      let p = offset;
      if (whence === 1) p += stream.position;
      else if (whence === 2) p += stream.node.size;
      if (p < 0) throw new FS.ErrnoError(EINVAL);
      return p;
    },
  };
  const create = (parent: EmNode | null, name: string, src: RandomAccess | null): EmNode => {
    const node = FS.createNode(parent, name, src ? FILE_MODE : DIR_MODE, 0);
    node.node_ops = node_ops;
    node.stream_ops = stream_ops;
    node.timestamp = Date.now();
    node.size = src ? src.size : 4096;
    node.contents = src ?? {};
    if (parent) (parent.contents as Record<string, EmNode>)[name] = node;
    return node;
  };
  return {
    mount(mount: { opts: { files: Record<string, RandomAccess> } }) {
      const root = create(null, '/', null);
      for (const [name, src] of Object.entries(mount.opts.files)) create(root, name, src);
      return root;
    },
  };
}

const types = new WeakMap<EmFS, unknown>();
let mounts = 0;

/** Mount `files` read-only at a fresh directory; returns its path and an (idempotent) unmount function. */
export function mountLazy(FS: EmFS, files: Record<string, RandomAccess>): { dir: string; unmount: () => void } {
  let type = types.get(FS);
  if (!type) {
    type = lazyFs(FS);
    types.set(FS, type);
  }
  const dir = `/protobench-lazy-${++mounts}`;
  FS.mkdir(dir);
  FS.mount(type, { files }, dir);
  let mounted = true;
  return {
    dir,
    unmount: () => {
      if (!mounted) return;
      mounted = false;
      FS.unmount(dir);
      FS.rmdir(dir);
    },
  };
}
