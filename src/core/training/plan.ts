/**
 * The episodic meta-training protocol as data (pure: no tfjs). Given the source tasks' train and val
 * views it fixes everything random about a training run except the arithmetic: which source task each
 * step draws, that step's N-way K-shot Q-query episode, and the fixed validation episodes of every
 * source. The browser trainer (src/engine/fewshot/train.ts) and the PyTorch reference trainer (through
 * tools/protocol/plan.ts) both consume this, so both train on the same episodes.
 *
 * Rules (TRAINER_VERSION 6):
 * - way: min(N, classes of the task's train split with at least K + Q images);
 * - step s (0-based) draws its task uniformly from `new Rng(seedFrom(seed, 'train-order'))` (one draw per
 *   step, in order) and then episode s of that task's fixed plan seeded by `seed`;
 * - validation: episodes 0..valEpisodes-1 of the task's val split, same way, K and Q, seeded by
 *   `seedFrom(seed, 'val')`; a task whose val split cannot serve that shape is not validated.
 */

import { Rng, seedFrom } from '../rng';
import { planEpisodes, type EpisodePlan, type SingleLabelEpisode, type TaskView } from '../sampling';
import type { TaskRef } from '../sources';

export interface TrainingShape {
  steps: number;
  way: number;
  shot: number;
  query: number;
  seed: number;
  /** Validation episodes per source task (default 20). */
  valEpisodes?: number;
}

/** A source task as the trainer reads it: its train split, and its val split when it has one. */
export interface SourceViews {
  ref: TaskRef;
  train: TaskView;
  val?: TaskView;
}

export interface PlannedSource {
  ref: TaskRef;
  way: number;
  train: EpisodePlan;
  /** Absent when the task has no val split or it cannot serve the episode shape. */
  val?: EpisodePlan;
}

export interface TrainingPlan {
  sources: PlannedSource[];
  /** Sources left out, and why (multilabel, too few images for the shape). */
  skipped: (TaskRef & { reason: string })[];
  valEpisodes: number;
  /** Index into `sources` of the task that step s trains on. */
  order: Uint32Array;
  /** Step s's episode (0-based). */
  stepEpisode(s: number): { source: number; episode: SingleLabelEpisode };
  /** The fixed validation episodes of source i ([] when it is not validated). */
  validationEpisodes(i: number): SingleLabelEpisode[];
}

export const DEFAULT_VAL_EPISODES = 20;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Plan one source: its way, train plan and (when its val split serves the shape) val plan. */
function planSource(s: SourceViews, shape: TrainingShape): PlannedSource {
  if (s.train.task.target === 'MULTILABEL_CLASSIFICATION')
    throw new Error('multilabel tasks are not used for training');
  const { shot, query, seed } = shape;
  const probe = planEpisodes(s.train, { mode: 'fixed', way: 2, shot, query, seed });
  const way = Math.min(shape.way, probe.eligible.length);
  const train = planEpisodes(s.train, { mode: 'fixed', way, shot, query, seed });
  let val: EpisodePlan | undefined;
  if (s.val && s.val.indices.length > 0) {
    try {
      val = planEpisodes(s.val, { mode: 'fixed', way, shot, query, seed: seedFrom(seed, 'val') });
    } catch {
      // A val split too small for the episode shape: this task is not validated.
    }
  }
  return { ref: s.ref, way, train, ...(val ? { val } : {}) };
}

/** The whole plan; throws (naming every skipped task) when no source can train. */
export function planTraining(views: readonly SourceViews[], shape: TrainingShape): TrainingPlan {
  if (!Number.isInteger(shape.steps) || shape.steps < 1)
    throw new Error(`training plan: steps must be an integer >= 1, found ${shape.steps}`);
  const sources: PlannedSource[] = [];
  const skipped: TrainingPlan['skipped'] = [];
  for (const v of views) {
    try {
      sources.push(planSource(v, shape));
    } catch (e) {
      skipped.push({ ...v.ref, reason: message(e) });
    }
  }
  if (sources.length === 0)
    throw new Error(
      `train: no usable source task (${skipped.map((s) => `${s.datasetId}/${s.taskName}: ${s.reason}`).join('; ')})`,
    );
  const rng = new Rng(seedFrom(shape.seed, 'train-order'));
  const order = Uint32Array.from({ length: shape.steps }, () => rng.int(sources.length));
  const valEpisodes = shape.valEpisodes ?? DEFAULT_VAL_EPISODES;
  const valCache = new Map<number, SingleLabelEpisode[]>();
  return {
    sources,
    skipped,
    valEpisodes,
    order,
    stepEpisode(s) {
      const source = order[s];
      if (source === undefined) throw new Error(`training plan: step ${s} is outside 0..${shape.steps - 1}`);
      return { source, episode: (sources[source] as PlannedSource).train.episode(s) as SingleLabelEpisode };
    },
    validationEpisodes(i) {
      let eps = valCache.get(i);
      if (!eps) {
        const val = sources[i]?.val;
        eps = val ? (val.episodes(0, valEpisodes) as SingleLabelEpisode[]) : [];
        valCache.set(i, eps);
      }
      return eps;
    },
  };
}
