/**
 * Which datasets and tasks a source row trains on for a given target, and which datasets that target
 * rules out. The rule itself (target, domain and subject overlaps in both directions, same domain) is
 * `chooseSources` in ../sources.ts; this file applies it to catalog entries and to every kind of row.
 */

import { chooseSources, type SourceChoice, type SourceDataset, type TaskRef } from '../sources';
import type { Catalog, CatalogDataset } from './catalog';
import type { SourceSpec, TargetRef } from './types';

export interface SourceSet {
  /** Single-label tasks the encoder trains on, in catalog order; empty for the baseline rows; the target task for `supervised`. */
  tasks: TaskRef[];
  /** Their datasets, distinct, in order. */
  datasets: string[];
  /** Datasets no cross-domain source may use for this target: the target itself and its overlaps, with why. */
  leftOut: { datasetId: string; reason: string }[];
  /** Datasets of `tasks` that are in `leftOut`: the cell is not cross-domain (always empty for all-except-target). */
  overlapping: { datasetId: string; reason: string }[];
  /** Tasks of the chosen datasets that cannot train (multilabel), with why. */
  excluded: { datasetId: string; taskName?: string; reason: string }[];
}

export type SourceSetResult = { ok: true; set: SourceSet } | { ok: false; error: string };

function asSourceDataset(d: CatalogDataset): SourceDataset {
  return {
    id: d.id,
    domain: d.domain,
    tasks: d.tasks.map((t) => ({
      name: t.name,
      target: t.target,
      labels: t.classCounts.map((c) => ({ value: c.value, name: c.name })),
    })),
    domainOverlaps: d.domainOverlaps,
    subjectOverlaps: d.subjectOverlaps,
  };
}

/**
 * A dataset that overlaps nothing and has one trainable task: added to the list given to
 * `chooseSources` when only its exclusion list is wanted, so that the call cannot fail for want of a
 * remaining task. Its id holds a control character, which no validated dataset id can.
 */
const SENTINEL: SourceDataset = {
  id: '\u0000sentinel',
  domain: '\u0000sentinel',
  tasks: [{ name: 'sentinel', target: 'BINARY_CLASSIFICATION', labels: [] }],
  domainOverlaps: [],
  subjectOverlaps: [],
};

/** The datasets a target rules out as sources, with why (`chooseSources`' all-except rule). */
export function leftOutFor(targetDataset: string, catalog: Catalog): SourceSet['leftOut'] {
  const datasets = catalog.map(asSourceDataset);
  if (!datasets.some((d) => d.id === targetDataset)) return [];
  const { excluded } = chooseSources([...datasets, SENTINEL], { kind: 'all-except', target: targetDataset });
  return excluded.filter((e) => e.taskName === undefined).map((e) => ({ datasetId: e.datasetId, reason: e.reason }));
}

/**
 * The source set of row `source` for column `target`. Errors (unknown dataset, task or domain; a
 * multilabel source task; nothing trainable left) come back as `{ok: false}` with a message naming them.
 */
export function sourceDatasetsFor(target: TargetRef, source: SourceSpec, catalog: Catalog): SourceSetResult {
  if (!catalog.some((d) => d.id === target.dataset)) {
    return { ok: false, error: `target dataset "${target.dataset}" is not in the catalog` };
  }
  const leftOut = leftOutFor(target.dataset, catalog);
  let choice: SourceChoice;
  switch (source.kind) {
    case 'untrained':
    case 'pixels':
      return { ok: true, set: { tasks: [], datasets: [], leftOut, overlapping: [], excluded: [] } };
    case 'task':
      choice = { kind: 'task', datasetId: source.dataset, taskName: source.task };
      break;
    case 'dataset':
      choice = { kind: 'dataset', datasetId: source.dataset };
      break;
    case 'domain':
      choice = { kind: 'domain', domain: source.domain };
      break;
    case 'all-except-target':
    case 'mm-pt':
      choice = { kind: 'all-except', target: target.dataset };
      break;
    case 'supervised':
      // The upper bound trains on the target task itself: in-domain by design, any task type.
      return {
        ok: true,
        set: {
          tasks: [{ datasetId: target.dataset, taskName: target.task }],
          datasets: [target.dataset],
          leftOut,
          overlapping: [],
          excluded: [],
        },
      };
  }
  let selection;
  try {
    selection = chooseSources(catalog.map(asSourceDataset), choice);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const datasets = [...new Set(selection.tasks.map((t) => t.datasetId))];
  const overlapping = leftOut.filter((l) => datasets.includes(l.datasetId));
  const excluded = selection.excluded.filter(
    (e) => e.taskName !== undefined || !leftOut.some((l) => l.datasetId === e.datasetId),
  );
  return { ok: true, set: { tasks: selection.tasks, datasets, leftOut, overlapping, excluded } };
}
