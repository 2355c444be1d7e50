/**
 * One cell from its training repeats (src/core/stats/repeats.ts says how the CI is made). Every repeat
 * must hold its per-episode values, over the same episodes.
 */

import { summarizeRepeats } from '../stats/repeats';
import type { CellResult, MetricSummary } from './types';

function metric(perRepeat: number[][]): { summary: MetricSummary; means: number[]; averaged: number[] } {
  const s = summarizeRepeats(perRepeat);
  const averaged = Array.from({ length: perRepeat[0]?.length ?? 0 }, (_, i) => {
    let t = 0;
    for (const r of perRepeat) t += r[i] as number;
    return t / perRepeat.length;
  });
  return { summary: { mean: s.mean, ci95: s.ci95, std: s.std }, means: s.repeatMeans, averaged };
}

/** `cells[r]` is repeat r, trained (or initialised) with `seeds[r]`; `keys[r]` its stored-weights key. */
export function combineRepeats(
  cells: readonly CellResult[],
  seeds: readonly number[],
  keys?: readonly (string | undefined)[],
): CellResult {
  const first = cells[0];
  if (!first || cells.length !== seeds.length) throw new Error('combineRepeats: one cell per seed is needed');
  if (cells.length === 1) return first;
  const acc = metric(cells.map((c) => need(c).accuracy));
  const au = metric(cells.map((c) => need(c).auroc));
  const sum = (f: (c: CellResult) => number): number => cells.reduce((t, c) => t + f(c), 0);
  const out: CellResult = {
    ...first,
    accuracy: acc.summary,
    auroc: au.summary,
    perClassAccuracy: first.perClassAccuracy.map((p, i) => ({
      ...p,
      accuracy: sum((c) => c.perClassAccuracy[i]?.accuracy ?? NaN) / cells.length,
    })),
    timings: {
      loadMs: sum((c) => c.timings.loadMs),
      compileMs: sum((c) => c.timings.compileMs),
      warmupMs: sum((c) => c.timings.warmupMs),
      embedMs: sum((c) => c.timings.embedMs),
      episodesMs: sum((c) => c.timings.episodesMs),
    },
    perEpisode: { accuracy: acc.averaged, auroc: au.averaged },
    repeats: seeds.map((seed, r) => ({
      seed,
      accuracy: acc.means[r] as number,
      auroc: au.means[r] as number,
      ...(keys?.[r] ? { weightsKey: keys[r] } : {}),
    })),
    ciKind: 'episodes+training',
  };
  delete out.trainedWeights;
  return out;
}

function need(c: CellResult): { accuracy: number[]; auroc: number[] } {
  if (!c.perEpisode) throw new Error('combineRepeats: a repeat without per-episode values');
  return c.perEpisode;
}
