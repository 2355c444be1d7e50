import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/defaults';
import { smallCatalog } from '../config/test-catalog';
import { cellAt, indexCells, matrixLayout, UNKNOWN_DOMAIN } from './matrix';
import { cell } from './test-record';

describe('matrix layout', () => {
  it('rows are sources; columns are targets grouped by domain in order of first appearance', () => {
    const catalog = smallCatalog();
    const config = {
      ...defaultConfig('wasm', catalog),
      targets: [
        { dataset: 'cxr', task: 'patient sex' },
        { dataset: 'bus', task: 'malignancy' },
        { dataset: 'ghost', task: 'x' },
        { dataset: 'pneumonia', task: 'pneumonia presence' },
      ],
    };
    const m = matrixLayout(config, catalog);
    expect(m.rows.map((r) => r.key)).toEqual(['all-except-target', 'untrained', 'pixels']);
    expect(m.rows[1]!.label).toBe('untrained conv4 (baseline)');
    expect(m.groups.map((g) => [g.domain, g.columns.map((c) => c.key)])).toEqual([
      ['Chest X-ray', ['cxr/patient sex', 'pneumonia/pneumonia presence']],
      ['Breast ultrasound', ['bus/malignancy']],
      [UNKNOWN_DOMAIN, ['ghost/x']],
    ]);
    expect(m.columns.map((c) => c.index)).toEqual([0, 3, 1, 2]);
    expect(m.ks).toEqual([1, 5]);
    const index = indexCells([cell('pixels', 'bus', 'malignancy', 5, 0.6, 0.7)]);
    expect(cellAt(index, m.rows[2]!, m.columns[2]!, 5)?.accuracy.mean).toBe(0.6);
    expect(cellAt(index, m.rows[2]!, m.columns[2]!, 1)).toBeUndefined();
  });

  it('several methods: each source once per method, grouped, each row finding its own cells', () => {
    const catalog = smallCatalog();
    const config = { ...defaultConfig('wasm', catalog), methods: ['protonet' as const, 'linear-probe' as const] };
    const m = matrixLayout(config, catalog);
    expect(m.rows.map((r) => `${r.key}|${r.method}`)).toEqual([
      'all-except-target|protonet',
      'all-except-target|linear-probe',
      'untrained|protonet',
      'untrained|linear-probe',
      'pixels|protonet',
      'pixels|linear-probe',
    ]);
    expect(m.rows[5]!.label).toBe('pixels (baseline) · linear probe');
    const col = m.columns.find((c) => c.key === 'bus/case category')!;
    const index = indexCells([
      cell('pixels', 'bus', 'case category', 5, 0.6, 0.7),
      { ...cell('pixels', 'bus', 'case category', 5, 0.8, 0.9), method: 'linear-probe' },
    ]);
    expect(cellAt(index, m.rows[4]!, col, 5)?.accuracy.mean).toBe(0.6);
    expect(cellAt(index, m.rows[5]!, col, 5)?.accuracy.mean).toBe(0.8);
  });
});
