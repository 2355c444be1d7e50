import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { imageBytes, SPLITS, TASK_TARGETS, type TaskInfo } from '../../core/types';
import { demoMetaDataset, type DemoDataset } from './index';

/** 32-bit hash of a byte array (4-byte aligned, length a multiple of 4), continuing from h. */
function hashBytes(bytes: Uint8Array, h = 0x811c9dc5): number {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(copy.buffer, copy.byteOffset, copy.length >>> 2);
  for (let i = 0; i < words.length; i++) {
    h = Math.imul(h ^ (words[i] as number), 0x9e3779b1);
    h ^= h >>> 15;
  }
  for (let i = words.length * 4; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

function hashTyped(a: Int32Array | Uint8Array | Uint32Array, h: number): number {
  return hashBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), h);
}

/** Hash of one image per index, rendered in ascending order. */
function imageHashes(d: DemoDataset): Uint32Array {
  const out = new Uint8Array(imageBytes(d.info));
  const hs = new Uint32Array(d.info.numImages);
  for (let i = 0; i < hs.length; i++) {
    d.render(i, out);
    hs[i] = hashBytes(out);
  }
  return hs;
}

/** Hash of a dataset's info, labels and splits. */
function metaHash(d: DemoDataset): number {
  let h = hashBytes(new TextEncoder().encode(JSON.stringify(d.info)));
  for (const t of d.info.tasks) h = hashTyped(d.labels[t.name] as Int32Array | Uint8Array, h);
  for (const s of SPLITS) h = hashTyped(d.splits[s], h);
  return h >>> 0;
}

const sets = demoMetaDataset(1);

function isMulti(t: TaskInfo): boolean {
  return t.target === 'MULTILABEL_CLASSIFICATION';
}

describe('demo meta-dataset: shape of the catalogue', () => {
  it('has at least 6 datasets over at least 4 domains, grey and RGB, all 224x224', () => {
    expect(sets.length).toBeGreaterThanOrEqual(6);
    expect(new Set(sets.map((d) => d.info.domain)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(sets.map((d) => d.info.channels))).toEqual(new Set([1, 3]));
    for (const d of sets) {
      expect(d.info.height).toBe(224);
      expect(d.info.width).toBe(224);
    }
  });

  it('names, ids, sources and licences follow the conventions', () => {
    const ids = sets.map((d) => d.info.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of sets) {
      expect(d.info.id).toMatch(/^demo_[a-z0-9_]+$/);
      expect(d.info.name.startsWith('Synthetic demo: ')).toBe(true);
      expect(d.info.domain.startsWith('Synthetic ')).toBe(true);
      expect(d.info.source).toBe('synthetic-demo');
      expect(d.info.summary.length).toBeGreaterThan(20);
      expect(d.info.license.length).toBeGreaterThan(0);
    }
  });

  it('has 300-480 images per dataset and counts that agree with the splits', () => {
    for (const d of sets) {
      const N = d.info.numImages;
      expect(N).toBeGreaterThanOrEqual(300);
      expect(N).toBeLessThanOrEqual(480);
      for (const s of SPLITS) expect(d.info.splitSizes[s], `${d.info.id} ${s}`).toBe(d.splits[s].length);
      expect(SPLITS.reduce((n, s) => n + d.splits[s].length, 0)).toBe(N);
    }
  });

  it('splits are ascending, disjoint and cover 0..N-1', () => {
    for (const d of sets) {
      const seen = new Uint8Array(d.info.numImages);
      for (const s of SPLITS) {
        const idx = d.splits[s];
        expect(idx).toBeInstanceOf(Uint32Array);
        expect(idx.length, `${d.info.id} ${s} empty`).toBeGreaterThan(0);
        for (let k = 0; k < idx.length; k++) {
          const i = idx[k] as number;
          if (k > 0) expect(i).toBeGreaterThan(idx[k - 1] as number);
          expect(i).toBeLessThan(d.info.numImages);
          expect(seen[i], `${d.info.id}: image ${i} in two splits`).toBe(0);
          seen[i] = 1;
        }
      }
      expect(seen.every((v) => v === 1)).toBe(true);
    }
  });

  it('every task type is present; one ordinal task has non-contiguous values', () => {
    const tasks = sets.flatMap((d) => d.info.tasks);
    for (const t of TASK_TARGETS)
      expect(
        tasks.some((x) => x.target === t),
        t,
      ).toBe(true);
    const gappy = tasks.filter(
      (t) =>
        t.target === 'ORDINAL_REGRESSION' &&
        t.labels.some((l, i) => i > 0 && l.value - (t.labels[i - 1] as typeof l).value > 1),
    );
    expect(gappy.length).toBeGreaterThan(0);
    expect(sets.filter((d) => d.info.tasks.length > 1).length).toBeGreaterThanOrEqual(3);
  });

  it('labels have the right type, length and values', () => {
    for (const d of sets) {
      const N = d.info.numImages;
      expect(Object.keys(d.labels).sort()).toEqual(d.info.tasks.map((t) => t.name).sort());
      for (const t of d.info.tasks) {
        const values = t.labels.map((l) => l.value);
        expect(values, `${d.info.id}/${t.name} labels sorted`).toEqual([...values].sort((a, b) => a - b));
        expect(new Set(values).size).toBe(values.length);
        const lab = d.labels[t.name];
        if (isMulti(t)) {
          const L = t.labels.length;
          expect(values).toEqual(values.map((_, i) => i)); // columns 0..L-1
          expect(lab).toBeInstanceOf(Uint8Array);
          expect(lab?.length).toBe(N * L);
          expect(lab?.every((v) => v === 0 || v === 1)).toBe(true);
        } else {
          expect(lab).toBeInstanceOf(Int32Array);
          expect(lab?.length).toBe(N);
          const allowed = new Set(values);
          expect(
            lab?.every((v) => allowed.has(v)),
            `${d.info.id}/${t.name} values`,
          ).toBe(true);
        }
      }
    }
  });

  it('main tasks are balanced with >= 30 images per class in every split; other tasks >= 15', () => {
    for (const d of sets) {
      d.info.tasks.forEach((t, k) => {
        const lab = d.labels[t.name] as Int32Array | Uint8Array;
        const L = t.labels.length;
        for (const s of SPLITS) {
          const idx = d.splits[s];
          if (isMulti(t)) {
            // Every label has positives and negatives in every split; some rows have no positive at all.
            let empty = 0;
            const pos = new Array<number>(L).fill(0);
            for (const i of idx) {
              let any = 0;
              for (let l = 0; l < L; l++) {
                const v = lab[i * L + l] as number;
                pos[l] = (pos[l] as number) + v;
                any |= v;
              }
              if (!any) empty++;
            }
            for (const p of pos) {
              expect(p, `${d.info.id}/${t.name} ${s}`).toBeGreaterThanOrEqual(15);
              expect(idx.length - p).toBeGreaterThanOrEqual(15);
            }
            expect(empty, `${d.info.id}/${t.name} ${s}: rows with no label`).toBeGreaterThan(0);
          } else {
            const counts = new Map<number, number>();
            for (const i of idx) counts.set(lab[i] as number, (counts.get(lab[i] as number) ?? 0) + 1);
            for (const l of t.labels) {
              const n = counts.get(l.value) ?? 0;
              expect(n, `${d.info.id}/${t.name} ${s} class ${l.name}`).toBeGreaterThanOrEqual(k === 0 ? 30 : 15);
            }
            if (k === 0) expect(new Set(counts.values()).size, `${d.info.id} main task balanced in ${s}`).toBe(1);
          }
        }
        if (k === 0) expect(t.target).not.toBe('MULTILABEL_CLASSIFICATION');
      });
    }
  });

  it('domain overlaps name the other datasets of the same domain, symmetrically', () => {
    const byId = new Map(sets.map((d) => [d.info.id, d]));
    for (const d of sets) {
      const same = sets.filter((o) => o !== d && o.info.domain === d.info.domain).map((o) => o.info.id);
      expect([...d.info.domainOverlaps].sort()).toEqual(same.sort());
      for (const id of [...d.info.domainOverlaps, ...d.info.subjectOverlaps]) {
        expect(id).not.toBe(d.info.id);
        expect(byId.has(id), `${d.info.id} names unknown ${id}`).toBe(true);
      }
      for (const id of d.info.domainOverlaps) expect(byId.get(id)?.info.domainOverlaps).toContain(d.info.id);
      for (const id of d.info.subjectOverlaps) expect(byId.get(id)?.info.subjectOverlaps).toContain(d.info.id);
    }
    expect(sets.some((d) => d.info.domainOverlaps.length > 0)).toBe(true);
  });

  it('datasets that share subjects share labels and splits (dermoscopy and clinical photo)', () => {
    const pairs = sets.filter((d) => d.info.subjectOverlaps.length > 0);
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    for (const d of pairs) {
      for (const id of d.info.subjectOverlaps) {
        const o = sets.find((x) => x.info.id === id) as DemoDataset;
        expect(o.info.domain).not.toBe(d.info.domain);
        for (const s of SPLITS) expect(o.splits[s]).toEqual(d.splits[s]);
        for (const t of d.info.tasks) expect(o.labels[t.name]).toEqual(d.labels[t.name]);
      }
    }
  });

  it('the default seed is 1, and a seed must be finite', () => {
    const def = demoMetaDataset();
    expect(def.map(metaHash)).toEqual(sets.map(metaHash));
    expect(() => demoMetaDataset(Number.NaN)).toThrow();
  });

  it('render checks its index and output size, and writes into an offset view', () => {
    for (const d of sets) {
      const bytes = imageBytes(d.info);
      expect(() => d.render(-1, new Uint8Array(bytes))).toThrow(RangeError);
      expect(() => d.render(d.info.numImages, new Uint8Array(bytes))).toThrow(RangeError);
      expect(() => d.render(0.5, new Uint8Array(bytes))).toThrow(RangeError);
      expect(() => d.render(0, new Uint8Array(bytes - 1))).toThrow(RangeError);
      const fresh = new Uint8Array(bytes);
      d.render(3, fresh);
      const big = new Uint8Array(bytes + 5).fill(77);
      const view = big.subarray(1, 1 + bytes);
      d.render(3, view);
      expect(hashBytes(view)).toBe(hashBytes(fresh));
      expect(view.every((v, i) => v === fresh[i])).toBe(true);
      expect(big[0]).toBe(77);
      expect(big[bytes + 1]).toBe(77);
      // Not a blank image.
      let min = 255;
      let max = 0;
      for (let i = 0; i < fresh.length; i++) {
        const v = fresh[i] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(max - min, d.info.id).toBeGreaterThan(100);
    }
  });
});

/**
 * Digest of seed 1 (every dataset's info, labels, splits and images). The generator is built to give the
 * same bytes in every JavaScript engine. When a change to src/data/demo alters it on purpose, bump
 * DEMO_GENERATOR in src/data/demo-writer.ts (stored demo data must be regenerated) and update this value.
 */
const SEED1_DIGEST = 4197952350;

describe('demo meta-dataset: determinism', () => {
  let hashes: Uint32Array[] | undefined;
  /** Per-image hashes of seed 1, rendered in ascending order (computed once). */
  function seed1Hashes(): Uint32Array[] {
    hashes ??= sets.map(imageHashes);
    return hashes;
  }

  it('seed 1 gives the pinned digest of labels, splits and all images', () => {
    let h = 0x811c9dc5;
    sets.forEach((d, k) => {
      h = hashTyped(new Uint32Array([metaHash(d)]), h);
      h = hashTyped(seed1Hashes()[k] as Uint32Array, h);
    });
    expect(h >>> 0, 'demo generator output changed: bump DEMO_GENERATOR and update SEED1_DIGEST').toBe(SEED1_DIGEST);
    // No two images of a dataset are identical.
    for (const hs of seed1Hashes()) expect(new Set(hs).size).toBe(hs.length);
  });

  it('the same seed gives identical labels, splits and images, whatever the render order', () => {
    const again = demoMetaDataset(1);
    expect(again.map(metaHash)).toEqual(sets.map(metaHash));
    // A third of the images again, datasets interleaved, in a shuffled order.
    const order: [number, number][] = [];
    again.forEach((d, k) => {
      for (let i = 0; i < d.info.numImages; i++) order.push([k, i]);
    });
    new Rng(12345).shuffle(order);
    const bufs = again.map((d) => new Uint8Array(imageBytes(d.info)));
    let mismatches = 0;
    for (const [k, i] of order.slice(0, Math.ceil(order.length / 3))) {
      const out = bufs[k] as Uint8Array;
      (again[k] as DemoDataset).render(i, out);
      if (hashBytes(out) !== (seed1Hashes()[k] as Uint32Array)[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('a different seed gives different labels, splits and images', () => {
    const other = demoMetaDataset(2);
    other.forEach((d, k) => {
      const a = sets[k] as DemoDataset;
      expect(d.info.id).toBe(a.info.id);
      expect(metaHash(d)).not.toBe(metaHash(a));
      const x = new Uint8Array(imageBytes(d.info));
      const y = new Uint8Array(imageBytes(d.info));
      for (let i = 0; i < 4; i++) {
        d.render(i, x);
        a.render(i, y);
        expect(hashBytes(x)).not.toBe(hashBytes(y));
      }
    });
  });
});
