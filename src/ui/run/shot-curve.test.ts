import { describe, expect, it } from 'vitest';
import { smallCatalog } from '../../core/config/test-catalog';
import { smallRecord } from '../../core/results/test-record';
import { cellColours, fileSafe, strength } from './export-image';
import { formatWhen } from './history';
import { curveSeries } from './shot-curve';

describe('shot curve series', () => {
  it('has one series per target with the finished K values of the row, in K order', () => {
    const r = smallRecord();
    const { ks, series } = curveSeries(r.config, smallCatalog(), r, 'all-except-target', 'accuracy');
    expect(ks).toEqual([...r.config.shots].sort((a, b) => a - b));
    expect(series.map((s) => s.target)).toHaveLength(r.config.targets.length);
    const bus = series.find((s) => s.target === 'bus/case category');
    expect(bus?.points).toEqual([
      { k: 1, mean: 0.55, ci95: 0.02 },
      { k: 5, mean: 0.68, ci95: 0.02 },
    ]);
    for (const s of series) if (s.target !== 'bus/case category') expect(s.points).toEqual([]);
  });

  it('follows the metric and the row, and leaves out undefined means', () => {
    const r = smallRecord();
    const pix = curveSeries(r.config, smallCatalog(), r, 'pixels', 'auroc').series;
    expect(pix.find((s) => s.target === 'bus/case category')?.points).toEqual([{ k: 1, mean: 0.58, ci95: 0.02 }]);
    const un = curveSeries(r.config, smallCatalog(), r, 'untrained', 'auroc').series;
    expect(un.every((s) => s.points.length === 0)).toBe(true);
    const unAcc = curveSeries(r.config, smallCatalog(), r, 'untrained', 'accuracy').series;
    expect(unAcc.find((s) => s.target === 'oct/disease class')?.points).toEqual([{ k: 5, mean: 0.5, ci95: 0.02 }]);
  });

  it('uses the first row for an unknown row key, and has no points without a record', () => {
    const r = smallRecord();
    const a = curveSeries(r.config, smallCatalog(), r, 'nope', 'accuracy');
    const b = curveSeries(r.config, smallCatalog(), r, r.config.sources.length ? 'all-except-target' : '', 'accuracy');
    expect(a).toEqual(b);
    const none = curveSeries(r.config, smallCatalog(), undefined, 'pixels', 'accuracy');
    expect(none.series.every((s) => s.points.length === 0)).toBe(true);
  });
});

describe('matrix image helpers', () => {
  it('colours like the page: light at chance, dark and white text at perfect', () => {
    expect(strength(0.5, 0.5)).toBe(0);
    expect(strength(0.2, 0.5)).toBe(0);
    expect(strength(1, 0.5)).toBe(1);
    expect(strength(NaN, 0.5)).toBe(0);
    expect(cellColours(0.5, 0.5)).toEqual({ fill: 'hsl(205, 70%, 96.0%)', text: '#111' });
    expect(cellColours(1, 0.5)).toEqual({ fill: 'hsl(205, 70%, 40.0%)', text: '#fff' });
  });

  it('makes file-safe names', () => {
    expect(fileSafe('protobench-a b/c:d-accuracy-k1')).toBe('protobench-a_b_c_d-accuracy-k1');
  });

  it('formats dates, keeping unparseable ones', () => {
    expect(formatWhen('not a date')).toBe('not a date');
    expect(formatWhen('2026-03-14T09:26:53.589Z')).toMatch(/^2026-03-1[45] \d\d:\d\d$/);
  });
});
