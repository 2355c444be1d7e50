import { describe, expect, it } from 'vitest';
import { imageBytes } from '../../core/types';
import { demoMetaDataset, type DemoDataset } from './index';

/**
 * "Learnable but not trivial": a pixel-level nearest-centroid classifier (28x28 mean-pooled pixels, each
 * image standardised to zero mean and unit variance so that global brightness and contrast nuisances
 * cancel) trained on the train split of each dataset's main task and scored on its test split must be
 * clearly above chance and far from perfect. Encoders are expected to do much better than this floor.
 */

const POOL = 8;
const G = 224 / POOL;

/** Pooled, standardised features of the given images: rows of G*G*C floats. */
function features(d: DemoDataset, indices: Uint32Array): Float64Array {
  const C = d.info.channels;
  const D = G * G * C;
  const F = new Float64Array(indices.length * D);
  const out = new Uint8Array(imageBytes(d.info));
  indices.forEach((index, r) => {
    d.render(index, out);
    const f = F.subarray(r * D, (r + 1) * D);
    for (let y = 0; y < 224; y++) {
      const fy = ((y / POOL) | 0) * G;
      for (let x = 0; x < 224; x++) {
        const fo = (fy + ((x / POOL) | 0)) * C;
        const o = (y * 224 + x) * C;
        for (let c = 0; c < C; c++) f[fo + c] = (f[fo + c] as number) + (out[o + c] as number);
      }
    }
    let mean = 0;
    for (let j = 0; j < D; j++) mean += f[j] as number;
    mean /= D;
    let v = 0;
    for (let j = 0; j < D; j++) v += ((f[j] as number) - mean) ** 2;
    const sd = Math.sqrt(v / D) || 1;
    for (let j = 0; j < D; j++) f[j] = ((f[j] as number) - mean) / sd;
  });
  return F;
}

/** Test accuracy of nearest-centroid (squared Euclidean) on the main task; returns [accuracy, chance]. */
function nearestCentroid(d: DemoDataset): [number, number] {
  const task = d.info.tasks[0];
  if (!task) throw new Error('no task');
  const labels = d.labels[task.name] as Int32Array;
  const values = task.labels.map((l) => l.value);
  const K = values.length;
  const D = G * G * d.info.channels;
  const train = features(d, d.splits.train);
  const cent = Array.from({ length: K }, () => new Float64Array(D));
  const count = new Array<number>(K).fill(0);
  d.splits.train.forEach((index, r) => {
    const k = values.indexOf(labels[index] as number);
    count[k] = (count[k] as number) + 1;
    const c = cent[k] as Float64Array;
    for (let j = 0; j < D; j++) c[j] = (c[j] as number) + (train[r * D + j] as number);
  });
  cent.forEach((c, k) => c.forEach((v, j) => (c[j] = v / (count[k] as number))));
  const test = features(d, d.splits.test);
  let correct = 0;
  d.splits.test.forEach((index, r) => {
    let best = 0;
    let bestDist = Infinity;
    cent.forEach((c, k) => {
      let s = 0;
      for (let j = 0; j < D; j++) {
        const e = (test[r * D + j] as number) - (c[j] as number);
        s += e * e;
      }
      if (s < bestDist) {
        bestDist = s;
        best = k;
      }
    });
    if (values[best] === labels[index]) correct++;
  });
  return [correct / d.splits.test.length, 1 / K];
}

describe('demo meta-dataset: learnable but not trivial', () => {
  for (const d of demoMetaDataset(1)) {
    it(`${d.info.id}: pixel nearest-centroid on "${d.info.tasks[0]?.name}" is above chance and below 0.97`, () => {
      const [acc, chance] = nearestCentroid(d);
      expect(acc, `accuracy ${acc.toFixed(3)}, chance ${chance.toFixed(3)}`).toBeGreaterThan(chance + 0.1);
      expect(acc, `accuracy ${acc.toFixed(3)}`).toBeLessThan(0.97);
    });
  }
});
