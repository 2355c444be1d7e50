import type { SplitIndices, TaskInfo, TaskLabels } from '../core/types';

export interface ThumbnailClass {
  name: string;
  /** Image indices shown for this class. */
  indices: number[];
}

/**
 * Which images represent each class of a task: the first `perClass` images of the class in index order,
 * over all splits (a multilabel "class" is a label column with the image positive).
 */
export function pickThumbnails(
  task: TaskInfo,
  labels: TaskLabels,
  splits: SplitIndices,
  perClass: number,
): ThumbnailClass[] {
  const all = [...splits.train, ...splits.val, ...splits.test].sort((a, b) => a - b);
  const L = task.labels.length;
  const ml = task.target === 'MULTILABEL_CLASSIFICATION';
  return task.labels.map((l, k) => {
    const indices: number[] = [];
    for (const i of all) {
      if (indices.length >= perClass) break;
      if (ml ? labels[i * L + k] === 1 : labels[i] === l.value) indices.push(i);
    }
    return { name: l.name, indices };
  });
}

/** Box-downscale one HWC uint8 image by an integer factor into RGBA (what canvas putImageData takes). */
export function downscaleToRgba(
  px: Uint8Array,
  height: number,
  width: number,
  channels: number,
  factor: number,
): Uint8ClampedArray {
  const h = Math.floor(height / factor);
  const w = Math.floor(width / factor);
  const out = new Uint8ClampedArray(h * w * 4);
  const n = factor * factor;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const acc = [0, 0, 0];
      for (let dy = 0; dy < factor; dy++) {
        const row = ((y * factor + dy) * width + x * factor) * channels;
        for (let dx = 0; dx < factor; dx++) {
          const p = row + dx * channels;
          for (let c = 0; c < 3; c++) acc[c] = (acc[c] as number) + (px[p + (channels === 1 ? 0 : c)] as number);
        }
      }
      const o = (y * w + x) * 4;
      out[o] = (acc[0] as number) / n;
      out[o + 1] = (acc[1] as number) / n;
      out[o + 2] = (acc[2] as number) / n;
      out[o + 3] = 255;
    }
  }
  return out;
}
