/**
 * `checkAgainstCatalog`: what a valid config means for the datasets at hand, said before anything runs.
 *
 * Three kinds of finding:
 * - `error`: the run cannot start (an unknown dataset, task or domain; a multilabel source task; no
 *   cell left to run).
 * - `skip`: some cells will not run, and the matrix shows why in their place: a source that overlaps
 *   its target (the same dataset, a domain or subject overlap, the same domain: not cross-domain), a
 *   source set with nothing to train on, a target whose classes have too few images at this K.
 * - `warning`: the run goes ahead, but something is worth knowing (classes dropped at a K, a source task
 *   training will skip, a zero training budget).
 *
 * `cells` lists the runnable cells (rows x columns x K x methods) with their source tasks and a `trainingKey`: cells with the same key
 * share one trained encoder (e.g. every target of one dataset under `all-except-target`).
 */

import { chooseSources, type TaskRef } from '../sources';
import type { Catalog, CatalogTask } from './catalog';
import { findDataset, findTask } from './catalog';
import { feasibility, type Feasibility } from './feasibility';
import { fnv1a64 } from './hash';
import { cellKey, isBaseline, isSupervisedSource, sourceKey, targetKey } from './keys';
import { sourceDatasetsFor, type SourceSetResult } from './source-sets';
import { cellKs } from './spec';
import type { MethodChoice, RunConfig, TargetRef } from './types';

export type IssueSeverity = 'error' | 'skip' | 'warning';

export interface ConfigIssue {
  severity: IssueSeverity;
  /** The config field it is about: `targets[3]`, `sources[1]`, `training.steps`; '' for the whole config. */
  path: string;
  message: string;
  /** For skips and cell warnings: the cells concerned; an absent field means every value of it. */
  source?: string;
  target?: string;
  k?: number;
}

export interface PlannedCell {
  key: string;
  source: string;
  sourceIndex: number;
  target: TargetRef;
  targetIndex: number;
  k: number;
  /** The evaluation method (`config.methods`): cells of one (row, column, K) share their episodes. */
  method: MethodChoice;
  /** How the target is evaluated at this K: classes per episode, eligible and dropped classes. */
  evaluation: Feasibility;
  /** Tasks the row's encoder trains on for this target (empty for baselines). */
  sourceTasks: TaskRef[];
  /** Cells with equal keys share a trained encoder; null for baselines. */
  trainingKey: string | null;
}

export interface CatalogCheck {
  /** No error and at least one runnable cell. */
  ok: boolean;
  issues: ConfigIssue[];
  /** Runnable cells, rows x columns x K in config order. */
  cells: PlannedCell[];
  /** Cells of the full matrix (runnable or not). */
  total: number;
}

/** Can episodic training use this source task (the trainer's own rule: 2 classes with >= shot+query train images)? */
function trainable(task: CatalogTask, config: RunConfig): string | undefined {
  const need = config.training.shot + config.training.query;
  const f = feasibility(task, {
    mode: 'fixed',
    way: 2,
    shot: config.training.shot,
    query: config.training.query,
    split: 'train',
  });
  return f.runnable ? undefined : `needs 2 classes with >= ${need} train images: ${f.message ?? ''}`;
}

/** Images of a task's split: the dataset's split size, else the sum of its class counts (single-label). */
function splitImages(catalog: Catalog, ref: TaskRef, split: 'train' | 'val'): number {
  const found = findTask(catalog, { dataset: ref.datasetId, task: ref.taskName });
  if (!found) return 0;
  return found.dataset.splitSizes?.[split] ?? found.task.classCounts.reduce((n, c) => n + (c.counts[split] ?? 0), 0);
}

/**
 * Why the supervised rows cannot train on these tasks, or undefined: every task needs train images, and
 * early stopping needs val images (the target's own for `supervised`, at least one source's for `mm-pt`).
 */
function supervisedBlocker(catalog: Catalog, tasks: TaskRef[]): string | undefined {
  const noTrain = tasks.filter((t) => splitImages(catalog, t, 'train') === 0);
  if (noTrain.length > 0)
    return `no train images in ${noTrain.map((t) => `"${t.datasetId}/${t.taskName}"`).join(', ')}`;
  if (!tasks.some((t) => splitImages(catalog, t, 'val') > 0))
    return `no val images to early-stop on in ${tasks.map((t) => `"${t.datasetId}/${t.taskName}"`).join(', ')}`;
  return undefined;
}

/** Cells with equal keys share an encoder: its kind of training and its tasks (episodic keys as before). */
function trainingKeyOf(kind: string, tasks: TaskRef[]): string {
  const names = tasks.map((x) => `${x.datasetId}/${x.taskName}`).sort();
  return fnv1a64(JSON.stringify(kind === 'supervised' || kind === 'mm-pt' ? [kind, ...names] : names));
}

/**
 * Fewest training steps at which meta-training measurably moved target rows on the real-image set
 * (docs/training-protocol.md: 30-40 steps moved none beyond its CI over training seeds, 100 steps 7 of 18).
 */
export const MIN_USEFUL_STEPS = 100;

/** A training budget that cannot show anything, or undefined (see MIN_USEFUL_STEPS). */
export function budgetWarning(t: RunConfig['training']): { path: string; message: string } | undefined {
  if (t.valEvery === 0)
    return {
      path: 'training.valEvery',
      message:
        'training.valEvery is 0: no validation, so no model selection: the last step is kept even where it is worse than the initialisation',
    };
  if (t.steps < MIN_USEFUL_STEPS)
    return {
      path: 'training.steps',
      message: `training.steps is ${t.steps}: below ${MIN_USEFUL_STEPS} steps meta-training moved no target of the real-image set beyond its CI (docs/training-protocol.md); the trained rows will likely match the untrained ones`,
    };
  if (t.steps / t.valEvery < 2)
    return {
      path: 'training.valEvery',
      message: `training.valEvery is ${t.valEvery} of ${t.steps} steps: model selection sees only the initialisation and the last step`,
    };
  return undefined;
}

export function checkAgainstCatalog(config: RunConfig, catalog: Catalog): CatalogCheck {
  const issues: ConfigIssue[] = [];
  const ks = cellKs(config);
  const total = config.sources.length * config.targets.length * ks.length * config.methods.length;
  const ids = catalog.map((d) => d.id);
  const have = (xs: string[]): string => (xs.length > 0 ? xs.map((x) => JSON.stringify(x)).join(', ') : 'none');

  // Columns: known, and feasible at each K.
  const targetOk: boolean[] = config.targets.map((t, i) => {
    const path = `targets[${i}]`;
    const d = findDataset(catalog, t.dataset);
    if (!d) {
      issues.push({
        severity: 'error',
        path,
        message: `target dataset "${t.dataset}" is not in the catalog (have ${have(ids)})`,
      });
      return false;
    }
    if (!findTask(catalog, t)) {
      issues.push({
        severity: 'error',
        path,
        message: `dataset "${t.dataset}" has no task "${t.task}" (has ${have(d.tasks.map((x) => x.name))})`,
      });
      return false;
    }
    return true;
  });
  const evaluation = new Map<string, Feasibility>();
  config.targets.forEach((t, i) => {
    if (!targetOk[i]) return;
    const found = findTask(catalog, t)!;
    for (const k of ks) {
      const f = feasibility(
        found.task,
        { mode: config.mode, way: config.way, shot: k, query: config.query, split: config.evalSplit },
        found.dataset.splitSizes?.[config.evalSplit],
      );
      evaluation.set(`${i}|${k}`, f);
      const at = config.mode === 'variable' ? '' : ` at K = ${k}`;
      if (!f.runnable) {
        issues.push({
          severity: 'skip',
          path: `targets[${i}]`,
          message: `target "${targetKey(t)}"${at} cannot be evaluated: ${f.message}`,
          target: targetKey(t),
          k,
        });
      } else if (f.message) {
        issues.push({
          severity: 'warning',
          path: `targets[${i}]`,
          message: `target "${targetKey(t)}": ${f.message}`,
          target: targetKey(t),
          k,
        });
      }
    }
  });

  // Rows: named datasets, tasks and domains exist and can train (independent of the target).
  const sourceOk: boolean[] = config.sources.map((s, i) => {
    if (s.kind !== 'task' && s.kind !== 'dataset' && s.kind !== 'domain') return true;
    try {
      const choice =
        s.kind === 'task'
          ? ({ kind: 'task', datasetId: s.dataset, taskName: s.task } as const)
          : s.kind === 'dataset'
            ? ({ kind: 'dataset', datasetId: s.dataset } as const)
            : ({ kind: 'domain', domain: s.domain } as const);
      chooseSources(
        catalog.map((d) => ({
          ...d,
          tasks: d.tasks.map((t) => ({ name: t.name, target: t.target, labels: [] })),
        })),
        choice,
      );
      return true;
    } catch (e) {
      issues.push({
        severity: 'error',
        path: `sources[${i}]`,
        message: `source "${sourceKey(s)}": ${e instanceof Error ? e.message : String(e)}`,
      });
      return false;
    }
  });

  // Episodic rows only: the supervised rows have their own budget (config.supervised).
  const trainedRows = config.sources.filter((s) => !isBaseline(s) && !isSupervisedSource(s));
  if (trainedRows.length > 0 && config.training.steps === 0) {
    issues.push({
      severity: 'warning',
      path: 'training.steps',
      message: `training.steps is 0: the ${trainedRows.length} trained row(s) run at the seeded initial weights, like the untrained baseline`,
    });
  }
  if (trainedRows.length > 0 && config.training.steps > 0) {
    const b = budgetWarning(config.training);
    if (b) issues.push({ severity: 'warning', path: b.path, message: b.message });
  }

  // Source tasks that training would skip: warned once each.
  const taskWarned = new Map<string, string | undefined>();
  const usable = (ref: TaskRef): boolean => {
    const key = `${ref.datasetId}/${ref.taskName}`;
    if (!taskWarned.has(key)) {
      const task = findTask(catalog, { dataset: ref.datasetId, task: ref.taskName })?.task;
      const why = task ? trainable(task, config) : 'not in the catalog';
      taskWarned.set(key, why);
      if (why)
        issues.push({
          severity: 'warning',
          path: 'training',
          message: `source task "${key}" will be skipped by training: ${why}`,
        });
    }
    return taskWarned.get(key) === undefined;
  };

  const cells: PlannedCell[] = [];
  const sets = new Map<string, SourceSetResult>();
  config.sources.forEach((s, si) => {
    if (!sourceOk[si]) return;
    const sk = sourceKey(s);
    config.targets.forEach((t, ti) => {
      if (!targetOk[ti]) return;
      const tk = targetKey(t);
      // The source set depends on the target's dataset only (on the task too for `supervised`).
      const setKey = s.kind === 'supervised' ? `${si}|${tk}` : `${si}|${t.dataset}`;
      let r = sets.get(setKey);
      if (!r) {
        r = sourceDatasetsFor(t, s, catalog);
        sets.set(setKey, r);
      }
      if (!r.ok) {
        issues.push({
          severity: 'skip',
          path: `sources[${si}]`,
          message: `source "${sk}" for target "${tk}": ${r.error}`,
          source: sk,
          target: tk,
        });
        return;
      }
      const set = r.set;
      if (set.overlapping.length > 0) {
        const why = set.overlapping.map((o) => `${o.datasetId}: ${o.reason}`).join('; ');
        issues.push({
          severity: 'skip',
          path: `sources[${si}]`,
          message: `source "${sk}" overlaps target "${tk}" (${why}): not a cross-domain pair`,
          source: sk,
          target: tk,
        });
        return;
      }
      const supervised = isSupervisedSource(s);
      const tasks = supervised ? set.tasks : set.tasks.filter(usable);
      const blocker = supervised ? supervisedBlocker(catalog, tasks) : undefined;
      if (blocker) {
        issues.push({
          severity: 'skip',
          path: `sources[${si}]`,
          message: `source "${sk}" for target "${tk}": ${blocker}`,
          source: sk,
          target: tk,
        });
        return;
      }
      if (!isBaseline(s) && tasks.length === 0) {
        issues.push({
          severity: 'skip',
          path: `sources[${si}]`,
          message: `source "${sk}" for target "${tk}": no source task can train with ${config.training.way}-way ${config.training.shot}-shot ${config.training.query}-query episodes`,
          source: sk,
          target: tk,
        });
        return;
      }
      const trainingKey = isBaseline(s) ? null : trainingKeyOf(s.kind, tasks);
      for (const k of ks) {
        const f = evaluation.get(`${ti}|${k}`);
        if (!f?.runnable) continue;
        for (const method of config.methods)
          cells.push({
            key: cellKey(sk, tk, k, method),
            source: sk,
            sourceIndex: si,
            target: { ...t },
            targetIndex: ti,
            k,
            method,
            evaluation: f,
            sourceTasks: tasks,
            trainingKey,
          });
      }
    });
  });

  const hasError = issues.some((i) => i.severity === 'error');
  if (!hasError && cells.length === 0) {
    issues.push({ severity: 'error', path: '', message: `none of the ${total} cells can run (see the skipped cells)` });
  }
  return { ok: !issues.some((i) => i.severity === 'error'), issues, cells, total };
}
