import * as tf from '@tensorflow/tfjs';
import type { ImageSource } from '../compute-service';
import { preprocess, uploadPixels } from '../device-input';
import type { Embedder } from './encoders/types';

/** Where the time of an embedding pass went (ms). */
export interface EmbedTimings {
  /** Waiting for the data worker (IndexedDB reads not hidden by prefetch). */
  loadMs: number;
  /** The first chunk on the device: upload, preprocess, embed; includes kernel compilation / operator setup. */
  warmupMs: number;
  warmupImages: number;
  /** Every later chunk on the device (steady state). */
  embedMs: number;
  images: number;
  chunks: number;
}

export function emptyEmbedTimings(): EmbedTimings {
  return { loadMs: 0, warmupMs: 0, warmupImages: 0, embedMs: 0, images: 0, chunks: 0 };
}

export function addEmbedTimings(into: EmbedTimings, t: EmbedTimings): void {
  into.loadMs += t.loadMs;
  // Only the very first chunk of a cell is warm-up; later passes count as steady state.
  if (into.chunks === 0) {
    into.warmupMs = t.warmupMs;
    into.warmupImages = t.warmupImages;
    into.embedMs += t.embedMs;
  } else {
    into.embedMs += t.warmupMs + t.embedMs;
  }
  into.images += t.images;
  into.chunks += t.chunks;
}

/** Wait until the device has produced `t` (reads one value back; wasm and cpu are synchronous anyway). */
export async function settle(t: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  await one.data();
  one.dispose();
}

export interface EmbedOptions {
  inputSize: number;
  channels: 1 | 3;
  /** Images per stream batch and per embedding call. */
  chunk: number;
  /** Throws when the device reported an error (WebGPU's silent failures). */
  check: () => void;
  /** Yields and throws an AbortError when the call was cancelled (between chunks); see abort.ts. */
  checkpoint?: () => Promise<void>;
  onChunk?: (done: number) => void;
}

/**
 * Stream `indices` of a dataset from the data worker and embed them: [indices.length, D], row i for
 * indices[i], left on the device. Each chunk's pixels and activations are freed as soon as its embedding
 * exists.
 */
export async function embedStream(
  source: ImageSource,
  datasetId: string,
  indices: Uint32Array,
  embedder: Embedder,
  opts: EmbedOptions,
): Promise<{ embeddings: tf.Tensor2D; timings: EmbedTimings }> {
  if (indices.length === 0) throw new Error(`embedStream: no images to embed from ${datasetId}`);
  const ds = await source.getDataset(datasetId);
  const timings = emptyEmbedTimings();
  const pieces: tf.Tensor2D[] = [];
  const sid = await source.openStream(datasetId, indices, opts.chunk, 2);
  try {
    for (;;) {
      const w0 = performance.now();
      const batch = await source.nextBatch(sid);
      timings.loadMs += performance.now() - w0;
      if (!batch) break;
      await opts.checkpoint?.();
      const n = batch.indices.length;
      const t0 = performance.now();
      const raw = uploadPixels(batch.pixels, n, ds.height, ds.width, ds.channels);
      const x = preprocess(raw, { channels: opts.channels, size: opts.inputSize });
      raw.dispose();
      const e = embedder.embed(x);
      x.dispose();
      pieces.push(e);
      await settle(e);
      opts.check();
      const ms = performance.now() - t0;
      await opts.checkpoint?.();
      if (timings.chunks === 0) {
        timings.warmupMs = ms;
        timings.warmupImages = n;
      } else {
        timings.embedMs += ms;
      }
      timings.images += n;
      timings.chunks++;
      opts.onChunk?.(timings.images);
    }
  } catch (e) {
    for (const p of pieces) p.dispose();
    throw e;
  } finally {
    await source.closeStream(sid);
  }
  if (timings.images !== indices.length) {
    for (const p of pieces) p.dispose();
    throw new Error(`embedStream: ${datasetId} streamed ${timings.images} of ${indices.length} images`);
  }
  if (pieces.length === 1) return { embeddings: pieces[0] as tf.Tensor2D, timings };
  const embeddings = tf.concat(pieces, 0);
  for (const p of pieces) p.dispose();
  return { embeddings, timings };
}
