import { describe, expect, it } from 'vitest';
import { cellKey } from '../config/keys';
import { compareRuns, diffMetric } from './compare';
import { withCell } from './record';
import { cell, smallRecord } from './test-record';
import type { RunRecord } from './types';

describe('compareRuns', () => {
  it('marks differences beyond sqrt(ci_a^2 + ci_b^2), lists unmatched cells and what differs', () => {
    expect(diffMetric({ mean: 0.5, ci95: 0.03, std: 0 }, { mean: 0.56, ci95: 0.04, std: 0 })).toMatchObject({
      threshold: 0.05,
      beyond: true,
    });
    expect(diffMetric({ mean: 0.5, ci95: 0.03, std: 0 }, { mean: 0.54, ci95: 0.04, std: 0 }).beyond).toBe(false);
    expect(diffMetric({ mean: 0.5, ci95: NaN, std: 0 }, { mean: 0.9, ci95: 0.01, std: 0 }).beyond).toBe(false);

    const a = smallRecord();
    let b: RunRecord = {
      ...smallRecord(),
      id: 'run-2',
      environment: { ...a.environment, backend: 'wasm', adapter: null },
    };
    b = withCell(b, cell('all-except-target', 'bus', 'case category', 1, 0.65, 0.72));
    b = { ...b, cells: b.cells.filter((c) => c.source !== 'pixels') };
    b = withCell(b, cell('pixels', 'oct', 'disease class', 1, 0.3, 0.5));
    const r = compareRuns(a, b);
    expect(r.cells).toHaveLength(3);
    const first = r.cells.find((c) => c.key === cellKey('all-except-target', 'bus/case category', 1))!;
    expect(first.accuracy.diff).toBeCloseTo(0.1, 12);
    expect(first.accuracy.beyond).toBe(true);
    expect(first.auroc.beyond).toBe(false);
    expect(r.beyond).toBe(1);
    expect(r.onlyA).toEqual([cellKey('pixels', 'bus/case category', 1)]);
    expect(r.onlyB).toEqual([cellKey('pixels', 'oct/disease class', 1)]);
    expect(r.notes).toEqual(['backend: webgpu vs wasm', 'adapter: NVIDIA GeForce RTX 3060 vs none']);
    expect(compareRuns(a, { ...a, config: { ...a.config, seed: 9 } }).notes).toEqual(['config seed: 0 vs 9']);
  });
});
