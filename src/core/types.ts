/**
 * The data model shared by every layer: what a dataset is once it is in the store, whatever its source
 * (an imported MedIMeta zip or the synthetic demo). Field names follow MedIMeta's info.yaml, in camelCase.
 */

export type TaskTarget =
  'BINARY_CLASSIFICATION' | 'MULTICLASS_CLASSIFICATION' | 'MULTILABEL_CLASSIFICATION' | 'ORDINAL_REGRESSION';

export const TASK_TARGETS: readonly TaskTarget[] = [
  'BINARY_CLASSIFICATION',
  'MULTICLASS_CLASSIFICATION',
  'MULTILABEL_CLASSIFICATION',
  'ORDINAL_REGRESSION',
];

/** One class (or, for multilabel tasks, one label column). */
export interface LabelInfo {
  /** The value stored in the label array: a key of info.yaml's `labels` (need not be 0..n-1); the column for multilabel. */
  value: number;
  name: string;
}

export interface TaskInfo {
  name: string;
  target: TaskTarget;
  /** Sorted by value. */
  labels: LabelInfo[];
}

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export type DatasetSource = 'imported' | 'synthetic-demo';

/** What a dataset says about itself (info.yaml), independent of how it is stored. */
export interface DatasetInfo {
  id: string;
  name: string;
  summary: string;
  domain: string;
  channels: 1 | 3;
  height: number;
  width: number;
  numImages: number;
  tasks: TaskInfo[];
  splitSizes: Record<SplitName, number>;
  domainOverlaps: string[];
  subjectOverlaps: string[];
  license: string;
  source: DatasetSource;
}

/**
 * Labels of one task for every image. Single-label tasks: Int32Array of length N holding label values.
 * Multilabel tasks: Uint8Array of N*L (row-major, 0/1), L = labels.length.
 */
export type TaskLabels = Int32Array | Uint8Array;

/** Image indices of each split, ascending. */
export type SplitIndices = Record<SplitName, Uint32Array>;

/** Bytes of one image. */
export function imageBytes(info: Pick<DatasetInfo, 'channels' | 'height' | 'width'>): number {
  return info.channels * info.height * info.width;
}
