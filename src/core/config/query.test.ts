import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { configFromQuery, configToQuery } from './query';
import { medimetaCatalog, smallCatalog } from './test-catalog';
import type { RunConfig } from './types';

const tricky = (): RunConfig => ({
  ...defaultConfig('webgpu', smallCatalog()),
  sources: [
    { kind: 'task', dataset: 'skinl_derm', task: 'Diagnosis / grouped & more = 100% +1, ok?' },
    { kind: 'dataset', dataset: 'dr.regular-2' },
    { kind: 'domain', domain: 'Retinal fundus (UWF/regular)' },
    { kind: 'all-except-target' },
    { kind: 'untrained' },
    { kind: 'pixels' },
  ],
  targets: [
    { dataset: 'bus', task: 'malignancy' },
    { dataset: 'x', task: 'Ünïcødé 名前 😀 #hash ?q' },
    { dataset: '<img src=x onerror=alert(1)>', task: '</script><script>alert(1)</script>' },
  ],
  mode: 'fixed',
  way: 3,
  shots: [10, 1, 5],
  methods: ['linear-probe', 'protonet'],
  training: { steps: 12345, way: 7, shot: 2, query: 9, lr: 1e-7, valEvery: 0, patience: 3, seeds: 4 },
  seed: 4294967295,
});

describe('configToQuery / configFromQuery', () => {
  it('reads as it was written, exactly', () => {
    for (const c of [defaultConfig('wasm', smallCatalog()), defaultConfig('webgpu', medimetaCatalog()), tricky()]) {
      expect(configFromQuery(configToQuery(c))).toEqual({ ok: true, config: c });
      expect(configFromQuery(`?${configToQuery(c)}`)).toEqual({ ok: true, config: c });
    }
    for (const lr of [0.001, 0.1 + 0.2, 3e-4, 1, 5e-324]) {
      const c = { ...tricky(), training: { ...tricky().training, lr } };
      const r = configFromQuery(configToQuery(c));
      expect(r.ok && r.config.training.lr).toBe(lr);
    }
  });

  it('is readable', () => {
    expect(configToQuery(defaultConfig('wasm', smallCatalog()))).toBe(
      'v=1&src=all-except-target&src=untrained&src=pixels&t=bus%2Fcase+category&t=oct%2Fdisease+class' +
        '&t=cxr%2Fdisease+labels&t=pneumonia%2Fpneumonia+presence&enc=conv4&res=84&mode=medimeta&n=5&k=1%2C5&q=10' +
        '&ep=100&m=protonet&fts=100&ftlr=0.01&fthead=zero&sst=500&slr=0.001&sbs=64&sve=50&spat=10&split=test&steps=60&tway=5&tshot=1&tq=5&lr=0.001&val=30&pat=5&tseeds=1&seed=0&backend=wasm',
    );
  });

  it('names an unknown, repeated, missing or malformed parameter', () => {
    const q = configToQuery(tricky());
    const errs = (s: string): string[] => {
      const r = configFromQuery(s);
      return r.ok ? [] : r.errors.map((e) => e.message);
    };
    expect(errs(`${q}&colour=red`)).toEqual([
      expect.stringMatching(/^URL parameter "colour": expected no such parameter \(known: v, src, t, /),
    ]);
    expect(errs(`${q}&seed=3`)).toEqual(['URL parameter "seed": expected one value, found "2 values"']);
    expect(errs(q.replace(/&ep=\d+/, ''))).toEqual(['URL parameter "ep": expected a value, found nothing']);
    expect(errs(q.replace('v=1', 'v=2'))).toEqual(['URL parameter "v": expected 1, found "2"']);
    expect(errs(q.replace(/&n=\d+/, '&n=5.0'))).toEqual([
      'URL parameter "n": expected an integer in [2, 50], found "5.0"',
    ]);
    expect(errs(q.replace(/&seed=\d+/, '&seed=-1'))).toEqual([
      'URL parameter "seed": expected an integer in [0, 4294967295], found "-1"',
    ]);
    expect(errs(q.replace(/&lr=[^&]+/, '&lr=Infinity'))).toEqual([
      'URL parameter "lr": expected a finite number in (0, 1], found "Infinity"',
    ]);
    expect(errs(q.replace(/&lr=[^&]+/, '&lr=1e999'))).toEqual([
      'URL parameter "lr": expected a finite number in (0, 1], found Infinity',
    ]);
    expect(errs(q.replace(/&k=[^&]+/, '&k=1%2C1'))).toEqual([
      'URL parameter "k[1]": expected a K not already listed, found "1", the same as k[0]',
    ]);
    expect(errs(q.replace(/&k=[^&]+/, '&k=1%2C%2C5'))).toEqual([
      'URL parameter "k[1]": expected an integer in [1, 100], found ""',
    ]);
    expect(errs(q.replace(/&mode=[^&]+/, '&mode=random'))).toEqual([
      'URL parameter "mode": expected one of "fixed", "medimeta", "variable", found "random"',
    ]);
    expect(errs(q.replace('src=untrained', 'src=everything'))).toEqual([
      expect.stringMatching(/^URL parameter "src\[4\]": expected task:<dataset>/),
    ]);
    expect(errs(q.replace('src=dataset%3Adr.regular-2', 'src=dataset%3Aa%2Fb'))).toEqual([
      'URL parameter "src[1]": expected a string of 1..64 characters without "/", without control characters, found "a/b"',
    ]);
    expect(errs(q.replace('t=bus%2Fmalignancy', 't=busmalignancy'))).toEqual([
      'URL parameter "t[0]": expected <dataset>/<task>, found "busmalignancy"',
    ]);
    expect(errs(q.replace('m=linear-probe%2Cprotonet', 'm=protonet%2Cknn'))).toEqual([
      'URL parameter "m[1]": expected one of "protonet", "linear-probe", "finetune", found "knn"',
    ]);
    expect(errs(q.replace('m=linear-probe%2Cprotonet', 'm=protonet%2Cprotonet'))).toEqual([
      'URL parameter "m[1]": expected a method not already listed, found "protonet", the same as m[0]',
    ]);
    // Links made before methods existed ran ProtoNet alone.
    const old = configFromQuery(q.replace('&m=linear-probe%2Cprotonet', ''));
    expect(old.ok && old.config.methods).toEqual(['protonet']);
    expect(errs('x'.repeat(70_000))[0]).toMatch(/at most 65536 characters/);
  });

  it('fills absent parameters from a base config when given one', () => {
    const base = defaultConfig('wasm', smallCatalog());
    expect(configFromQuery('res=224&k=1,5,10', base)).toEqual({
      ok: true,
      config: { ...base, resolution: 224, shots: [1, 5, 10] },
    });
    expect(configFromQuery('', base)).toEqual({ ok: true, config: base });
    const r = configFromQuery('tq=0', base);
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['tq']);
  });
});
