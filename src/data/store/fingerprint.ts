import { SPLITS, type SplitIndices, type TaskInfo, type TaskLabels } from '../../core/types';

/**
 * Content fingerprint of a dataset: SHA-256 over a small header (shape, tasks and their label values),
 * the SHA-256 of every image in index order, each task's labels and each split's indices. It is
 * computed while streaming (one image digest at a time), does not depend on the shard size, and is
 * recorded with every result so a result says exactly which data it came from.
 */
export const FINGERPRINT_VERSION = 'protobench-fingerprint-v1';

const enc = new TextEncoder();

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  // Our buffers are plain ArrayBuffers (never shared), which is what digest() accepts.
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Little-endian bytes of a typed array (every platform we run on is little-endian; checked below). */
function leBytes(a: Int32Array | Uint32Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('ProtoBench needs a little-endian platform');

export class FingerprintBuilder {
  private readonly digests: Uint8Array[] = [];

  constructor(private readonly imageBytes: number) {}

  /** Hash `count` consecutive images held back to back in `pixels`. */
  async addImages(pixels: Uint8Array, count: number): Promise<void> {
    const jobs: Promise<Uint8Array>[] = [];
    for (let i = 0; i < count; i++) {
      jobs.push(sha256(pixels.subarray(i * this.imageBytes, (i + 1) * this.imageBytes)));
    }
    this.digests.push(...(await Promise.all(jobs)));
  }

  get imagesHashed(): number {
    return this.digests.length;
  }

  async finish(
    shape: { channels: number; height: number; width: number; numImages: number },
    tasks: TaskInfo[],
    labels: Record<string, TaskLabels>,
    splits: SplitIndices,
  ): Promise<string> {
    if (this.digests.length !== shape.numImages) {
      throw new Error(`fingerprint: hashed ${this.digests.length} images, expected ${shape.numImages}`);
    }
    const sortedTasks = [...tasks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const header = JSON.stringify({
      v: FINGERPRINT_VERSION,
      shape: [shape.numImages, shape.height, shape.width, shape.channels],
      tasks: sortedTasks.map((t) => [t.name, t.target, t.labels.map((l) => l.value)]),
    });
    const parts: Uint8Array[] = [enc.encode(header)];
    for (const d of this.digests) parts.push(d);
    for (const t of sortedTasks) {
      const l = labels[t.name];
      if (!l) throw new Error(`fingerprint: no labels for task "${t.name}"`);
      parts.push(await sha256(leBytes(l)));
    }
    for (const s of SPLITS) parts.push(await sha256(leBytes(splits[s])));
    const total = parts.reduce((n, p) => n + p.length, 0);
    const all = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return `sha256:${hex(await sha256(all))}`;
  }
}
