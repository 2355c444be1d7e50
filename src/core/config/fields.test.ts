import { describe, expect, it } from 'vitest';
import { defaultConfig, fieldDefaults } from './defaults';
import { getPath } from './field';
import { FIELDS } from './fields';
import { formSpec, formText, formValue } from './form-spec';
import { configFromQuery, configToQuery } from './query';
import { smallCatalog } from './test-catalog';
import { tableWithWarmup } from './test-fields';
import type { RunConfig } from './types';
import { validateConfig } from './validate';

/** Every leaf path of a config (`training.lr`), in key order. */
function leafPaths(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

describe('the field table', () => {
  it('lists every field of the run config once, in the order the validator writes them', () => {
    const config = defaultConfig('wasm', smallCatalog());
    expect(FIELDS.map((f) => f.path)).toEqual(leafPaths(config as unknown as Record<string, unknown>));
    expect(new Set(FIELDS.map((f) => f.param)).size).toBe(FIELDS.length);
  });

  it('gives the run form its inputs, ids and labels in the order shown', () => {
    expect(formSpec().map((f) => `${f.group}:${f.id}:${f.label}`)).toEqual([
      'run:run-encoder:Encoder',
      'run:run-resolution:Resolution',
      'run:run-mode:Protocol',
      'run:run-way:N',
      'run:run-k:K values',
      'run:run-query:Q',
      'run:run-episodes:Episodes per cell',
      'run:run-methods:Methods',
      'finetune:run-ft-steps:fine-tune steps',
      'finetune:run-ft-lr:fine-tune lr',
      'finetune:run-ft-headinit:head init',
      'supervised:run-sup-steps:supervised steps',
      'supervised:run-sup-lr:supervised lr',
      'supervised:run-sup-batch:batch',
      'supervised:run-sup-valevery:validate every',
      'supervised:run-sup-patience:patience',
      'run:run-split:Split',
      'training:run-steps:Training steps',
      'training:run-train-way:way',
      'training:run-train-shot:shot',
      'training:run-train-query:query',
      'training:run-lr:lr',
      'training:run-val:validate every',
      'training:run-patience:patience',
      'training:run-train-seeds:training seeds',
      'run:run-seed:Seed',
    ]);
  });

  it('the form reads back what it shows', () => {
    const config = defaultConfig('webgpu', smallCatalog());
    for (const f of formSpec()) {
      const v = getPath(config, f.path);
      expect(formValue(f, formText(f, v))).toEqual(v);
    }
    const k = formSpec().find((f) => f.id === 'run-k');
    expect(k && formValue(k, ' 1, 5,,10 ')).toEqual([1, 5, 10]);
    const ep = formSpec().find((f) => f.id === 'run-episodes');
    expect(ep && formValue(ep, '')).toBe('');
  });
});

describe('a field added to the table', () => {
  const table = tableWithWarmup();
  const config = (warmup: number): RunConfig => {
    const c = defaultConfig('wasm', smallCatalog());
    return { ...c, training: { ...c.training, warmup } } as RunConfig;
  };

  it('is in the URL, after the fields before it in the table, and reads back', () => {
    const q = configToQuery(config(7), table);
    expect(q).toContain('&tseeds=1&twarm=7&seed=0&backend=wasm');
    expect(configFromQuery(q, undefined, table)).toEqual({ ok: true, config: config(7) });
    expect(configFromQuery('twarm=3', config(0), table)).toEqual({ ok: true, config: config(3) });
  });

  it('is checked by its rule, with errors under its path and its parameter', () => {
    const r = validateConfig(config(1001), table);
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([
      'training.warmup: expected an integer in [0, 1000], found 1001',
    ]);
    const q = configToQuery(config(0), table).replace('twarm=0', 'twarm=x');
    const u = configFromQuery(q, undefined, table);
    expect(u.ok ? [] : u.errors.map((e) => e.message)).toEqual([
      'URL parameter "twarm": expected an integer in [0, 1000], found "x"',
    ]);
    // The real table knows no such parameter.
    expect(configFromQuery(configToQuery(config(0), table)).ok).toBe(false);
  });

  it('has a default and an input in the form', () => {
    expect(fieldDefaults('webgpu', table).training).toMatchObject({ warmup: 0 });
    const input = formSpec(table).find((f) => f.path === 'training.warmup');
    expect(input).toEqual({
      path: 'training.warmup',
      id: 'run-warmup',
      label: 'warm-up',
      ariaLabel: 'Warm-up steps',
      group: 'training',
      kind: 'number',
      min: 0,
      max: 1000,
      step: 1,
    });
  });
});
