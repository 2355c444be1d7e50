/**
 * `validateConfig`: any value in, a RunConfig or every problem out. Unknown keys, missing keys, wrong
 * types, out-of-range numbers, duplicate rows, columns or K values are all errors with their path.
 */

import { EPISODE_MODES } from '../sampling/types';
import { Checker, joinPath, type ValueError } from './checker';
import { sourceKey, targetKey } from './keys';
import {
  BACKEND_CHOICES,
  CONFIG_LIMITS as L,
  DEFAULT_PATIENCE,
  DEFAULT_TRAINING_SEEDS,
  ENCODER_CHOICES,
  EVAL_SPLITS,
  RESOLUTIONS,
  SOURCE_KINDS,
  type RunConfig,
  type SourceSpec,
  type TargetRef,
  type TrainingBudget,
} from './types';

export type ConfigError = ValueError;

export type ConfigValidation = { ok: true; config: RunConfig } | { ok: false; errors: ConfigError[] };

const CONFIG_KEYS = [
  'sources',
  'targets',
  'encoder',
  'resolution',
  'mode',
  'way',
  'shots',
  'query',
  'episodes',
  'evalSplit',
  'training',
  'seed',
  'backend',
] as const;

const TRAINING_KEYS = ['steps', 'way', 'shot', 'query', 'lr', 'valEvery'] as const;
/** Absent in configs written before they existed: filled with their defaults. */
const TRAINING_OPTIONAL = ['patience', 'seeds'] as const;

/** Dataset ids: no "/" (it separates dataset and task in keys). */
export function checkDatasetId(c: Checker, v: unknown, path: string): string | undefined {
  return c.string(v, path, { maxLength: L.datasetIdLength, forbid: /\//, forbidText: 'without "/"' });
}

export function checkTaskName(c: Checker, v: unknown, path: string): string | undefined {
  return c.string(v, path, { maxLength: L.taskNameLength });
}

export function checkTarget(c: Checker, v: unknown, path: string): TargetRef | undefined {
  const o = c.object(v, path, ['dataset', 'task']);
  if (!o) return undefined;
  const dataset = checkDatasetId(c, o.dataset, joinPath(path, 'dataset'));
  const task = checkTaskName(c, o.task, joinPath(path, 'task'));
  return dataset !== undefined && task !== undefined ? { dataset, task } : undefined;
}

export function checkSource(c: Checker, v: unknown, path: string): SourceSpec | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return c.fail(path, `a source: an object with "kind" (${SOURCE_KINDS.join(', ')})`, v);
  }
  const k = c.oneOf((v as { kind?: unknown }).kind, joinPath(path, 'kind'), SOURCE_KINDS);
  if (k === undefined) return undefined;
  switch (k) {
    case 'task': {
      const o = c.object(v, path, ['kind', 'dataset', 'task']);
      if (!o) return undefined;
      const dataset = checkDatasetId(c, o.dataset, joinPath(path, 'dataset'));
      const task = checkTaskName(c, o.task, joinPath(path, 'task'));
      return dataset !== undefined && task !== undefined ? { kind: k, dataset, task } : undefined;
    }
    case 'dataset': {
      const o = c.object(v, path, ['kind', 'dataset']);
      if (!o) return undefined;
      const dataset = checkDatasetId(c, o.dataset, joinPath(path, 'dataset'));
      return dataset !== undefined ? { kind: k, dataset } : undefined;
    }
    case 'domain': {
      const o = c.object(v, path, ['kind', 'domain']);
      if (!o) return undefined;
      const domain = c.string(o.domain, joinPath(path, 'domain'), { maxLength: L.domainLength });
      return domain !== undefined ? { kind: k, domain } : undefined;
    }
    default: {
      const o = c.object(v, path, ['kind']);
      return o ? { kind: k } : undefined;
    }
  }
}

/** A training budget at `path` (shared with the sweep config, whose `training` is the same object). */
export function checkTraining(c: Checker, v: unknown, path: string): TrainingBudget | undefined {
  const o = c.object(v, path, TRAINING_KEYS, TRAINING_OPTIONAL);
  if (!o) return undefined;
  const p = (k: string): string => joinPath(path, k);
  const steps = c.int(o.steps, p('steps'), 0, L.maxSteps);
  const way = c.int(o.way, p('way'), L.minWay, L.maxWay);
  const shot = c.int(o.shot, p('shot'), 1, L.maxShot);
  const query = c.int(o.query, p('query'), 1, L.maxQuery);
  const lr = c.number(o.lr, p('lr'), 0, L.maxLr, true);
  let valEvery = c.int(o.valEvery, p('valEvery'), 0, L.maxSteps);
  if (valEvery !== undefined && steps !== undefined && valEvery > steps) {
    valEvery = c.fail(p('valEvery'), `0 (never) or an integer in [1, steps = ${steps}]`, valEvery);
  }
  const patience = o.patience === undefined ? DEFAULT_PATIENCE : c.int(o.patience, p('patience'), 0, L.maxSteps);
  const seeds = o.seeds === undefined ? DEFAULT_TRAINING_SEEDS : c.int(o.seeds, p('seeds'), 1, L.maxTrainingSeeds);
  if (
    steps === undefined ||
    way === undefined ||
    shot === undefined ||
    query === undefined ||
    lr === undefined ||
    valEvery === undefined ||
    patience === undefined ||
    seeds === undefined
  )
    return undefined;
  return { steps, way, shot, query, lr, valEvery, patience, seeds };
}

/** Items of a list with a key each: duplicates are errors naming both positions. */
function noDuplicates<T>(c: Checker, items: T[], path: string, key: (t: T) => string, what: string): boolean {
  const seen = new Map<string, number>();
  let ok = true;
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) {
      c.fail(
        joinPath(path, i),
        `a ${what} not already listed`,
        k,
        `${JSON.stringify(k)}, the same as ${path}[${first}]`,
      );
      ok = false;
    } else seen.set(k, i);
  });
  return ok;
}

/** Checks every field of `v`; the config returned is a fresh copy holding only the checked fields. */
export function validateConfig(v: unknown): ConfigValidation {
  const c = new Checker();
  const config = checkConfig(c, v, '');
  return config && c.ok ? { ok: true, config } : { ok: false, errors: c.errors };
}

/** As `validateConfig`, recording errors in `c` under `path` (run records and share links embed configs). */
export function checkConfig(c: Checker, v: unknown, path: string): RunConfig | undefined {
  const o = c.object(v, path, CONFIG_KEYS);
  if (!o) return undefined;
  const p = (k: string): string => joinPath(path, k);

  const sourceList = c.array(o.sources, p('sources'), 1, L.sources);
  let sources = sourceList && c.items(sourceList, p('sources'), (x, q) => checkSource(c, x, q));
  if (sources && !noDuplicates(c, sources, p('sources'), sourceKey, 'source')) sources = undefined;

  const targetList = c.array(o.targets, p('targets'), 1, L.targets);
  let targets = targetList && c.items(targetList, p('targets'), (x, q) => checkTarget(c, x, q));
  if (targets && !noDuplicates(c, targets, p('targets'), targetKey, 'target')) targets = undefined;

  const encoder = c.oneOf(o.encoder, p('encoder'), ENCODER_CHOICES);
  const resolution = c.oneOf(o.resolution, p('resolution'), RESOLUTIONS);
  const mode = c.oneOf(o.mode, p('mode'), EPISODE_MODES);
  const way = c.int(o.way, p('way'), L.minWay, L.maxWay);
  const shotList = c.array(o.shots, p('shots'), 1, L.shots);
  let shots = shotList && c.items(shotList, p('shots'), (x, q) => c.int(x, q, 1, L.maxShot));
  if (shots && !noDuplicates(c, shots, p('shots'), String, 'K')) shots = undefined;
  const query = c.int(o.query, p('query'), 1, L.maxQuery);
  const episodes = c.int(o.episodes, p('episodes'), 1, L.maxEpisodes);
  const evalSplit = c.oneOf(o.evalSplit, p('evalSplit'), EVAL_SPLITS);
  const training = checkTraining(c, o.training, p('training'));
  const seed = c.int(o.seed, p('seed'), 0, L.maxSeed);
  const backend = c.oneOf(o.backend, p('backend'), BACKEND_CHOICES);

  if (
    !sources ||
    !targets ||
    !encoder ||
    !resolution ||
    !mode ||
    way === undefined ||
    !shots ||
    query === undefined ||
    episodes === undefined ||
    !evalSplit ||
    !training ||
    seed === undefined ||
    !backend
  )
    return undefined;
  return {
    sources,
    targets,
    encoder,
    resolution,
    mode,
    way,
    shots,
    query,
    episodes,
    evalSplit,
    training,
    seed,
    backend,
  };
}
