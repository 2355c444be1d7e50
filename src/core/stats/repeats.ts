/**
 * A cell evaluated with R training repeats (R encoders trained with different seeds, scored on the same
 * episodes). Its uncertainty has two parts: which episodes were drawn, and which training run one got.
 * The second is the larger for a trained row (issue 19: single runs disagree by up to 5 pp where episode
 * CIs are under 1 pp), so a cell with repeats reports
 *
 *   mean = mean over repeats of the repeat means m_r
 *   ci95 = sqrt( (t(R-1) * sd(m_r) / sqrt(R))^2 + (1.96 * sd(e) / sqrt(n))^2 )
 *
 * where e_i is episode i's value averaged over the repeats, n the episodes, sd the sample standard
 * deviation and t(R-1) Student's 97.5 % quantile (R = 1: the first term is 0 and this is the plain episode
 * CI). The first term is the training spread (between-run variance of the mean); the second the episode
 * sampling error of the shared episodes, which the repeat means cannot show since every repeat sees the
 * same episodes. NaN episode values (undefined AUROC) are left out of both.
 */

import { CI95_Z, summarize, type Summary } from './summary';

/** Student's t 97.5 % quantiles for 1..30 degrees of freedom; beyond 30, 1.96 is within 4 %. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) return NaN;
  return T975[df - 1] ?? CI95_Z;
}

export interface RepeatsSummary extends Summary {
  /** Repeats combined. */
  repeats: number;
  /** Each repeat's mean over its episodes. */
  repeatMeans: number[];
  /** sd of the repeat means (NaN for one repeat). */
  betweenStd: number;
  /** Half-width of the training-spread term alone (0 for one repeat). */
  trainingCi95: number;
  /** Half-width of the episode term alone. */
  episodeCi95: number;
}

/** `perRepeat[r][i]`: repeat r's value on episode i; every repeat has the same episodes. */
export function summarizeRepeats(perRepeat: readonly ArrayLike<number>[]): RepeatsSummary {
  const R = perRepeat.length;
  if (R === 0) throw new Error('summarizeRepeats: no repeat');
  const n = (perRepeat[0] as ArrayLike<number>).length;
  for (const r of perRepeat)
    if (r.length !== n) throw new Error(`summarizeRepeats: repeats have ${n} and ${r.length} episodes`);
  const repeatMeans = perRepeat.map((r) => summarize(r).mean);
  const averaged = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (const r of perRepeat) s += r[i] as number;
    return s / R;
  });
  const episodes = summarize(averaged);
  const between = summarize(repeatMeans);
  const trainingCi95 = R > 1 ? (tQuantile975(R - 1) * between.std) / Math.sqrt(R) : 0;
  const episodeCi95 = episodes.ci95;
  return {
    ...episodes,
    mean: R > 1 ? between.mean : episodes.mean,
    ci95: Math.sqrt(trainingCi95 ** 2 + episodeCi95 ** 2),
    repeats: R,
    repeatMeans,
    betweenStd: between.std,
    trainingCi95,
    episodeCi95,
  };
}
