import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { canonicalJSON, configHash, fnv1a64 } from './hash';
import { smallCatalog } from './test-catalog';
import type { RunConfig } from './types';

const base = (): RunConfig => defaultConfig('wasm', smallCatalog());

describe('configHash', () => {
  it('is FNV-1a 64 of canonical JSON: known vectors, sorted keys', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(canonicalJSON({ b: 1, a: [{ d: 2, c: 'x' }], e: undefined })).toBe('{"a":[{"c":"x","d":2}],"b":1}');
    expect(() => canonicalJSON({ x: NaN })).toThrow('not a finite number');
  });

  it('is stable: a golden value, independent of key order', () => {
    const c: RunConfig = {
      sources: [{ kind: 'all-except-target' }, { kind: 'task', dataset: 'bus', task: 'malignancy' }],
      targets: [{ dataset: 'oct', task: 'disease class' }],
      encoder: 'conv4',
      resolution: 84,
      mode: 'medimeta',
      way: 5,
      shots: [1, 5],
      query: 10,
      episodes: 100,
      methods: ['protonet'],
      finetune: { steps: 100, lr: 0.01, headInit: 'zero' },
      supervised: { steps: 500, lr: 0.001, batch: 64, valEvery: 50, patience: 10 },
      evalSplit: 'test',
      training: { steps: 60, way: 5, shot: 1, query: 5, lr: 0.001, valEvery: 30, patience: 5, seeds: 1 },
      seed: 0,
      backend: 'wasm',
    };
    const reordered = Object.fromEntries(Object.entries(c).reverse()) as unknown as RunConfig;
    expect(configHash(reordered)).toBe(configHash(c));
    // Changing this value orphans every stored run record's resume key: do it only on purpose.
    expect(configHash(c)).toBe('6eadd6cbf1a5e3b0');
  });

  it('ignores what the mode ignores, and nothing else', () => {
    const c = base();
    const h = configHash(c);
    expect(configHash({ ...c, way: 7 })).toBe(h); // medimeta: N unused
    expect(configHash({ ...c, way: 7, mode: 'fixed' })).not.toBe(configHash({ ...c, way: 5, mode: 'fixed' }));
    expect(configHash({ ...c, mode: 'variable', shots: [1] })).toBe(
      configHash({ ...c, mode: 'variable', shots: [2, 3], query: 4 }),
    );
    // Fine-tune settings count only where the method runs.
    const slow = { ...c.finetune, steps: 7 };
    expect(configHash({ ...c, finetune: slow })).toBe(h);
    const ft = { ...c, methods: ['protonet' as const, 'finetune' as const] };
    expect(configHash({ ...ft, finetune: slow })).not.toBe(configHash(ft));
    for (const change of [
      { seed: 1 },
      { shots: [5, 1] },
      { backend: 'webgpu' as const },
      { episodes: 99 },
      { resolution: 112 as const },
      { methods: ['protonet' as const, 'linear-probe' as const] },
      { methods: ['linear-probe' as const] },
      { methods: ['finetune' as const] },
    ]) {
      expect(configHash({ ...c, ...change })).not.toBe(h);
    }
  });
});
