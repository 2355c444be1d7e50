/**
 * Which source tasks a meta-trained encoder may learn from. Cross-domain evaluation of a target must
 * not train on the target itself nor on any dataset that shares its domain or its subjects (MedIMeta:
 * leave out the target and every dataset named in its `domain_overlaps` and `subject_overlaps`).
 *
 * Only single-label tasks (binary, multiclass, ordinal) are returned: episodic ProtoNet training draws
 * N-way K-shot episodes, which a multilabel task does not have.
 */

import type { DatasetInfo, TaskTarget } from './types';

export interface TaskRef {
  datasetId: string;
  taskName: string;
}

/**
 * - `task`: one task; `dataset`: every task of one dataset; `domain`: every dataset of one domain.
 * - `all-except`: every dataset except `target`, the datasets it names as domain or subject overlaps,
 *   the datasets that name it (overlap is symmetric even where a file lists it one way only), and
 *   datasets of the same `domain` string.
 */
export type SourceChoice =
  | { kind: 'task'; datasetId: string; taskName: string }
  | { kind: 'dataset'; datasetId: string }
  | { kind: 'domain'; domain: string }
  | { kind: 'all-except'; target: string };

export type SourceDataset = Pick<DatasetInfo, 'id' | 'domain' | 'tasks' | 'domainOverlaps' | 'subjectOverlaps'>;

export interface SourceSelection {
  tasks: TaskRef[];
  /** Datasets and tasks left out, and why (shown next to a trained encoder). */
  excluded: { datasetId: string; taskName?: string; reason: string }[];
}

const TRAINABLE: readonly TaskTarget[] = ['BINARY_CLASSIFICATION', 'MULTICLASS_CLASSIFICATION', 'ORDINAL_REGRESSION'];

/** Why `d` may not be a source for `target`, or null when it may. */
function overlapReason(d: SourceDataset, target: SourceDataset): string | null {
  if (d.id === target.id) return 'the target itself';
  if (target.domainOverlaps.includes(d.id) || d.domainOverlaps.includes(target.id))
    return 'domain overlap with the target';
  if (target.subjectOverlaps.includes(d.id) || d.subjectOverlaps.includes(target.id))
    return 'subject overlap with the target';
  if (d.domain === target.domain) return 'same domain as the target';
  return null;
}

/** The source tasks of `choice` among `datasets`, in the order given. Throws on an unknown id, task or domain. */
export function chooseSources(datasets: readonly SourceDataset[], choice: SourceChoice): SourceSelection {
  const byId = new Map(datasets.map((d) => [d.id, d]));
  const need = (id: string): SourceDataset => {
    const d = byId.get(id);
    if (!d) throw new Error(`sources: no dataset "${id}" (have ${[...byId.keys()].join(', ') || 'none'})`);
    return d;
  };
  let candidates: SourceDataset[];
  const excluded: SourceSelection['excluded'] = [];
  switch (choice.kind) {
    case 'task': {
      const d = need(choice.datasetId);
      const t = d.tasks.find((x) => x.name === choice.taskName);
      if (!t) throw new Error(`sources: dataset "${d.id}" has no task "${choice.taskName}"`);
      if (!TRAINABLE.includes(t.target))
        throw new Error(`sources: task "${d.id}/${t.name}" is ${t.target}; meta-training needs a single-label task`);
      return { tasks: [{ datasetId: d.id, taskName: t.name }], excluded };
    }
    case 'dataset':
      candidates = [need(choice.datasetId)];
      break;
    case 'domain':
      candidates = datasets.filter((d) => d.domain === choice.domain);
      if (candidates.length === 0) throw new Error(`sources: no dataset in domain "${choice.domain}"`);
      break;
    case 'all-except': {
      const target = need(choice.target);
      candidates = [];
      for (const d of datasets) {
        const why = overlapReason(d, target);
        if (why) excluded.push({ datasetId: d.id, reason: why });
        else candidates.push(d);
      }
      break;
    }
  }
  const tasks: TaskRef[] = [];
  for (const d of candidates) {
    for (const t of d.tasks) {
      if (TRAINABLE.includes(t.target)) tasks.push({ datasetId: d.id, taskName: t.name });
      else excluded.push({ datasetId: d.id, taskName: t.name, reason: `${t.target} (not single-label)` });
    }
  }
  if (tasks.length === 0) throw new Error(`sources: no single-label task to train on (${JSON.stringify(choice)})`);
  return { tasks, excluded };
}
