import { describe, expect, it } from 'vitest';
import { planBatches } from './batch-plan';

describe('planBatches', () => {
  it('one task: epochs are permutations cut into batches, the last one smaller, reshuffled every epoch', () => {
    const p = planBatches([10], 4, 7);
    expect(p.batchesPerEpoch).toEqual([3]);
    const epoch = (e: number): number[][] => [0, 1, 2].map((j) => Array.from(p.at(3 * e + j).rows));
    for (const e of [0, 1]) {
      const b = epoch(e);
      expect(b.map((x) => x.length)).toEqual([4, 4, 2]);
      expect(b.flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(epoch(0).flat()).not.toEqual(epoch(1).flat());
    expect(p.at(0).task).toBe(0);
  });

  it('is a pure function of (sizes, batch, seed, step), in any order of calls', () => {
    const a = planBatches([5, 9, 3], 2, 42);
    const b = planBatches([5, 9, 3], 2, 42);
    const forward = Array.from({ length: 40 }, (_, s) => a.at(s));
    const backward = Array.from({ length: 40 }, (_, s) => b.at(39 - s)).reverse();
    expect(backward).toEqual(forward);
    expect(planBatches([5, 9, 3], 2, 43).at(0)).not.toEqual(forward[0]);
  });

  it('several tasks: every round visits each task once, and a task goes through its own epochs', () => {
    const sizes = [5, 9, 3];
    const p = planBatches(sizes, 2, 1);
    const seen: number[][] = [[], [], []];
    for (let r = 0; r < 12; r++) {
      const round = [0, 1, 2].map((i) => p.at(3 * r + i));
      expect(round.map((x) => x.task).sort()).toEqual([0, 1, 2]);
      for (const x of round) seen[x.task]!.push(...x.rows);
    }
    // 12 rounds: task 0 has 3 batches an epoch (4 epochs), task 1 5 (2 epochs + 2 batches), task 2 2 (6 epochs).
    const count = (xs: number[], v: number): number => xs.filter((x) => x === v).length;
    for (let i = 0; i < 5; i++) expect(count(seen[0]!, i)).toBe(4);
    for (let i = 0; i < 3; i++) expect(count(seen[2]!, i)).toBe(6);
    expect(seen[1]!.length).toBe(2 * 9 + 4);
    const orders = new Set(Array.from({ length: 12 }, (_, r) => [0, 1, 2].map((i) => p.at(3 * r + i).task).join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('refuses an empty task, no task, a bad batch or step', () => {
    expect(() => planBatches([], 4, 0)).toThrow(/no task/);
    expect(() => planBatches([3, 0], 4, 0)).toThrow(/task 1 has 0 images/);
    expect(() => planBatches([3], 0, 0)).toThrow(/batch must be an integer >= 1, got 0/);
    expect(() => planBatches([3], 2, 0).at(-1)).toThrow(/step must be an integer >= 0, got -1/);
  });
});
