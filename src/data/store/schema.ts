import type { DBSchema } from 'idb';
import type { RunEnvironment } from '../../core/results/environment';
import type { RunRecord } from '../../core/results/types';
import type { TaskRef } from '../../core/sources';
import type { DatasetInfo, SplitName } from '../../core/types';
import type { Validation } from '../../core/training/types';
import type { EncoderWeights } from '../../engine/fewshot/encoders/types';
import type { SupervisedTestScore } from '../../engine/fewshot/supervised-train';
import type { WeightsKeyInput } from '../../engine/weights-key';

/**
 * The IndexedDB schema. Every record that belongs to a dataset carries the `writeId` of the write that
 * created it, not the dataset id: a dataset is visible only through its manifest in `datasets`, which
 * names its writeId. Staged records of an unfinished write are therefore invisible by construction, and
 * replacing a dataset swaps one writeId for another in a single transaction.
 */

export const DB_NAME = 'protobench';
/** 1: datasets; 2: adds `runs` (benchmark run records); 3: adds `weights` (trained encoder weights). */
export const DB_VERSION = 3;

/** A committed dataset: its info plus where and how its pixels are stored. */
export interface DatasetManifest extends DatasetInfo {
  writeId: string;
  /** Images per shard record (the last shard may hold fewer). */
  shardSize: number;
  numShards: number;
  /** Pixel bytes stored (labels and splits excluded). */
  bytes: number;
  /** `sha256:<hex>` over pixels, labels and splits (see fingerprint.ts). */
  fingerprint: string;
  createdAt: string;
  /** Free-form provenance: generator seed, import options, resize notes. */
  provenance: Record<string, string | number | boolean>;
}

/** A write in progress. Its Web Lock (`lockName(writeId)`) is held while the writer is alive. */
export interface PendingWrite {
  writeId: string;
  datasetId: string;
  startedAt: string;
}

/** `count` consecutive images starting at image `shard * shardSize`, HWC uint8, concatenated. */
export interface ShardRecord {
  writeId: string;
  shard: number;
  count: number;
  pixels: ArrayBuffer;
}

export type ArrayDtype = 'int32' | 'uint8' | 'uint32';

/** A small typed array: a task's labels (`labels/<task>`) or a split's indices (`split/<name>`). */
export interface ArrayRecord {
  writeId: string;
  name: string;
  dtype: ArrayDtype;
  data: ArrayBuffer;
}

/** How a stored encoder was trained (small; listed without the tensors). */
export interface WeightsSummary {
  bestStep: number;
  /** NaN when nothing was validated. */
  bestValAccuracy: number;
  /** Absent in weights stored by trainers before version 6. */
  bestValAuroc?: number;
  stoppedStep?: number;
  validations: Validation[];
  sources: (TaskRef & { way: number })[];
  skipped: (TaskRef & { reason: string })[];
  trainMs: number;
  stepMsMedian: number;
  stepsPerSecond: number;
  /** The compute worker's environment when it trained them (backend, adapter, tfjs, browser). */
  environment: RunEnvironment | null;
  /** The supervised upper bound's score on the target's whole test split (src/engine/fewshot/supervised-train.ts). */
  test?: SupervisedTestScore;
}

/**
 * Trained encoder weights, by `weightsKey(keyInput)` (src/engine/weights-key.ts): encoder, resolution,
 * source tasks, training config, seed, backend and the fingerprints of the datasets trained on. A run
 * that would train with an equal key loads these instead. `datasets` (multiEntry index `byDataset`) lists
 * the dataset ids trained on: deleting one of them deletes the record.
 */
export interface StoredWeights {
  key: string;
  createdAt: string;
  keyInput: WeightsKeyInput;
  datasets: string[];
  summary: WeightsSummary;
  /** Float32 bytes of every tensor. */
  bytes: number;
  weights: EncoderWeights;
}

/** A stored record without its tensors (what listings and the reuse check return). */
export type StoredWeightsInfo = Omit<StoredWeights, 'weights'>;

export interface ProtoBenchDB extends DBSchema {
  datasets: { key: string; value: DatasetManifest };
  writes: { key: string; value: PendingWrite };
  shards: { key: [string, number]; value: ShardRecord };
  arrays: { key: [string, string]; value: ArrayRecord };
  /** Benchmark run records by id (persisted after every cell, so a run can be resumed). */
  runs: { key: string; value: RunRecord; indexes: { byConfigHash: string } };
  /** Trained encoder weights by key (see StoredWeights). */
  weights: { key: string; value: StoredWeights; indexes: { byDataset: string } };
}

export const labelsKey = (task: string): string => `labels/${task}`;
export const splitKey = (split: SplitName): string => `split/${split}`;
export const lockName = (writeId: string): string => `protobench:write:${writeId}`;
