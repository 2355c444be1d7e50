import { describe, expect, it } from 'vitest';
import { checkAgainstCatalog, defaultConfig, fnv1a64, type RunConfig } from '../../core/config';
import { smallCatalog } from '../../core/config/test-catalog';
import type { RunRecord } from '../../core/results';
import { webgpuEnvironment } from '../../core/results/test-record';
import type { CellRequest, CellResult as EngineCell } from '../../engine/fewshot/cell';
import type { EncoderWeights } from '../../engine/fewshot/encoders/types';
import type { TrainRequest, TrainResult } from '../../engine/fewshot/train';
import type { StoredTrainProgress, StoredTrainRequest, StoredTrainResult } from '../../engine/weights';
import { startRun, type RunHost, type RunProgress } from './orchestrator';

/** What the fake compute worker keeps between runs: the weights store (IndexedDB in the app). */
type FakeStore = Map<string, { weights: EncoderWeights; createdAt: string }>;

const catalog = smallCatalog();

function config(): RunConfig {
  const c = defaultConfig('wasm', catalog);
  return { ...c, shots: [1, 5], episodes: 10, training: { ...c.training, steps: 3, valEvery: 0 } };
}

/** What a trainer reports besides its weights: no validation, every source used. */
function trainedSummary(train: TrainRequest): Partial<TrainResult> {
  const sources = Array.isArray(train.sources) ? train.sources : [];
  return {
    bestStep: train.steps,
    stoppedStep: train.steps,
    validations: [],
    sources: sources.map((t) => ({ datasetId: t.datasetId, taskName: t.taskName, way: train.way })),
    skipped: [],
  };
}

/** A deterministic fake engine: a cell's numbers are a hash of its request (weights included). */
class FakeHost implements RunHost {
  evaluated: string[] = [];
  trained: string[] = [];
  saved: RunRecord[] = [];
  /** Called before each evaluation; may throw or block. */
  beforeEval: (n: number) => Promise<void> = async () => undefined;
  trainGate: Promise<void> = Promise.resolve();
  storeRequests = 0;

  /** `store`: the weights store, shared between hosts to stand for one browser's IndexedDB. */
  constructor(readonly store: FakeStore = new Map()) {}

  async evaluateCell(req: CellRequest): Promise<EngineCell> {
    await this.beforeEval(this.evaluated.length);
    const tag = req.weights ? (req.weights.tensors[0]?.name ?? '') : 'init';
    const key = `${req.datasetId}/${req.taskName}/${JSON.stringify(req.spec)}/${req.encoder.name}/${tag}`;
    this.evaluated.push(key);
    const mean = parseInt(fnv1a64(key).slice(0, 6), 16) / 0xffffff;
    const s = { n: req.episodes ?? 0, nanCount: 0, mean, std: 0.1, ci95: 0.05 };
    return {
      episodes: req.episodes ?? 0,
      accuracy: s,
      auroc: { ...s, mean: 1 - mean },
      perClass: [],
      perEpisode: { accuracy: [mean], auroc: [1 - mean] },
      timings: { loadMs: 1, embedWarmupMs: 1, embedMs: 1, episodesMs: 1 },
    } as unknown as EngineCell;
  }

  async trainEncoder(req: StoredTrainRequest, onProgress?: (p: StoredTrainProgress) => void): Promise<TrainResult> {
    const { store, ...rest } = req;
    // This fake trains episodic rows only (the supervised rows are tested in the browser).
    const train = rest as TrainRequest;
    // The key, as the compute worker's: everything that decides the weights (see weights-key.ts).
    const wkey = `w-${fnv1a64(JSON.stringify({ ...train, cancelToken: undefined }))}`;
    if (store) this.storeRequests++;
    const hit = store && (store.reuse ?? true) ? this.store.get(wkey) : undefined;
    if (hit) {
      onProgress?.({ step: 0, steps: train.steps, loss: NaN, reused: { key: wkey, createdAt: hit.createdAt } });
      const r = { weights: hit.weights, timings: { totalMs: 0 }, ...trainedSummary(train) };
      const outcome = { key: wkey, reused: true, createdAt: hit.createdAt, stored: true, loadMs: 1 };
      return { ...r, weightsStore: outcome } as unknown as StoredTrainResult;
    }
    await this.trainGate;
    const key = JSON.stringify(train.sources);
    this.trained.push(key);
    const weights: EncoderWeights = {
      format: 'protobench/encoder-weights',
      version: 1,
      config: train.encoder,
      tensors: [{ name: `${fnv1a64(key)}:${train.seed}`, shape: [1], values: new Float32Array(1) }],
    };
    const createdAt = `2026-02-0${this.store.size + 1}T10:00:00.000Z`;
    if (store) this.store.set(wkey, { weights, createdAt });
    const outcome = { key: wkey, reused: false, createdAt, stored: !!store, loadMs: 0 };
    return {
      weights,
      timings: { totalMs: 5 },
      weightsStore: outcome,
      ...trainedSummary(train),
    } as unknown as StoredTrainResult;
  }

  async saveRecord(r: RunRecord): Promise<void> {
    this.saved.push(structuredClone(r));
  }
}

const args = (extra: object = {}) => ({
  config: config(),
  catalog,
  environment: webgpuEnvironment(),
  id: 'run-1',
  now: () => new Date('2026-01-01T00:00:00Z'),
  ...extra,
});

describe('run orchestrator', () => {
  it('runs every planned cell, trains once per distinct training key, saves after every cell', async () => {
    const host = new FakeHost();
    const planned = checkAgainstCatalog(config(), catalog).cells;
    const r = await startRun(host, args()).done;
    expect(r.status).toBe('done');
    expect(r.cells.map((c) => JSON.stringify([c.source, `${c.target.dataset}/${c.target.task}`, c.k]))).toEqual(
      planned.map((p) => p.key),
    );
    const keys = new Set(planned.filter((p) => p.trainingKey).map((p) => p.trainingKey));
    expect(host.trained).toHaveLength(keys.size);
    // Start, one save per cell, final.
    expect(host.saved).toHaveLength(planned.length + 2);
    expect(host.saved.map((s) => s.cells.length)).toEqual([0, ...planned.map((_, i) => i + 1), planned.length]);
    expect(r.timings.trainMs).toBe(5 * keys.size);
  });

  it('cancel keeps finished cells; resume runs only the rest and gives the same numbers', async () => {
    const full = await startRun(new FakeHost(), args()).done;
    const host = new FakeHost();
    const job = startRun(host, args());
    host.beforeEval = async (n) => {
      if (n === 3) job.cancel();
    };
    const cancelled = await job.done;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cells).toHaveLength(3);
    expect(host.saved.at(-1)?.status).toBe('cancelled');

    const host2 = new FakeHost();
    const resumed = await startRun(host2, args({ resume: structuredClone(cancelled) })).done;
    expect(resumed.status).toBe('done');
    expect(resumed.id).toBe(cancelled.id);
    expect(host2.evaluated).toHaveLength(full.cells.length - 3);
    const strip = (r: RunRecord) => r.cells.map((c) => ({ ...c, timings: null }));
    expect(strip(resumed)).toEqual(strip(full));
  });

  it('cancel during a long training call returns at once', async () => {
    const host = new FakeHost();
    host.trainGate = new Promise(() => undefined); // never finishes
    const job = startRun(host, args());
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    job.cancel();
    const r = await job.done;
    expect(Date.now() - t0).toBeLessThan(500);
    expect(r.status).toBe('cancelled');
  });

  it('cancel aborts the engine call by the run id and waits for it to unwind before reporting', async () => {
    const host = new FakeHost();
    let reject: (e: Error) => void = () => undefined;
    let rejectedAt = 0;
    const tokens: (string | undefined)[] = [];
    host.trainGate = new Promise<void>((_, rej) => {
      reject = rej;
    });
    host.trainEncoder = async (req: TrainRequest) => {
      tokens.push(req.cancelToken);
      await host.trainGate;
      throw new Error('unreachable');
    };
    const cancels: string[] = [];
    const withCancel: RunHost = Object.assign(host, {
      cancel: (token: string) => {
        cancels.push(token);
        // The engine unwinds a little later, as the worker's does.
        setTimeout(() => {
          rejectedAt = Date.now();
          const e = new Error('cancelled');
          e.name = 'AbortError';
          reject(e);
        }, 50);
      },
    });
    const job = startRun(withCancel, args());
    await new Promise((r) => setTimeout(r, 20));
    job.cancel();
    job.cancel();
    const r = await job.done;
    expect(cancels).toEqual(['run-1']);
    expect(tokens).toEqual(['run-1']);
    expect(rejectedAt).toBeGreaterThan(0);
    expect(r.status).toBe('cancelled');
  });

  it('an engine error fails the run and keeps the cells done before it', async () => {
    const host = new FakeHost();
    host.beforeEval = async (n) => {
      if (n === 2) throw new Error('device lost');
    };
    const r = await startRun(host, args()).done;
    expect(r.status).toBe('failed');
    expect(r.error).toBe('device lost');
    expect(r.cells).toHaveLength(2);
  });

  it('a second run with the same config reuses the stored weights: no training, same numbers', async () => {
    const store: FakeStore = new Map();
    const first = new FakeHost(store);
    const a = await startRun(first, args()).done;
    const planned = checkAgainstCatalog(config(), catalog).cells;
    const keys = new Set(planned.filter((p) => p.trainingKey).map((p) => p.trainingKey));
    expect(first.trained).toHaveLength(keys.size);
    expect(store.size).toBe(keys.size);
    const trainedCells = a.cells.filter((c) => c.trainedWeights);
    expect(trainedCells.length).toBeGreaterThan(0);
    expect(trainedCells.every((c) => c.trainedWeights?.reused === false)).toBe(true);
    // Baselines train nothing and say nothing about weights.
    expect(a.cells.filter((c) => c.source === 'untrained' || c.source === 'pixels').some((c) => c.trainedWeights)).toBe(
      false,
    );

    const second = new FakeHost(store);
    const texts: string[] = [];
    const b = await startRun(second, args({ id: 'run-2' }), { onProgress: (p: RunProgress) => texts.push(p.text) })
      .done;
    expect(second.trained).toEqual([]);
    expect(second.storeRequests).toBe(keys.size);
    expect(b.timings.trainMs).toBe(0);
    expect(b.cells.filter((c) => c.trainedWeights).every((c) => c.trainedWeights?.reused === true)).toBe(true);
    expect(b.cells.map((c) => c.trainedWeights?.key)).toEqual(a.cells.map((c) => c.trainedWeights?.key));
    expect(texts.some((t) => /reusing trained weights from 2026-02-0\d 10:00 UTC/.test(t))).toBe(true);
    const strip = (r: RunRecord) => r.cells.map((c) => ({ ...c, timings: null, trainedWeights: null }));
    expect(strip(b)).toEqual(strip(a));

    // reuseWeights: false trains again (and the trained weights replace the stored ones).
    const third = new FakeHost(store);
    const c = await startRun(third, args({ id: 'run-3', reuseWeights: false })).done;
    expect(third.trained).toHaveLength(keys.size);
    expect(c.cells.some((x) => x.trainedWeights?.reused)).toBe(false);
    // Another seed is another key: trained, not reused.
    const fourth = new FakeHost(store);
    await startRun(fourth, args({ id: 'run-4', config: { ...config(), seed: 99 } })).done;
    expect(fourth.trained).toHaveLength(keys.size);
  });

  it('a run interrupted after training resumes on the stored weights: nothing retrained, same numbers', async () => {
    const full = await startRun(new FakeHost(), args()).done;
    const store: FakeStore = new Map();
    const host = new FakeHost(store);
    const job = startRun(host, args());
    host.beforeEval = async (n) => {
      if (n === 3) job.cancel();
    };
    const cancelled = await job.done;
    expect(cancelled.status).toBe('cancelled');
    const trainedBefore = host.trained.length;
    expect(trainedBefore).toBeGreaterThan(0);

    const host2 = new FakeHost(store);
    const resumed = await startRun(host2, args({ resume: structuredClone(cancelled) })).done;
    expect(resumed.status).toBe('done');
    // Only keys first needed after the interruption are trained.
    const trainedAfter = new Set(host2.trained);
    for (const k of host.trained) expect(trainedAfter.has(k)).toBe(false);
    const strip = (r: RunRecord) => r.cells.map((c) => ({ ...c, timings: null, trainedWeights: null }));
    expect(strip(resumed)).toEqual(strip(full));
  });

  it('refuses to resume a record under another config', async () => {
    const host = new FakeHost();
    const job = startRun(host, args());
    job.cancel();
    const rec = await job.done;
    const other = { ...config(), seed: 9 };
    await expect(startRun(new FakeHost(), args({ config: other, resume: rec })).done).rejects.toThrow(/config differs/);
  });
});
