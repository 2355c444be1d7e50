/**
 * Can a target task be evaluated under the config's protocol at a given K, judged from its class counts
 * alone (before any pixel is read)? The rules are the samplers' (../sampling/fixed.ts, medimeta.ts,
 * variable.ts), so that a cell this file calls runnable is one `planEpisodes` accepts:
 *
 * - `fixed` N-way K-shot Q-query: single-label tasks only; at least N classes with >= K+Q images.
 * - `medimeta`: binary tasks need K+Q images of both classes; multiclass and ordinal tasks drop classes
 *   with fewer than K+Q images and need 2 left; multilabel tasks drop labels with fewer than K+Q
 *   positives (or negatives, when the split size is known) and need 1 left.
 * - `variable`: single-label tasks only; classes need 2 images; at least 2 classes.
 */

import type { ClassCount } from '../class-counts';
import { describeSpec } from '../sampling/describe';
import { VARIABLE_EPISODE_CONFIG } from '../sampling/variable';
import type { EpisodeMode } from '../sampling/types';
import type { SplitName } from '../types';
import type { CatalogTask } from './catalog';

export interface CountedClass {
  value: number;
  name: string;
  /** Images in the split (positives for a multilabel label). */
  count: number;
  /** Multilabel only, when the split size is known. */
  negatives?: number;
}

export interface Feasibility {
  runnable: boolean;
  /** A multilabel task (episodes score every label of every query image). */
  multilabel: boolean;
  /** Classes (labels) per episode: N for fixed, the eligible classes for medimeta, 0 for variable (it varies). */
  way: number;
  /** Classes (labels) episodes may draw from. */
  eligible: CountedClass[];
  /** Classes (labels) of the task no episode will use. */
  dropped: CountedClass[];
  /** Why not runnable, or (when runnable) which classes are dropped; names classes and their counts. */
  message?: string;
}

export interface ProtocolAt {
  mode: EpisodeMode;
  /** N (fixed). */
  way: number;
  /** K (fixed, medimeta). */
  shot: number;
  /** Q (fixed, medimeta). */
  query: number;
  split: SplitName;
}

function formatCounts(cs: readonly CountedClass[]): string {
  return cs
    .map((c) => (c.negatives === undefined ? `${c.name}: ${c.count}` : `${c.name}: ${c.count}+/${c.negatives}-`))
    .join(', ');
}

/** "(A: 25, B: 30; D: 4, E: 2 too few)" */
function split(ok: readonly CountedClass[], short: readonly CountedClass[]): string {
  const parts: string[] = [];
  if (ok.length > 0) parts.push(formatCounts(ok));
  if (short.length > 0) parts.push(`${formatCounts(short)} too few`);
  return `(${parts.join('; ')})`;
}

export function feasibility(task: CatalogTask, p: ProtocolAt, splitSize?: number): Feasibility {
  const multilabel = task.target === 'MULTILABEL_CLASSIFICATION';
  const counts: CountedClass[] = task.classCounts.map((c: ClassCount) => ({
    value: c.value,
    name: c.name,
    count: c.counts[p.split],
    ...(multilabel && splitSize !== undefined ? { negatives: Math.max(0, splitSize - c.counts[p.split]) } : {}),
  }));
  const what = `${describeSpec(p)} on the ${p.split} split`;
  const refuse = (message: string, eligible: CountedClass[] = [], dropped: CountedClass[] = counts): Feasibility => ({
    runnable: false,
    multilabel,
    way: 0,
    eligible,
    dropped,
    message: `${what}: ${message}`,
  });
  const plural = (n: number): string => (n === 1 ? '1 class has' : `${n} classes have`);

  if (p.mode !== 'medimeta' && multilabel) {
    return refuse(`${p.mode} episodes need a single-label task, and this one is multilabel (use medimeta mode)`);
  }
  const need = p.mode === 'variable' ? VARIABLE_EPISODE_CONFIG.minExamplesInClass : p.shot + p.query;
  const enough = (c: CountedClass): boolean => c.count >= need && (c.negatives === undefined || c.negatives >= need);
  const eligible = counts.filter(enough);
  const dropped = counts.filter((c) => !enough(c));
  const droppedNote =
    dropped.length > 0
      ? `${what}: ${dropped.length} of ${counts.length} ${multilabel ? 'labels' : 'classes'} dropped, fewer than ${need} images ${split([], dropped)}`
      : undefined;
  const ok = (way: number): Feasibility => ({
    runnable: true,
    multilabel,
    way,
    eligible,
    dropped,
    ...(droppedNote ? { message: droppedNote } : {}),
  });

  switch (p.mode) {
    case 'fixed':
      if (eligible.length < p.way)
        return refuse(
          `only ${plural(eligible.length)} >= ${need} images, ${p.way} needed ${split(eligible, dropped)}`,
          eligible,
          dropped,
        );
      return ok(p.way);
    case 'variable':
      if (eligible.length < 2)
        return refuse(
          `only ${plural(eligible.length)} >= ${need} images, 2 needed ${split(eligible, dropped)}`,
          eligible,
          dropped,
        );
      return ok(0);
    case 'medimeta':
      if (multilabel) {
        if (eligible.length === 0)
          return refuse(
            `no label has >= ${need} positives${splitSize !== undefined ? ` and >= ${need} negatives` : ''} ${split([], dropped)}`,
          );
        return ok(eligible.length);
      }
      if (task.target === 'BINARY_CLASSIFICATION') {
        if (counts.length !== 2)
          return refuse(`a binary task needs exactly 2 classes, found ${counts.length} ${split(counts, [])}`);
        if (dropped.length > 0)
          return refuse(
            `a binary task needs >= ${need} images of each class ${split(eligible, dropped)}`,
            eligible,
            dropped,
          );
        return ok(2);
      }
      if (eligible.length < 2)
        return refuse(
          `only ${plural(eligible.length)} >= ${need} images, at least 2 needed ${split(eligible, dropped)}`,
          eligible,
          dropped,
        );
      return ok(eligible.length);
  }
}
