/**
 * Words for error messages: a request the data cannot satisfy must say what was asked, of which split
 * and task, and how many images each class has, so the user can pick a feasible K, Q or N.
 */

import { taskKey } from './class-pools';
import type { ClassCount, EpisodeSpec, TaskView } from './types';

/** "fixed 5-way 5-shot 15-query", "medimeta 5-shot 10-query", "variable-way variable-shot". */
export function describeSpec(
  spec: Pick<EpisodeSpec, 'mode'> & { way?: number; shot?: number; query?: number },
): string {
  switch (spec.mode) {
    case 'fixed':
      return `fixed ${spec.way}-way ${spec.shot}-shot ${spec.query}-query`;
    case 'medimeta':
      return `medimeta ${spec.shot}-shot ${spec.query}-query`;
    case 'variable':
      return 'variable-way variable-shot';
  }
}

/** `fixed 5-way 5-shot 15-query on split test of task "bus/case category"`. */
export function describeRequest(spec: EpisodeSpec, view: Pick<TaskView, 'datasetId' | 'task' | 'split'>): string {
  return `${describeSpec(spec)} on split ${view.split} of task "${taskKey(view)}"`;
}

/** "A: 25, B: 30"; multilabel counts read "A: 25+/300-". */
export function formatCounts(counts: readonly ClassCount[]): string {
  return counts
    .map((c) => (c.negatives === undefined ? `${c.name}: ${c.count}` : `${c.name}: ${c.count}+/${c.negatives}-`))
    .join(', ');
}

/** "(A: 25, B: 30; D: 4, E: 2 too few)": the usable classes, then the ones short of images. */
export function formatSplitCounts(ok: readonly ClassCount[], short: readonly ClassCount[]): string {
  const parts: string[] = [];
  if (ok.length > 0) parts.push(formatCounts(ok));
  if (short.length > 0) parts.push(`${formatCounts(short)} too few`);
  return `(${parts.join('; ')})`;
}

/** "1 class" / "3 classes". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
