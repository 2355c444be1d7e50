/**
 * An episode plan: one (task, split, spec), checked once, from which episode i is drawn on demand.
 *
 * Episode i is a pure function of (seed, dataset id, task name, split, mode, N, K, Q, i): it draws from
 * `new Rng(seedFrom(seed, "datasetId/task", split, mode, N, K, Q, i))` (0 for the knobs a mode lacks),
 * so episodes come out the same in any order, in any worker, and a block can be redrawn alone.
 */

import { Rng, seedFrom } from '../rng';
import type { SplitName, TaskTarget } from '../types';
import { classPools, taskKey } from './class-pools';
import { describeRequest } from './describe';
import { fixedSampler } from './fixed';
import { medimetaSampler } from './medimeta';
import type { ClassCount, Episode, EpisodeList, EpisodeSpec, TaskView } from './types';
import { variableSampler } from './variable';

export interface EpisodePlan {
  readonly datasetId: string;
  readonly taskName: string;
  readonly target: TaskTarget;
  readonly split: SplitName;
  readonly spec: EpisodeSpec;
  /** 'multilabel' for multilabel tasks, 'single' otherwise: the kind of every episode. */
  readonly kind: Episode['kind'];
  /** Classes (labels) episodes draw from, ascending by value, with their counts in the split. */
  readonly eligible: readonly ClassCount[];
  /** Classes (labels) of the task left out because the split has too few images of them. */
  readonly dropped: readonly ClassCount[];
  /** Episode `index` (a non-negative integer). */
  episode(index: number): Episode;
  /** Episodes start .. start+count-1. */
  episodes(start: number, count: number): Episode[];
  /** The same episodes with what they were drawn from, ready for `episodesToJSON`. */
  list(start: number, count: number): EpisodeList;
}

/** Throws with the field, what was expected and what was found, when a spec is malformed. */
export function validateSpec(spec: EpisodeSpec): void {
  const int = (field: string, v: unknown, min: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new Error(`episode spec: ${field} must be an integer >= ${min}, found ${JSON.stringify(v)}`);
  };
  const seed: unknown = spec.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw new Error(`episode spec: seed must be a safe integer, found ${JSON.stringify(seed)}`);
  switch (spec.mode) {
    case 'fixed':
      int('way', spec.way, 2);
      int('shot', spec.shot, 1);
      int('query', spec.query, 1);
      return;
    case 'medimeta':
      int('shot', spec.shot, 1);
      int('query', spec.query, 1);
      return;
    case 'variable':
      return;
    default:
      throw new Error(
        `episode spec: mode must be one of fixed, medimeta, variable, found ${JSON.stringify((spec as { mode: unknown }).mode)}`,
      );
  }
}

/** The seed key of a spec: (mode, N, K, Q), 0 where the mode has no such knob. */
function specKey(spec: EpisodeSpec): [string, number, number, number] {
  switch (spec.mode) {
    case 'fixed':
      return [spec.mode, spec.way, spec.shot, spec.query];
    case 'medimeta':
      return [spec.mode, 0, spec.shot, spec.query];
    case 'variable':
      return [spec.mode, 0, 0, 0];
  }
}

/**
 * Checks the request against the split and prepares the class pools (O(split size), once). Throws when
 * the data cannot satisfy the request; the message names the classes and their counts.
 */
export function planEpisodes(view: TaskView, spec: EpisodeSpec): EpisodePlan {
  validateSpec(spec);
  const request = describeRequest(spec, view);
  const pools = classPools(view);
  const sampler =
    spec.mode === 'fixed'
      ? fixedSampler(pools, spec, request)
      : spec.mode === 'medimeta'
        ? medimetaSampler(pools, spec, view.task.target === 'BINARY_CLASSIFICATION', request)
        : variableSampler(pools, request);
  const key = taskKey(view);
  const [mode, n, k, q] = specKey(spec);
  const episode = (index: number): Episode => {
    if (!Number.isSafeInteger(index) || index < 0)
      throw new Error(`${request}: episode index must be a non-negative integer, found ${index}`);
    return sampler.draw(new Rng(seedFrom(spec.seed, key, view.split, mode, n, k, q, index)), index);
  };
  const episodes = (start: number, count: number): Episode[] => {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new Error(`${request}: episode count must be a non-negative integer, found ${count}`);
    }
    const out = new Array<Episode>(count);
    for (let t = 0; t < count; t++) out[t] = episode(start + t);
    return out;
  };
  const plan: EpisodePlan = {
    datasetId: view.datasetId,
    taskName: view.task.name,
    target: view.task.target,
    split: view.split,
    spec: { ...spec },
    kind: pools.kind,
    eligible: sampler.eligible,
    dropped: sampler.dropped,
    episode,
    episodes,
    list: (start, count) => ({
      datasetId: plan.datasetId,
      taskName: plan.taskName,
      target: plan.target,
      split: plan.split,
      spec: { ...plan.spec },
      episodes: episodes(start, count),
    }),
  };
  return plan;
}
