/**
 * What the config checks need to know about the datasets in the store: a minimal, plain description
 * (the data layer builds it from each manifest and its class counts). No pixels, no labels.
 */

import type { ClassCount } from '../class-counts';
import type { SplitName, TaskTarget } from '../types';
import type { TargetRef } from './types';

export interface CatalogTask {
  name: string;
  target: TaskTarget;
  /** Images per class and split (positives per label for multilabel tasks), as `classCounts` gives them. */
  classCounts: ClassCount[];
}

export interface CatalogDataset {
  id: string;
  domain: string;
  tasks: CatalogTask[];
  domainOverlaps: string[];
  subjectOverlaps: string[];
  /** `sha256:<hex>` content fingerprint (recorded with results). */
  fingerprint: string;
  /** Images per split; when given, multilabel negatives (split size - positives) are checked too. */
  splitSizes?: Record<SplitName, number>;
}

export type Catalog = readonly CatalogDataset[];

export function findDataset(catalog: Catalog, id: string): CatalogDataset | undefined {
  return catalog.find((d) => d.id === id);
}

export function findTask(catalog: Catalog, ref: TargetRef): { dataset: CatalogDataset; task: CatalogTask } | undefined {
  const dataset = findDataset(catalog, ref.dataset);
  const task = dataset?.tasks.find((t) => t.name === ref.task);
  return dataset && task ? { dataset, task } : undefined;
}
