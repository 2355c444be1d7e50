/**
 * One cell from its training repeats (src/core/stats/repeats.ts says how the CI is made). Every repeat
 * must hold its per-episode values, over the same episodes.
 */

import { summarizeRepeats, tQuantile975 } from '../stats/repeats';
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

/**
 * `a - b` of two cells over the same episodes (and, with repeats, the same training seeds: repeat r of
 * both rows starts from the same init), with the CI of the difference: the episode term over the paired
 * per-episode differences, plus, with repeats, the training-spread term over the per-repeat differences
 * (the rule of src/core/stats/repeats.ts); a `b` without repeats (pixels) counts as the same value in each.
 * Needs both cells' per-episode values.
 */
export function pairedDifference(
  a: CellResult,
  b: CellResult,
  metric: 'accuracy' | 'auroc',
): { mean: number; ci95: number; repeats: number } {
  const ea = a.perEpisode?.[metric];
  const eb = b.perEpisode?.[metric];
  if (!ea || !eb || ea.length !== eb.length) throw new Error('pairedDifference: both cells need the same episodes');
  const episodes = summarizeRepeats([ea.map((x, i) => x - (eb[i] as number))]);
  const ra = a.repeats;
  const rb = b.repeats;
  if (!ra || ra.length < 2 || (rb && rb.length !== ra.length))
    return { mean: episodes.mean, ci95: episodes.ci95, repeats: 1 };
  // A row without repeats (pixels) is one value against every repeat of the other.
  const means = ra.map((r, i) => r[metric] - (rb ? (rb[i] as (typeof rb)[number])[metric] : b[metric].mean));
  const R = means.length;
  const mean = means.reduce((s, m) => s + m, 0) / R;
  const sd = Math.sqrt(means.reduce((s, m) => s + (m - mean) ** 2, 0) / (R - 1));
  const training = (tQuantile975(R - 1) * sd) / Math.sqrt(R);
  return { mean, ci95: Math.hypot(training, episodes.ci95), repeats: R };
}
