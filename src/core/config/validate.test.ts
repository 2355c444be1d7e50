import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { medimetaCatalog, smallCatalog } from './test-catalog';
import type { RunConfig } from './types';
import { validateConfig } from './validate';

const valid = (): RunConfig => defaultConfig('wasm', smallCatalog());

function errorsOf(v: unknown): { path: string; expected: string; found: string; message: string }[] {
  const r = validateConfig(v);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('defaultConfig', () => {
  it('gives a valid config for every backend, sized to it', () => {
    const catalog = medimetaCatalog();
    for (const b of ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'] as const) {
      const c = defaultConfig(b, catalog);
      expect(validateConfig(c)).toEqual({ ok: true, config: c });
      expect(c.backend).toBe(b);
    }
    const gpu = defaultConfig('webgpu', catalog);
    const wasm = defaultConfig('wasm', catalog);
    expect(gpu.resolution).toBe(224);
    expect(wasm.resolution).toBe(84);
    expect(wasm.episodes).toBeLessThanOrEqual(100);
    expect(wasm.training.steps).toBeLessThan(gpu.training.steps);
    // CPU backends: one target task per dataset; WebGPU: every feasible task.
    expect(new Set(wasm.targets.map((t) => t.dataset)).size).toBe(wasm.targets.length);
    expect(gpu.targets.length).toBeGreaterThan(wasm.targets.length);
    expect(gpu.sources.map((s) => s.kind)).toEqual(['all-except-target', 'untrained', 'pixels']);
  });

  it('has no targets over an empty catalog, which validation explains', () => {
    const c = defaultConfig('wasm', []);
    expect(c.targets).toEqual([]);
    expect(errorsOf(c)).toEqual([
      {
        path: 'targets',
        expected: 'an array of 1..512 items',
        found: 'an array of 0',
        message: 'targets: expected an array of 1..512 items, found an array of 0',
      },
    ]);
  });
});

describe('validateConfig', () => {
  it('returns a fresh copy', () => {
    const c = valid();
    const r = validateConfig(c);
    if (!r.ok) throw new Error('invalid');
    expect(r.config).toEqual(c);
    expect(r.config).not.toBe(c);
    expect(r.config.sources[0]).not.toBe(c.sources[0]);
  });

  it('refuses unknown and missing keys, at any depth', () => {
    const c = { ...valid(), colour: 'red', training: { ...valid().training, momentum: 0.9 } } as Record<
      string,
      unknown
    >;
    delete c.seed;
    const errors = errorsOf(c);
    expect(errors.map((e) => e.path).sort()).toEqual(['colour', 'seed', 'training.momentum']);
    expect(errors.find((e) => e.path === 'seed')!.message).toBe('seed: expected a value for "seed", found nothing');
    expect(errors.find((e) => e.path === 'colour')!.found).toBe('an unexpected key');
  });

  it('says where, what was expected and what was found', () => {
    const errors = errorsOf({
      ...valid(),
      resolution: 100,
      mode: 'random',
      shots: [1, 0, 5.5],
      training: { ...valid().training, lr: -1 },
      seed: 2 ** 32,
      backend: 'metal',
    });
    const by = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(by).toEqual({
      resolution: 'resolution: expected one of 224, 112, 84, found 100',
      mode: 'mode: expected one of "fixed", "medimeta", "variable", found "random"',
      'shots[1]': 'shots[1]: expected an integer in [1, 100], found 0',
      'shots[2]': 'shots[2]: expected an integer in [1, 100], found 5.5',
      'training.lr': 'training.lr: expected a finite number in (0, 1], found -1',
      seed: 'seed: expected an integer in [0, 4294967295], found 4294967296',
      backend: 'backend: expected one of "auto", "webgpu", "wasm", "webgl", "cpu", found "metal"',
    });
  });

  it('checks every kind of source and the names in them', () => {
    const errors = errorsOf({
      ...valid(),
      sources: [
        { kind: 'task', dataset: 'bus' },
        { kind: 'dataset', dataset: 'a/b' },
        { kind: 'domain', domain: '' },
        { kind: 'pixels', extra: 1 },
        { kind: 'everything' },
        'untrained',
      ],
    });
    expect(errors.map((e) => e.path)).toEqual([
      'sources[0].task',
      'sources[1].dataset',
      'sources[2].domain',
      'sources[3].extra',
      'sources[4].kind',
      'sources[5]',
    ]);
    expect(errors[1]!.expected).toContain('without "/"');
  });

  it('refuses control characters, lone surrogates, NaN and Infinity', () => {
    const errors = errorsOf({
      ...valid(),
      targets: [
        { dataset: 'bus', task: 'a\nb' },
        { dataset: 'bus', task: 'x\uD800' },
      ],
      query: NaN,
      episodes: Infinity,
    });
    expect(errors.map((e) => [e.path, e.found])).toEqual([
      ['targets[0].task', 'a string with control or invalid characters'],
      ['targets[1].task', 'a string with control or invalid characters'],
      ['query', 'NaN'],
      ['episodes', 'Infinity'],
    ]);
  });

  it('refuses duplicate rows, columns and K values, naming the first', () => {
    const errors = errorsOf({
      ...valid(),
      sources: [{ kind: 'pixels' }, { kind: 'untrained' }, { kind: 'pixels' }],
      targets: [
        { dataset: 'bus', task: 'malignancy' },
        { dataset: 'bus', task: 'malignancy' },
      ],
      shots: [5, 1, 5],
    });
    expect(errors.map((e) => e.message)).toEqual([
      'sources[2]: expected a source not already listed, found "pixels", the same as sources[0]',
      'targets[1]: expected a target not already listed, found "bus/malignancy", the same as targets[0]',
      'shots[2]: expected a K not already listed, found "5", the same as shots[0]',
    ]);
  });

  it('validation of valEvery depends on steps; non-objects are refused whole', () => {
    expect(errorsOf({ ...valid(), training: { ...valid().training, steps: 10, valEvery: 20 } })[0]!.message).toBe(
      'training.valEvery: expected 0 (never) or an integer in [1, steps = 10], found 20',
    );
    expect(errorsOf(null)[0]!.message).toMatch(/^value: expected an object with keys sources, targets/);
    expect(errorsOf([])[0]!.found).toBe('an array of 0');
    expect(errorsOf('{"sources": []}')[0]!.found).toBe('"{\\"sources\\": []}"');
  });
});
