/**
 * `compareRuns(a, b)`: cell by cell, how run b differs from run a (b - a), and which differences are
 * beyond what episode sampling explains.
 *
 * The rule: a difference d = mean_b - mean_a is marked `beyond` when |d| > sqrt(ci_a^2 + ci_b^2), the
 * CIs being 95% half-widths (1.96 SE). That is the two-sided 95% z-test of two independent means
 * (SE of the difference = sqrt(SE_a^2 + SE_b^2)). With the same seed both runs draw the same episodes, so
 * the test is conservative (paired values would give a smaller SE); it is never marked when either CI is
 * undefined (one episode) or either mean is NaN.
 *
 * Cells are matched by `cellKey`. Differences in what was run (config, datasets, backend) are listed
 * in `notes`, since they are usually the reason for the differences.
 */

import { effectiveConfig } from '../config/spec';
import type { MethodChoice } from '../config/types';
import { indexCells } from './matrix';
import type { CellResult, MetricSummary, RunRecord } from './types';

export interface MetricDiff {
  a: number;
  b: number;
  /** b - a. */
  diff: number;
  /** sqrt(ci_a^2 + ci_b^2); NaN when either CI is undefined. */
  threshold: number;
  /** |diff| > threshold. */
  beyond: boolean;
}

export interface CellComparison {
  key: string;
  source: string;
  target: CellResult['target'];
  k: number;
  method: MethodChoice;
  accuracy: MetricDiff;
  auroc: MetricDiff;
}

export interface RunComparison {
  cells: CellComparison[];
  /** Cell keys only one run has. */
  onlyA: string[];
  onlyB: string[];
  /** Cells with a difference beyond the CIs (accuracy or AUROC). */
  beyond: number;
  /** What differs between the runs besides the results. */
  notes: string[];
}

export function diffMetric(a: MetricSummary, b: MetricSummary): MetricDiff {
  const diff = b.mean - a.mean;
  const threshold = Math.sqrt(a.ci95 * a.ci95 + b.ci95 * b.ci95);
  return {
    a: a.mean,
    b: b.mean,
    diff,
    threshold,
    beyond: Number.isFinite(diff) && Number.isFinite(threshold) && Math.abs(diff) > threshold,
  };
}

function configNotes(a: RunRecord, b: RunRecord): string[] {
  const notes: string[] = [];
  const ea = effectiveConfig(a.config) as unknown as Record<string, unknown>;
  const eb = effectiveConfig(b.config) as unknown as Record<string, unknown>;
  for (const k of Object.keys(ea)) {
    const va = JSON.stringify(ea[k]);
    const vb = JSON.stringify(eb[k]);
    if (va !== vb) notes.push(`config ${k}: ${va} vs ${vb}`);
  }
  return notes;
}

export function compareRuns(a: RunRecord, b: RunRecord): RunComparison {
  const ia = indexCells(a.cells);
  const ib = indexCells(b.cells);
  const cells: CellComparison[] = [];
  const onlyA: string[] = [];
  for (const [key, ca] of ia) {
    const cb = ib.get(key);
    if (!cb) {
      onlyA.push(key);
      continue;
    }
    cells.push({
      key,
      source: ca.source,
      target: { ...ca.target },
      k: ca.k,
      method: ca.method ?? 'protonet',
      accuracy: diffMetric(ca.accuracy, cb.accuracy),
      auroc: diffMetric(ca.auroc, cb.auroc),
    });
  }
  const onlyB = [...ib.keys()].filter((k) => !ia.has(k));

  const notes = configNotes(a, b);
  const fa = new Map(a.datasets.map((d) => [d.id, d.fingerprint]));
  for (const d of b.datasets) {
    const f = fa.get(d.id);
    if (f !== undefined && f !== d.fingerprint)
      notes.push(`dataset ${d.id}: different content (${f} vs ${d.fingerprint})`);
  }
  const ea = a.environment;
  const eb = b.environment;
  if (ea.backend !== eb.backend) notes.push(`backend: ${ea.backend} vs ${eb.backend}`);
  const adapter = (e: RunRecord['environment']): string =>
    e.adapter ? e.adapter.description || `${e.adapter.vendor} ${e.adapter.architecture}` : 'none';
  if (adapter(ea) !== adapter(eb)) notes.push(`adapter: ${adapter(ea)} vs ${adapter(eb)}`);
  if (ea.softwareFallback !== eb.softwareFallback)
    notes.push(`software fallback: ${ea.softwareFallback} vs ${eb.softwareFallback}`);
  if (ea.tfjsVersion !== eb.tfjsVersion) notes.push(`tfjs: ${ea.tfjsVersion} vs ${eb.tfjsVersion}`);

  return {
    cells,
    onlyA,
    onlyB,
    beyond: cells.filter((c) => c.accuracy.beyond || c.auroc.beyond).length,
    notes,
  };
}
