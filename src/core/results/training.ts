/**
 * The run record's account of one meta-training: which source tasks it learned from, its curve (one
 * point per validation) and the checkpoint model selection kept. One per (training key, repeat).
 */

import { Checker, joinPath } from '../config/checker';
import type { ChosenCheckpoint, Validation } from '../training/types';

export interface TrainingRecord {
  /** The planned cells' `trainingKey` (row and left-out set) this encoder serves. */
  trainingKey: string;
  /** Source row key (`all-except-target`, `dataset:x`, ...). */
  source: string;
  /** 0-based repeat and its training seed. */
  repeat: number;
  seed: number;
  /** `<dataset>/<task>` of every task it trained on, in training order. */
  sourceTasks: string[];
  /** `<dataset>/<task>: reason` of the tasks left out (too few images, multilabel). */
  skipped: string[];
  /** The budget's steps and the steps actually run (early stopping). */
  steps: number;
  stoppedStep: number;
  chosen: ChosenCheckpoint;
  curve: Validation[];
  /** The stored-weights key, and whether the weights came from the store (no curve then beyond what was stored). */
  weightsKey?: string;
  reused?: boolean;
  trainMs: number;
  /** The supervised upper bound's score on the target's whole test split (the paper's number), with bootstrap CIs. */
  test?: TestScore;
}

/** A statistic on a whole split, and its 95% percentile-bootstrap interval. */
export interface BootstrapValue {
  value: number;
  lo: number;
  hi: number;
}

export interface TestScore {
  split: string;
  /** Images scored. */
  n: number;
  accuracy: BootstrapValue;
  auroc: BootstrapValue;
}

function bootstrapValue(c: Checker, v: unknown, path: string): BootstrapValue | undefined {
  const o = c.object(v, path, ['value', 'lo', 'hi']);
  if (!o) return undefined;
  const value = num(c, o.value, joinPath(path, 'value'), 0, 1);
  const lo = num(c, o.lo, joinPath(path, 'lo'), 0, 1);
  const hi = num(c, o.hi, joinPath(path, 'hi'), 0, 1);
  return value !== undefined && lo !== undefined && hi !== undefined ? { value, lo, hi } : undefined;
}

/** A TestScore read from outside data (a run record, a weights file); errors go to `c` with their path. */
export function checkTestScore(c: Checker, v: unknown, path: string): TestScore | undefined {
  const o = c.object(v, path, ['split', 'n', 'accuracy', 'auroc']);
  if (!o) return undefined;
  const split = c.oneOf(o.split, joinPath(path, 'split'), ['train', 'val', 'test'] as const);
  const n = c.int(o.n, joinPath(path, 'n'), 1, 1e9);
  const accuracy = bootstrapValue(c, o.accuracy, joinPath(path, 'accuracy'));
  const auroc = bootstrapValue(c, o.auroc, joinPath(path, 'auroc'));
  return split && n !== undefined && accuracy && auroc ? { split, n, accuracy, auroc } : undefined;
}

const MAX_POINTS = 100_000;
const MAX_TASKS = 10_000;

/** NaN is null in JSON. */
function num(c: Checker, v: unknown, path: string, min: number, max: number): number | undefined {
  return v === null ? NaN : c.number(v, path, min, max);
}

function numbers(c: Checker, v: unknown, path: string): number[] | undefined {
  const arr = c.array(v, path, 0, MAX_TASKS);
  return arr && c.items(arr, path, (x, p) => num(c, x, p, 0, 1));
}

function strings(c: Checker, v: unknown, path: string): string[] | undefined {
  const arr = c.array(v, path, 0, MAX_TASKS);
  return arr && c.items(arr, path, (x, p) => c.string(x, p, { maxLength: 1024, allowControl: false }));
}

function point(c: Checker, v: unknown, path: string): Validation | undefined {
  const o = c.object(v, path, ['step', 'loss', 'accuracy', 'auroc', 'perTask', 'perTaskAuroc'], ['gain', 'gainCi95']);
  if (!o) return undefined;
  const p = (k: string): string => joinPath(path, k);
  const step = c.int(o.step, p('step'), 0, 1e9);
  const loss = num(c, o.loss, p('loss'), 0, Number.MAX_VALUE);
  const accuracy = num(c, o.accuracy, p('accuracy'), 0, 1);
  const auroc = num(c, o.auroc, p('auroc'), 0, 1);
  const perTask = numbers(c, o.perTask, p('perTask'));
  const perTaskAuroc = numbers(c, o.perTaskAuroc, p('perTaskAuroc'));
  const gain = o.gain === undefined ? undefined : num(c, o.gain, p('gain'), -1, 1);
  const gainCi95 = o.gainCi95 === undefined ? undefined : num(c, o.gainCi95, p('gainCi95'), 0, 2);
  if ([step, loss, accuracy, auroc].includes(undefined) || !perTask || !perTaskAuroc) return undefined;
  if ((o.gain !== undefined && gain === undefined) || (o.gainCi95 !== undefined && gainCi95 === undefined))
    return undefined;
  return {
    step: step as number,
    loss: loss as number,
    accuracy: accuracy as number,
    auroc: auroc as number,
    perTask,
    perTaskAuroc,
    ...(gain !== undefined ? { gain } : {}),
    ...(gainCi95 !== undefined ? { gainCi95 } : {}),
  };
}

function chosen(c: Checker, v: unknown, path: string): ChosenCheckpoint | undefined {
  const o = c.object(v, path, ['step', 'valAccuracy', 'valAuroc']);
  if (!o) return undefined;
  const step = c.int(o.step, joinPath(path, 'step'), 0, 1e9);
  const valAccuracy = num(c, o.valAccuracy, joinPath(path, 'valAccuracy'), 0, 1);
  const valAuroc = num(c, o.valAuroc, joinPath(path, 'valAuroc'), 0, 1);
  return step !== undefined && valAccuracy !== undefined && valAuroc !== undefined
    ? { step, valAccuracy, valAuroc }
    : undefined;
}

/** A TrainingRecord read from outside data (a JSON file); errors go to `c` with their path. */
export function checkTrainingRecord(c: Checker, v: unknown, path: string): TrainingRecord | undefined {
  const o = c.object(
    v,
    path,
    [
      'trainingKey',
      'source',
      'repeat',
      'seed',
      'sourceTasks',
      'skipped',
      'steps',
      'stoppedStep',
      'chosen',
      'curve',
      'trainMs',
    ],
    ['weightsKey', 'reused', 'test'],
  );
  if (!o) return undefined;
  const p = (k: string): string => joinPath(path, k);
  const n0 = c.errors.length;
  const trainingKey = c.string(o.trainingKey, p('trainingKey'), { maxLength: 4096 });
  const source = c.string(o.source, p('source'), { maxLength: 512 });
  const repeat = c.int(o.repeat, p('repeat'), 0, 1000);
  const seed = c.int(o.seed, p('seed'), 0, 0xffffffff);
  const sourceTasks = strings(c, o.sourceTasks, p('sourceTasks'));
  const skipped = strings(c, o.skipped, p('skipped'));
  const steps = c.int(o.steps, p('steps'), 0, 1e9);
  const stoppedStep = c.int(o.stoppedStep, p('stoppedStep'), 0, 1e9);
  const ch = chosen(c, o.chosen, p('chosen'));
  const list = c.array(o.curve, p('curve'), 0, MAX_POINTS);
  const curve = list && c.items(list, p('curve'), (x, q) => point(c, x, q));
  const trainMs = c.number(o.trainMs, p('trainMs'), 0, Number.MAX_VALUE);
  const weightsKey =
    o.weightsKey === undefined ? undefined : c.string(o.weightsKey, p('weightsKey'), { maxLength: 256 });
  const reused = o.reused === undefined ? undefined : c.boolean(o.reused, p('reused'));
  const test = o.test === undefined ? undefined : checkTestScore(c, o.test, p('test'));
  if (c.errors.length > n0) return undefined;
  const out: TrainingRecord = {
    trainingKey: trainingKey as string,
    source: source as string,
    repeat: repeat as number,
    seed: seed as number,
    sourceTasks: sourceTasks as string[],
    skipped: skipped as string[],
    steps: steps as number,
    stoppedStep: stoppedStep as number,
    chosen: ch as ChosenCheckpoint,
    curve: curve as Validation[],
    trainMs: trainMs as number,
  };
  if (weightsKey !== undefined) out.weightsKey = weightsKey;
  if (reused !== undefined) out.reused = reused;
  if (test) out.test = test;
  return out;
}
