import { describe, expect, it } from 'vitest';
import { checkAgainstCatalog } from '../config/check';
import { cellKey } from '../config/keys';
import { smallCatalog } from '../config/test-catalog';
import { indexCells } from './matrix';
import { datasetsUsed, finishRun, pendingCells, resumable, withCell } from './record';
import { cell, smallRecord } from './test-record';

describe('run record', () => {
  it('adds cells (replacing a redone one), sums their timings and tells what is left', () => {
    const catalog = smallCatalog();
    const r = smallRecord();
    expect(r.cells).toHaveLength(4);
    expect(r.timings.embedMs).toBe(1600);
    const again = withCell(r, cell('pixels', 'bus', 'case category', 1, 0.42, 0.6));
    expect(again.cells).toHaveLength(4);
    expect(indexCells(again.cells).get(cellKey('pixels', 'bus/case category', 1))!.accuracy.mean).toBe(0.42);
    expect(r.cells.find((c) => c.source === 'pixels')!.accuracy.mean).toBe(0.41); // not mutated

    const plan = checkAgainstCatalog(r.config, catalog);
    expect(pendingCells(plan.cells, r)).toHaveLength(plan.cells.length - 4);
    expect(datasetsUsed(plan.cells, catalog).map((d) => d.id)).toEqual(['bus', 'oct', 'cxr', 'pneumonia']);
  });

  it('resumes only the same config over the same data', () => {
    const catalog = smallCatalog();
    const running = { ...smallRecord(), status: 'running' as const };
    expect(resumable(running, running.config, catalog)).toEqual({ ok: true });
    const changed = catalog.map((d) => (d.id === 'oct' ? { ...d, fingerprint: 'sha256:new' } : d));
    const r = resumable(running, { ...running.config, seed: 1 }, changed);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reasons).toEqual([
      expect.stringMatching(/^the config differs/),
      'dataset "oct" changed (fingerprint sha256:oct vs sha256:new)',
    ]);
    expect(finishRun(running, 'failed', 10, 'device lost')).toMatchObject({
      status: 'failed',
      error: 'device lost',
      timings: { totalMs: 10 },
    });
    expect(finishRun(finishRun(running, 'failed', 10, 'x'), 'cancelled', 11).error).toBeUndefined();
  });
});
