import { seedFrom } from '../core/rng';
export { checksum } from '../core/checksum';
import type { DatasetInfo, SplitIndices, TaskLabels } from '../core/types';

/**
 * A test-pattern dataset: every byte is a hash of (seed, image, position), so any misplaced, stale or
 * corrupted byte changes a checksum. Used by the store's integrity tests and by the streaming benchmark;
 * not a learning dataset.
 */
export function patternInfo(id: string, numImages: number, channels: 1 | 3): DatasetInfo {
  const train = Math.floor(numImages * 0.6);
  const val = Math.floor(numImages * 0.2);
  return {
    id,
    name: `Test pattern (${numImages} x 224x224x${channels})`,
    summary: 'Hash-derived pixels for integrity tests and benchmarks.',
    domain: 'Test pattern',
    channels,
    height: 224,
    width: 224,
    numImages,
    tasks: [
      {
        name: 'parity',
        target: 'BINARY_CLASSIFICATION',
        labels: [
          { value: 0, name: 'even' },
          { value: 1, name: 'odd' },
        ],
      },
    ],
    splitSizes: { train, val, test: numImages - train - val },
    domainOverlaps: [],
    subjectOverlaps: [],
    license: 'CC0',
    source: 'synthetic-demo',
  };
}

export function patternLabels(numImages: number): Record<string, TaskLabels> {
  return { parity: Int32Array.from({ length: numImages }, (_, i) => i % 2) };
}

export function patternSplits(info: DatasetInfo): SplitIndices {
  const { train, val } = info.splitSizes;
  const range = (a: number, b: number): Uint32Array => Uint32Array.from({ length: b - a }, (_, i) => a + i);
  return { train: range(0, train), val: range(train, train + val), test: range(train + val, info.numImages) };
}

/** Fill `out` (one image) with xorshift32 output seeded from (seed, index). `out.length` must be a multiple of 4. */
export function renderPattern(seed: number, index: number, out: Uint8Array): void {
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  let x = seedFrom(seed, index) | 1;
  for (let j = 0; j < words.length; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[j] = x >>> 0;
  }
}
