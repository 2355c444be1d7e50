import { describe, expect, it } from 'vitest';
import { ProgressMeter, formatDuration } from './progress-meter';

function clock(): { now: () => number; at: (ms: number) => void } {
  let t = 0;
  return { now: () => t, at: (ms) => (t = ms) };
}

describe('ProgressMeter', () => {
  it('gives no ETA before a cell is done, then remaining cells x mean time per cell', () => {
    const c = clock();
    const m = new ProgressMeter(c.now);
    m.start(0);
    c.at(5_000);
    const first = m.update({ phase: 'embed', cellsDone: 0, cellsTotal: 10 });
    expect(first.etaMs).toBeUndefined();
    expect(first.text).toBe('0 of 10 cells, time left known after the first cell');
    c.at(20_000);
    const r = m.update({ phase: 'episodes', cellsDone: 2, cellsTotal: 10 });
    expect(r.etaMs).toBe(80_000); // 10 s per cell, 8 left
    expect(r.text).toBe('2 of 10 cells, about 1 min left; 6.00 cells/min');
  });

  it('counts only the cells finished in this session after a resume', () => {
    const c = clock();
    const m = new ProgressMeter(c.now);
    c.at(1_000);
    m.start(6);
    c.at(31_000);
    const r = m.update({ phase: 'episodes', cellsDone: 7, cellsTotal: 10 });
    expect(r.etaMs).toBe(90_000);
  });

  it('measures training steps/s and images/s within one phase of one cell, restarting on a new one', () => {
    const c = clock();
    const m = new ProgressMeter(c.now);
    m.start(0);
    m.update({ phase: 'train', cellsDone: 0, cellsTotal: 4, cell: 'a', step: 1, steps: 100 });
    c.at(2_000);
    expect(m.update({ phase: 'train', cellsDone: 0, cellsTotal: 4, cell: 'a', step: 5, steps: 100 }).rate).toBe(
      '2.00 steps/s',
    );
    c.at(3_000);
    // A new phase starts its own span: no rate from a single event.
    expect(m.update({ phase: 'embed', cellsDone: 0, cellsTotal: 4, cell: 'a', done: 100, total: 1000 }).rate).toBe('');
    c.at(3_500);
    expect(m.update({ phase: 'embed', cellsDone: 0, cellsTotal: 4, cell: 'a', done: 600, total: 1000 }).rate).toBe(
      '1000 images/s',
    );
    c.at(4_000);
    expect(m.update({ phase: 'episodes', cellsDone: 0, cellsTotal: 4, cell: 'a', done: 10, total: 600 }).rate).toBe('');
    c.at(5_000);
    expect(m.update({ phase: 'episodes', cellsDone: 0, cellsTotal: 4, cell: 'a', done: 60, total: 600 }).rate).toBe(
      '50.0 episodes/s',
    );
  });

  it('formats durations', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(150_000)).toBe('3 min');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
    expect(formatDuration(NaN)).toBe('?');
  });
});
