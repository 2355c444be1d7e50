/**
 * The protocol plan: everything random in a ProtoBench run, fixed by ProtoBench's own code, as plain JSON
 * for the PyTorch reference trainer (bench/reference/train_torch.py), which does the arithmetic itself.
 *
 * - cells: `checkAgainstCatalog(config, catalog).cells` (src/core/config/check.ts), rows x targets x K;
 * - evaluation episodes: per (target, K), `planEpisodes(view of config.evalSplit, episodeSpecFor(config, k))`
 *   episodes 0..episodes-1 (src/engine/fewshot/cell.ts `runCell`), always seeded by the run's seed;
 * - trainings: one per distinct `trainingKey` (src/ui/run/orchestrator.ts trains a row once per key) and
 *   training repeat r, seeded by `trainingSeeds(config.seed, R)[r]` (src/core/training/seeds.ts): its steps
 *   and validation episodes from `planTraining` (src/core/training/plan.ts) over the source tasks' train and
 *   val views (src/engine/fewshot/train.ts `prepareSources`), its initial weights from `createEncoder` with
 *   `encoderForRow(config, row, true, seed)` (seed = the training seed);
 * - initial weights per training seed (also the `untrained` row's weights for that repeat).
 */

import * as tf from '@tensorflow/tfjs';
import {
  checkAgainstCatalog,
  configFromQuery,
  configToQuery,
  defaultConfig,
  episodeSpecFor,
  isBaseline,
  parseSourceKey,
  type BackendChoice,
  type Catalog,
  type ConfigIssue,
  type PlannedCell,
  type RunConfig,
} from '../../src/core/config';
import { BACKEND_CHOICES } from '../../src/core/config/types';
import { planEpisodes, type Episode, type TaskView } from '../../src/core/sampling';
import { DEFAULT_VAL_EPISODES, planTraining, type SourceViews } from '../../src/core/training/plan';
import { trainingSeeds } from '../../src/core/training/seeds';
import type { SplitName } from '../../src/core/types';
import { createEncoder } from '../../src/engine/fewshot/encoders/registry';
import type { EncoderConfig } from '../../src/engine/fewshot/encoders/types';
import { TRAINER_VERSION } from '../../src/engine/weights-key';
import { encoderForRow } from '../../src/ui/run/orchestrator';
import type { FolderDataset } from './datasets';

export const PLAN_FORMAT = 'protobench/protocol-plan';
export const PLAN_VERSION = 1;

/** [image index, class position] pairs, in episode order. */
type Pairs = [number, number][];

export interface PlanEpisode {
  /** Class values and names, in position order (binary: [negative, positive]). */
  classes: { value: number; name: string }[];
  support: Pairs;
  query: Pairs;
}

export interface PlanTensor {
  name: string;
  /** tfjs layout: conv filters [kh, kw, cin, cout] (HWIO). */
  shape: number[];
  dtype: 'float32';
  /** Little-endian float32 values. */
  base64: string;
}

export interface PlanEval {
  target: { dataset: string; task: string };
  k: number;
  split: SplitName;
  kind: Episode['kind'];
  /** Absent (with `skipped`) for multilabel targets: the reference trainer evaluates single-label tasks only. */
  episodes: PlanEpisode[];
  skipped?: string;
}

export interface PlanTraining {
  trainingKey: string;
  repeat: number;
  seed: number;
  /** The target dataset of the first cell that uses this training (information: the key is what is shared). */
  targetDataset: string;
  /** `<dataset>/<task>` of the cell's source tasks, in catalog order. */
  sourceTasks: string[];
  /** Sources the plan trains on (index = `steps[s].source`), with their way and whether they are validated. */
  sources: { task: string; dataset: string; way: number; validated: boolean }[];
  skipped: { task: string; reason: string }[];
  steps: { source: number; support: Pairs; query: Pairs }[];
  /** Per source (same index): its fixed validation episodes ([] when it is not validated). */
  validation: PlanEpisode[][];
}

export interface ProtocolPlan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  trainerVersion: number;
  createdAt: string;
  config: RunConfig;
  query: string;
  protocol: {
    trainSeeds: number;
    trainingSeeds: number[];
    patience: number;
    valEpisodes: number;
    valEvery: number;
    /** Where R and patience came from: the config (query or defaults), or the command line. */
    trainSeedsFrom: 'config' | 'option';
    patienceFrom: 'config' | 'option';
  };
  /** The trained rows' encoder (its seed is each training's); baselines: `untrained` and `pixels` rows. */
  encoder: EncoderConfig;
  datasets: { id: string; folder: string; numImages: number; channels: 1 | 3; domain: string }[];
  cells: {
    key: string;
    source: string;
    target: { dataset: string; task: string };
    k: number;
    /** The evaluation method (`protonet`, `linear-probe`); every method of a (row, target, K) sees its episodes. */
    method: string;
    way: number;
    trainingKey: string | null;
    sourceTasks: string[];
  }[];
  issues: ConfigIssue[];
  eval: PlanEval[];
  trainings: PlanTraining[];
  /** Initial weights per training seed (string key): the trainings' start and the untrained row of that repeat. */
  inits: Record<string, PlanTensor[]>;
}

export interface PlanOptions {
  /** Training repeats R (`training.seeds`) when the query has no `tseeds`. */
  trainSeeds?: number;
  /** Early-stopping patience (`training.patience`) when the query has no `pat`. */
  patience?: number;
  valEpisodes?: number;
  /** Backend whose defaults fill parameters the query leaves out (the page uses the resolved backend). */
  backend?: BackendChoice;
  /** Leave out the initial weights (tests). */
  noWeights?: boolean;
}

/**
 * The config of a page URL query over the page's defaults for `backend` (src/ui/run/panel.ts does
 * `configFromQuery(query, defaultConfig(backend, catalog))`).
 */
export function parseConfig(query: string, catalog: Catalog, backend?: BackendChoice): RunConfig {
  const q = query.startsWith('?') ? query.slice(1) : query;
  const b = new URLSearchParams(q).get('backend') ?? backend ?? 'wasm';
  if (!(BACKEND_CHOICES as readonly string[]).includes(b)) throw new Error(`config: unknown backend "${b}"`);
  const r = configFromQuery(q, defaultConfig(b as BackendChoice, catalog));
  if (!r.ok) throw new Error(`config: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.config;
}

function pairs(items: readonly { image: number; label: number }[]): Pairs {
  return items.map((x) => [x.image, x.label]);
}

function planEpisode(ep: Episode): PlanEpisode {
  if (ep.kind !== 'single') throw new Error('planEpisode: multilabel episodes are not planned');
  return {
    classes: ep.classes.map((c) => ({ value: c.value, name: c.name })),
    support: pairs(ep.support),
    query: pairs(ep.query),
  };
}

function view(d: FolderDataset, taskName: string, split: SplitName): TaskView {
  const task = d.info.tasks.find((t) => t.name === taskName);
  if (!task) throw new Error(`dataset "${d.info.id}" has no task "${taskName}"`);
  return {
    datasetId: d.info.id,
    task,
    split,
    indices: d.splits[split],
    labels: d.labels[taskName] as TaskView['labels'],
  };
}

async function initWeights(config: EncoderConfig): Promise<PlanTensor[]> {
  const enc = createEncoder(config);
  try {
    const w = await enc.getWeights();
    return w.tensors.map((t) => ({
      name: t.name,
      shape: [...t.shape],
      dtype: 'float32',
      base64: Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength).toString('base64'),
    }));
  } finally {
    enc.dispose();
  }
}

export async function buildPlan(
  datasets: readonly FolderDataset[],
  query: string,
  opts: PlanOptions = {},
  log: (line: string) => void = () => undefined,
): Promise<ProtocolPlan> {
  const catalog = datasets.map((d) => d.catalog);
  const config = parseConfig(query, catalog, opts.backend);
  const check = checkAgainstCatalog(config, catalog);
  for (const i of check.issues) log(`${i.severity}: ${i.message}`);
  if (!check.ok)
    throw new Error(
      `the config cannot run: ${check.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message)
        .join('; ')}`,
    );
  const byId = new Map(datasets.map((d) => [d.info.id, d]));
  const need = (id: string): FolderDataset => {
    const d = byId.get(id);
    if (!d) throw new Error(`no dataset "${id}"`);
    return d;
  };

  // R and patience (`training.seeds`, `training.patience`): the query's `tseeds` / `pat` when it names them;
  // else --train-seeds / --patience when given, written into the config (the plan's config is the run planned).
  const named = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const choose = (field: 'seeds' | 'patience', param: string, option: number | undefined): 'config' | 'option' => {
    if (named.has(param) || option === undefined) return 'config';
    config.training[field] = option;
    log(`training.${field} = ${option} (from the command line; the query has no "${param}")`);
    return 'option';
  };
  const seedsFrom = choose('seeds', 'tseeds', opts.trainSeeds);
  const patienceFrom = choose('patience', 'pat', opts.patience);
  const R = config.training.seeds;
  const patience = config.training.patience;
  const valEpisodes = opts.valEpisodes ?? DEFAULT_VAL_EPISODES;
  if (!Number.isInteger(R) || R < 1) throw new Error(`training seeds must be an integer >= 1, found ${R}`);
  if (!Number.isInteger(patience) || patience < 0)
    throw new Error(`patience must be an integer >= 0, found ${patience}`);
  const seeds = trainingSeeds(config.seed, R);

  // Evaluation episodes, once per (target, K): every row sees the same ones.
  const evals: PlanEval[] = [];
  const evalKey = (c: PlannedCell): string => JSON.stringify([c.target.dataset, c.target.task, c.k]);
  const seenEval = new Set<string>();
  for (const c of check.cells) {
    const key = evalKey(c);
    if (seenEval.has(key)) continue;
    seenEval.add(key);
    const v = view(need(c.target.dataset), c.target.task, config.evalSplit);
    const plan = planEpisodes(v, episodeSpecFor(config, c.k));
    const base = { target: { ...c.target }, k: c.k, split: config.evalSplit, kind: plan.kind };
    if (plan.kind !== 'single') {
      evals.push({ ...base, episodes: [], skipped: 'multilabel target: not evaluated by the reference trainer' });
      log(
        `skip: ${c.target.dataset}/${c.target.task} K=${c.k} is multilabel (the reference trainer evaluates single-label targets only)`,
      );
      continue;
    }
    evals.push({ ...base, episodes: plan.episodes(0, config.episodes).map(planEpisode) });
  }

  // Trainings: one per trainingKey and repeat (the orchestrator trains a key once, before its first cell).
  const trainedEncoder = (seed: number): EncoderConfig => {
    const row = check.cells.find((c) => c.trainingKey !== null)?.source ?? 'all-except-target';
    return encoderForRow(config, row, true, seed);
  };
  const trainings: PlanTraining[] = [];
  const seenKey = new Set<string>();
  if (config.training.steps > 0) {
    for (const c of check.cells) {
      const spec = parseSourceKey(c.source);
      if (!spec || isBaseline(spec) || c.trainingKey === null || seenKey.has(c.trainingKey)) continue;
      seenKey.add(c.trainingKey);
      const views: SourceViews[] = c.sourceTasks.map((ref) => {
        const d = need(ref.datasetId);
        const val = d.splits.val.length > 0 ? view(d, ref.taskName, 'val') : undefined;
        return { ref, train: view(d, ref.taskName, 'train'), ...(val ? { val } : {}) };
      });
      seeds.forEach((seed, repeat) => {
        const b = config.training;
        const tp = planTraining(views, { steps: b.steps, way: b.way, shot: b.shot, query: b.query, seed, valEpisodes });
        const steps = Array.from({ length: b.steps }, (_, s) => {
          const { source, episode } = tp.stepEpisode(s);
          return { source, support: pairs(episode.support), query: pairs(episode.query) };
        });
        trainings.push({
          trainingKey: c.trainingKey as string,
          repeat,
          seed,
          targetDataset: c.target.dataset,
          sourceTasks: c.sourceTasks.map((t) => `${t.datasetId}/${t.taskName}`),
          sources: tp.sources.map((s) => ({
            task: `${s.ref.datasetId}/${s.ref.taskName}`,
            dataset: s.ref.datasetId,
            way: s.way,
            validated: s.val !== undefined,
          })),
          skipped: tp.skipped.map((s) => ({ task: `${s.datasetId}/${s.taskName}`, reason: s.reason })),
          steps,
          validation: tp.sources.map((_, i) => tp.validationEpisodes(i).map(planEpisode)),
        });
        log(
          `training ${c.trainingKey} repeat ${repeat} (seed ${seed}): ${tp.sources.length} sources, ${tp.skipped.length} skipped, ` +
            `${tp.sources.filter((s) => s.val).length} validated`,
        );
      });
    }
  }

  const inits: Record<string, PlanTensor[]> = {};
  const needsEncoder = config.sources.some((s) => s.kind !== 'pixels');
  if (!opts.noWeights && needsEncoder) {
    await tf.setBackend('cpu');
    for (const seed of seeds) inits[String(seed)] = await initWeights(trainedEncoder(seed));
  }

  const used = new Set<string>();
  for (const c of check.cells) {
    used.add(c.target.dataset);
    for (const t of c.sourceTasks) used.add(t.datasetId);
  }
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    trainerVersion: TRAINER_VERSION,
    createdAt: new Date().toISOString(),
    config,
    query: configToQuery(config),
    protocol: {
      trainSeeds: R,
      trainingSeeds: seeds,
      patience,
      valEpisodes,
      valEvery: config.training.valEvery,
      trainSeedsFrom: seedsFrom,
      patienceFrom: patienceFrom,
    },
    encoder: trainedEncoder(config.seed),
    datasets: datasets
      .filter((d) => used.has(d.info.id))
      .map((d) => ({
        id: d.info.id,
        folder: d.folder,
        numImages: d.info.numImages,
        channels: d.info.channels,
        domain: d.info.domain,
      })),
    cells: check.cells.map((c) => ({
      key: c.key,
      source: c.source,
      target: { ...c.target },
      k: c.k,
      method: c.method,
      way: c.evaluation.way,
      trainingKey: c.trainingKey,
      sourceTasks: c.sourceTasks.map((t) => `${t.datasetId}/${t.taskName}`),
    })),
    issues: check.issues,
    eval: evals,
    trainings,
    inits,
  };
}
