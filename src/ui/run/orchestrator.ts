/**
 * Runs a RunConfig from the page thread without blocking it: every heavy step is a call into the compute
 * worker; this file only sequences them, keeps the RunRecord, persists it after every cell and reports.
 *
 * Order: the planned cells (rows x targets x K, `checkAgainstCatalog`), minus those a resumed record
 * already holds. A trained row's encoder is meta-trained once per distinct `trainingKey`, lazily, right
 * before its first pending cell; baselines (untrained, pixels) train nothing.
 *
 * Determinism (what makes Resume equal an uninterrupted run): evaluation episodes are a pure function of
 * the config's seed and K (`episodeSpecFor`); initial weights and training order are seeded by the config's
 * seed, so a resumed run retrains the same weights and evaluates the same episodes.
 *
 * Stored weights: every training request carries `store`, so the compute worker first looks for weights
 * stored under the request's key (encoder, resolution, source tasks, training config, seed, backend, data
 * fingerprints: src/engine/weights-key.ts) and loads them instead of training; weights it trains are
 * stored. A later run, or a resumed one, with the same key therefore trains nothing and gets the weights
 * an uninterrupted training gives. Each trained cell records the key and whether it was reused
 * (`trainedWeights`).
 *
 * Cancel: `cancel()` returns at once; the compute call in flight is abandoned (its result is ignored) and,
 * where the host has `cancel`, aborted in the worker too (engine calls carry the run's id as their
 * `cancelToken`; the engine stops at its next await boundary, within about a second). `done` then waits
 * for that call to unwind (at most CANCEL_WAIT_MS), so a new run never shares the worker with it.
 * Finished cells are kept.
 */

import * as Comlink from 'comlink';
import type { MeterEvent } from './progress-meter';
import {
  checkAgainstCatalog,
  episodeSpecFor,
  isBaseline,
  isSupervisedSource,
  parseSourceKey,
  type Catalog,
  type PlannedCell,
  type RunConfig,
} from '../../core/config';
import {
  chanceAccuracy,
  combineRepeats,
  datasetsUsed,
  finishRun,
  newRunRecord,
  pendingCells,
  resumable,
  withCell,
  withTraining,
  type CellResult,
  type RunEnvironment,
  type RunRecord,
  type TestScore,
  type TrainingRecord,
} from '../../core/results';
import { trainingSeeds } from '../../core/training/seeds';
import type { Validation } from '../../core/training/types';
import type { CellProgress, CellRequest, CellResult as EngineCell } from '../../engine/fewshot/cell';
import type { EncoderConfig, EncoderWeights } from '../../engine/fewshot/encoders/types';
import type { StoredTrainProgress, StoredTrainRequest, StoredTrainResult, WeightsOutcome } from '../../engine/weights';

/** What the orchestrator needs from the workers (the compute worker's API and the data worker's run store). */
export interface RunHost {
  evaluateCell(req: CellRequest, onProgress?: (p: CellProgress) => void): Promise<EngineCell>;
  /** Train, or load the weights stored under the request's key (`store`; see ComputeService.trainEncoder). */
  trainEncoder(req: StoredTrainRequest, onProgress?: (p: StoredTrainProgress) => void): Promise<StoredTrainResult>;
  saveRecord(record: RunRecord): Promise<void>;
  /** Abort the engine calls started with `cancelToken` === token (ComputeService.cancel). */
  cancel?(token: string): unknown;
}

/** How long a cancelled run waits for the aborted engine call to unwind before it reports `cancelled`. */
export const CANCEL_WAIT_MS = 10_000;

export type RunPhase = 'plan' | 'train' | 'embed' | 'episodes' | 'done' | 'cancelled' | 'failed';

/** The meter's fields (cells, the cell in progress, training steps, units done in the cell's phase) and a line for people. */
export interface RunProgress extends MeterEvent {
  phase: RunPhase;
  text: string;
}

/** A training in progress: its validations so far and every step's loss (what the page draws live). */
export interface LiveTraining {
  trainingKey: string;
  source: string;
  targetDataset: string;
  repeat: number;
  steps: number;
  losses: number[];
  validations: Pick<Validation, 'step' | 'accuracy' | 'auroc'>[];
}

export interface RunCallbacks {
  onRecord?(record: RunRecord): void;
  onProgress?(p: RunProgress): void;
  onTraining?(t: LiveTraining): void;
}

export interface RunArgs {
  config: RunConfig;
  catalog: Catalog;
  environment: RunEnvironment;
  /** A persisted record to continue (Resume); its config must equal `config` (same hash). */
  resume?: RunRecord;
  /** Id and clock for a new record (tests pass fixed ones). */
  id?: string;
  now?: () => Date;
  /** Load stored weights instead of training when the key matches (default true); trained weights are stored either way. */
  reuseWeights?: boolean;
}

/** A training's weights and where they came from. */
interface Trained {
  weights: EncoderWeights;
  outcome?: WeightsOutcome;
}

/** `2026-11-26 10:23 UTC` from an ISO date (what the progress line says). */
export function shortDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** The encoder of a row: trained rows use the config's encoder, baselines the untrained or pixel one. */
export function encoderForRow(config: RunConfig, source: string, trained: boolean, seed = config.seed): EncoderConfig {
  const spec = parseSourceKey(source);
  const base = { inputSize: config.resolution, channels: 3 as const };
  if (spec?.kind === 'pixels') return { name: 'pixels', ...base };
  if (config.encoder === 'resnet12') return { name: 'resnet12', ...base, seed };
  // conv4 at its seeded init is `conv4-untrained` (frozen); trained weights go to `conv4`.
  return { name: trained ? 'conv4' : 'conv4-untrained', ...base, seed };
}

/** The engine's test score as the record keeps it (the interval, not the resample counts). */
function testScoreOf(t: NonNullable<StoredTrainResult['test']>): TestScore {
  const v = (b: typeof t.auroc) => ({ value: b.value, lo: b.lo, hi: b.hi });
  return { split: t.split, n: t.n, accuracy: v(t.accuracy), auroc: v(t.auroc) };
}

/** The run record's account of one training (see TrainingRecord). */
function trainingRecord(
  cell: PlannedCell,
  repeat: number,
  seed: number,
  steps: number,
  r: StoredTrainResult,
): TrainingRecord {
  const best = r.validations.find((v) => v.step === r.bestStep);
  return {
    trainingKey: cell.trainingKey as string,
    source: cell.source,
    repeat,
    seed,
    sourceTasks: r.sources.map((t) => `${t.datasetId}/${t.taskName}`),
    skipped: r.skipped.map((t) => `${t.datasetId}/${t.taskName}: ${t.reason}`),
    steps,
    stoppedStep: r.stoppedStep,
    chosen: { step: r.bestStep, valAccuracy: best?.accuracy ?? NaN, valAuroc: best?.auroc ?? NaN },
    curve: r.validations.map((v) => ({ ...v, perTask: v.perTask.slice(), perTaskAuroc: v.perTaskAuroc.slice() })),
    ...(r.weightsStore ? { weightsKey: r.weightsStore.key, reused: r.weightsStore.reused } : {}),
    trainMs: r.timings.totalMs,
    ...(r.test ? { test: testScoreOf(r.test) } : {}),
  };
}

/** The run record's cell from the engine's result. */
export function toCellResult(config: RunConfig, planned: PlannedCell, r: EngineCell): CellResult {
  const metric = (s: EngineCell['accuracy']): CellResult['accuracy'] => ({ mean: s.mean, ci95: s.ci95, std: s.std });
  return {
    source: planned.source,
    target: { ...planned.target },
    k: planned.k,
    method: planned.method,
    n: planned.evaluation.way,
    q: config.mode === 'variable' ? 0 : config.query,
    episodes: r.episodes,
    accuracy: metric(r.accuracy),
    auroc: metric(r.auroc),
    perClassAccuracy: r.perClass.map((c) => ({ value: c.value, name: c.name, accuracy: c.accuracy })),
    chance: chanceAccuracy(config.mode, planned.evaluation),
    timings: {
      loadMs: r.timings.loadMs,
      compileMs: 0,
      warmupMs: r.timings.embedWarmupMs,
      embedMs: r.timings.embedMs,
      episodesMs: r.timings.episodesMs,
    },
    perEpisode: { accuracy: r.perEpisode.accuracy.slice(), auroc: r.perEpisode.auroc.slice() },
  };
}

function newId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `run-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
}

function label(p: PlannedCell): string {
  const m = p.method === 'protonet' ? '' : ` (${p.method})`;
  return `${p.source}${m} → ${p.target.dataset}/${p.target.task}, K=${p.k}`;
}

/** One run (or resumed run) in progress. `done` settles with the final record (status done/cancelled/failed). */
export class RunJob {
  readonly done: Promise<RunRecord>;
  private cancelled = false;
  private wake: () => void = () => undefined;
  private readonly cancelSignal: Promise<never>;
  private record!: RunRecord;
  /** The engine call in flight (settles, never rejects). */
  private inflight: Promise<unknown> | undefined;

  constructor(
    private readonly host: RunHost,
    private readonly args: RunArgs,
    private readonly cb: RunCallbacks = {},
  ) {
    this.cancelSignal = new Promise<never>((_, reject) => {
      this.wake = () => reject(new Cancelled());
    });
    this.cancelSignal.catch(() => undefined);
    this.done = this.run();
  }

  /** Stop at the next boundary; the call in flight is abandoned. Finished cells stay in the record. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.abortInWorker();
    this.wake();
  }

  /** Ask the worker to abort this run's engine calls (best effort: the run is cancelled anyway). */
  private abortInWorker(): void {
    if (!this.host.cancel || !this.record) return;
    try {
      Promise.resolve(this.host.cancel(this.record.id)).catch(() => undefined);
    } catch {
      // Ignored, as above.
    }
  }

  get current(): RunRecord {
    return this.record;
  }

  private throwIfCancelled(): void {
    if (this.cancelled) throw new Cancelled();
  }

  /** A worker call that a Cancel abandons at once. */
  private async call<T>(p: Promise<T>): Promise<T> {
    this.inflight = p.then(
      () => undefined,
      () => undefined,
    );
    // Issued after a cancel (which came while this call's arguments were being prepared): abort it too.
    if (this.cancelled) this.abortInWorker();
    this.throwIfCancelled();
    return Promise.race([p, this.cancelSignal]);
  }

  /** After a cancel: wait (bounded) until the aborted engine call has unwound in the worker. */
  private async drain(): Promise<void> {
    if (!this.host.cancel || !this.inflight) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.inflight,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CANCEL_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  private async run(): Promise<RunRecord> {
    const { config, catalog, environment } = this.args;
    const now = this.args.now ?? (() => new Date());
    const check = checkAgainstCatalog(config, catalog);
    if (!check.ok) {
      const errors = check.issues.filter((i) => i.severity === 'error').map((i) => i.message);
      throw new Error(`The config cannot run: ${errors.join('; ')}`);
    }
    if (this.args.resume) {
      const ok = resumable(this.args.resume, config, catalog);
      if (!ok.ok) throw new Error(`Cannot resume run ${this.args.resume.id}: ${ok.reasons.join('; ')}`);
      this.record = { ...this.args.resume, status: 'running' };
      delete this.record.error;
    } else {
      this.record = newRunRecord({
        id: this.args.id ?? newId(),
        createdAt: now().toISOString(),
        config,
        environment,
        datasets: datasetsUsed(check.cells, catalog),
      });
    }
    const t0 = performance.now();
    const before = this.record.timings.totalMs;
    const total = check.cells.length;
    const todo = pendingCells(check.cells, this.record);
    const progress = (p: Omit<RunProgress, 'cellsDone' | 'cellsTotal'>): void =>
      this.cb.onProgress?.({ ...p, cellsDone: this.record.cells.length, cellsTotal: total });
    const elapsed = (): number => before + (performance.now() - t0);

    try {
      await this.host.saveRecord(this.record);
      this.cb.onRecord?.(this.record);
      const weights = new Map<string, Trained>();
      const seeds = trainingSeeds(config.seed, config.training.seeds);
      for (const cell of todo) {
        this.throwIfCancelled();
        const spec = parseSourceKey(cell.source);
        const trained = !!spec && !isBaseline(spec) && cell.trainingKey !== null;
        // Trained and untrained rows repeat over the training seeds (their init differs); pixels have none.
        const repeats = trained || spec?.kind === 'untrained' ? seeds : [config.seed];
        const results: CellResult[] = [];
        const keys: (string | undefined)[] = [];
        for (const [r, seed] of repeats.entries()) {
          let t: Trained | undefined;
          if (trained && (config.training.steps > 0 || isSupervisedSource(spec))) {
            const key = `${cell.trainingKey as string}#${r}`;
            if (!weights.has(key)) weights.set(key, await this.train(cell, r, seed, progress));
            t = weights.get(key);
          }
          let result = await this.evaluate(cell, trained, t?.weights, seed, progress);
          if (t?.outcome) result = { ...result, trainedWeights: { key: t.outcome.key, reused: t.outcome.reused } };
          results.push(result);
          keys.push(t?.outcome?.key);
        }
        this.record = withCell(this.record, combineRepeats(results, repeats, keys));
        this.record = { ...this.record, timings: { ...this.record.timings, totalMs: elapsed() } };
        await this.host.saveRecord(this.record);
        this.cb.onRecord?.(this.record);
        progress({ phase: 'episodes', text: `Finished ${label(cell)}`, cell: cell.key });
      }
      this.record = finishRun(this.record, 'done', elapsed());
      progress({ phase: 'done', text: `Done: ${this.record.cells.length} of ${total} cells.` });
    } catch (e) {
      if (e instanceof Cancelled) {
        const ms = elapsed();
        await this.drain();
        this.record = finishRun(this.record, 'cancelled', ms);
        progress({
          phase: 'cancelled',
          text: `Cancelled: ${this.record.cells.length} of ${total} cells kept; Resume continues.`,
        });
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        this.record = finishRun(this.record, 'failed', elapsed(), msg);
        progress({ phase: 'failed', text: `Failed: ${msg}` });
      }
    }
    await this.host.saveRecord(this.record);
    this.cb.onRecord?.(this.record);
    return this.record;
  }

  private async train(
    cell: PlannedCell,
    repeat: number,
    seed: number,
    progress: (p: Omit<RunProgress, 'cellsDone' | 'cellsTotal'>) => void,
  ): Promise<Trained> {
    const { config } = this.args;
    const spec = parseSourceKey(cell.source);
    const supervised = !!spec && isSupervisedSource(spec);
    const b = { ...config.training, steps: supervised ? config.supervised.steps : config.training.steps };
    const of = b.seeds > 1 ? `, seed ${repeat + 1} of ${b.seeds}` : '';
    const what = `${cell.source} for ${cell.target.dataset} (${cell.sourceTasks.length} source tasks${of})`;
    const live: LiveTraining = {
      trainingKey: cell.trainingKey as string,
      source: cell.source,
      targetDataset: cell.target.dataset,
      repeat,
      steps: b.steps,
      losses: [],
      validations: [],
    };
    progress({
      phase: 'train',
      text: `Training ${what}: looking for stored weights`,
      cell: cell.key,
      step: 0,
      steps: b.steps,
    });
    let listening = true;
    const reusing = (createdAt: string): void =>
      progress({
        phase: 'train',
        text: `${what}: reusing trained weights from ${shortDate(createdAt)} (no training)`,
        cell: cell.key,
        step: b.steps,
        steps: b.steps,
      });
    const onStep = Comlink.proxy((p: StoredTrainProgress) => {
      if (!listening || this.cancelled) return;
      if (p.reused) {
        reusing(p.reused.createdAt);
        return;
      }
      if (p.step > 0) live.losses.push(p.loss);
      if (p.valAccuracy !== undefined)
        live.validations.push({ step: p.step, accuracy: p.valAccuracy, auroc: p.valAuroc ?? NaN });
      this.cb.onTraining?.(live);
      const val =
        p.valAccuracy !== undefined
          ? `, val acc ${(100 * p.valAccuracy).toFixed(1)}% AUROC ${(100 * (p.valAuroc ?? NaN)).toFixed(1)}%`
          : '';
      progress({
        phase: 'train',
        text: `Training ${what}: step ${p.step} of ${p.steps}, loss ${p.loss.toFixed(3)}${val}`,
        cell: cell.key,
        step: p.step,
        steps: p.steps,
      });
    });
    const sources = cell.sourceTasks.map((t) => ({ datasetId: t.datasetId, taskName: t.taskName }));
    const common = {
      encoder: encoderForRow(config, cell.source, true, seed),
      sources,
      seed,
      cancelToken: this.record.id,
      store: { reuse: this.args.reuseWeights ?? true },
    };
    const request: StoredTrainRequest = supervised
      ? {
          ...common,
          kind: spec.kind as 'supervised' | 'mm-pt',
          settings: { ...config.supervised },
          // The upper bound is also scored on the target's whole evaluation split (the paper's number).
          ...(spec.kind === 'supervised' ? { testSplit: config.evalSplit } : {}),
        }
      : {
          ...common,
          steps: b.steps,
          way: b.way,
          shot: b.shot,
          query: b.query,
          lr: b.lr,
          valEvery: b.valEvery,
          patience: b.patience,
        };
    try {
      const r = await this.call(this.host.trainEncoder(request, onStep));
      // Reused weights cost no training time (their totalMs is 0).
      this.record = {
        ...this.record,
        timings: { ...this.record.timings, trainMs: this.record.timings.trainMs + r.timings.totalMs },
      };
      if (r.weightsStore?.reused) reusing(r.weightsStore.createdAt);
      this.record = withTraining(this.record, trainingRecord(cell, repeat, seed, b.steps, r));
      return { weights: r.weights, ...(r.weightsStore ? { outcome: r.weightsStore } : {}) };
    } finally {
      listening = false;
    }
  }

  private async evaluate(
    cell: PlannedCell,
    trained: boolean,
    weights: EncoderWeights | undefined,
    seed: number,
    progress: (p: Omit<RunProgress, 'cellsDone' | 'cellsTotal'>) => void,
  ): Promise<CellResult> {
    const { config } = this.args;
    let live = true;
    const onStep = Comlink.proxy((p: CellProgress) => {
      if (!live || this.cancelled) return;
      const what = p.phase === 'embed' ? 'embedding images' : 'episodes';
      progress({
        phase: p.phase,
        text: `${label(cell)}: ${what} ${p.done} of ${p.total}`,
        cell: cell.key,
        done: p.done,
        total: p.total,
      });
    });
    progress({ phase: 'embed', text: `${label(cell)}: starting`, cell: cell.key });
    try {
      const r = await this.call(
        this.host.evaluateCell(
          {
            datasetId: cell.target.dataset,
            taskName: cell.target.task,
            split: config.evalSplit,
            spec: episodeSpecFor(config, cell.k),
            episodes: config.episodes,
            encoder: encoderForRow(config, cell.source, trained && weights !== undefined, seed),
            method: cell.method,
            ...(cell.method === 'finetune' ? { finetune: { ...config.finetune } } : {}),
            ...(weights ? { weights } : {}),
            cancelToken: this.record.id,
          },
          onStep,
        ),
      );
      return toCellResult(config, cell, r);
    } finally {
      live = false;
    }
  }
}

/** Start a run (or resume one); see RunJob. */
export function startRun(host: RunHost, args: RunArgs, callbacks: RunCallbacks = {}): RunJob {
  return new RunJob(host, args, callbacks);
}
