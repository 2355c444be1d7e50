/**
 * Synchronous random access to a file's bytes: what HDF5 needs (libhdf5 reads with blocking calls from
 * inside wasm). Two sources:
 * - `bytesAccess(u8)`: bytes already in memory (Node tests, small files).
 * - `blobAccess(blob)`: a File or Blob read lazily, one requested range at a time, with FileReaderSync.
 *   FileReaderSync exists only in Web Workers: this is how a 16 GB images.hdf5 picked from a folder (or a
 *   stored entry of a zip File) is read without ever being held in memory.
 */

export interface RandomAccess {
  readonly size: number;
  /** Bytes [position, position + length) (fewer only at the end of the file). */
  read(position: number, length: number): Uint8Array;
}

export function bytesAccess(bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: (p, n) => bytes.subarray(p, Math.min(bytes.length, p + n)) };
}

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/** True where Blobs can be read synchronously (dedicated/shared workers). */
export function canReadBlobsSync(): boolean {
  return typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync === 'function';
}

export function blobAccess(blob: Blob): RandomAccess {
  const Ctor = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
  if (!Ctor) throw new Error('blobAccess: FileReaderSync is not available here (it exists only in Web Workers)');
  const reader = new Ctor();
  return {
    size: blob.size,
    read: (p, n) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(p, Math.min(blob.size, p + n)))),
  };
}

/**
 * Random access to a Blob wherever we run: lazy in a worker; elsewhere (Node tests) the Blob is read
 * into memory first, which is fine for test-sized files only.
 */
export async function anyBlobAccess(blob: Blob): Promise<RandomAccess> {
  if (canReadBlobsSync()) return blobAccess(blob);
  return bytesAccess(new Uint8Array(await blob.arrayBuffer()));
}
