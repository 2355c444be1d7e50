import type { ShardReader } from './reader';

export interface ImageBatch {
  /** Position of the first image of this batch in the requested index list. */
  offset: number;
  indices: Uint32Array;
  /** `indices.length` images, HWC uint8, back to back. */
  pixels: Uint8Array;
}

/**
 * Streams a list of image indices in batches, keeping up to `prefetch` batches read ahead so that
 * IndexedDB works while the consumer computes. At most `prefetch + 1` batches are in memory at once.
 */
export class ImageStream {
  private next = 0;
  private readonly ahead: Promise<ImageBatch>[] = [];

  constructor(
    private readonly reader: ShardReader,
    private readonly indices: Uint32Array,
    readonly batchSize: number,
    private readonly prefetch = 2,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    this.fill();
  }

  get total(): number {
    return this.indices.length;
  }

  /** The next batch, or null at the end. Batches come in order. */
  async nextBatch(): Promise<ImageBatch | null> {
    const head = this.ahead.shift();
    if (!head) return null;
    const batch = await head;
    this.fill();
    return batch;
  }

  private fill(): void {
    while (this.ahead.length < Math.max(1, this.prefetch) && this.next < this.indices.length) {
      const offset = this.next;
      const indices = this.indices.slice(offset, offset + this.batchSize);
      this.next += indices.length;
      // Reads are chained so the reader's shard cache sees requests in order.
      const prev = this.ahead[this.ahead.length - 1];
      const p = (
        prev
          ? prev.then(
              () => undefined,
              () => undefined,
            )
          : Promise.resolve()
      ).then(async () => ({
        offset,
        indices,
        pixels: await this.reader.read(indices),
      }));
      p.catch(() => undefined); // surfaced when the consumer awaits it
      this.ahead.push(p);
    }
  }
}
