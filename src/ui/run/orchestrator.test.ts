import { describe, expect, it } from 'vitest';
import { checkAgainstCatalog, defaultConfig, fnv1a64, type RunConfig } from '../../core/config';
import { smallCatalog } from '../../core/config/test-catalog';
import type { RunRecord } from '../../core/results';
import { webgpuEnvironment } from '../../core/results/test-record';
import type { CellRequest, CellResult as EngineCell } from '../../engine/fewshot/cell';
import type { EncoderWeights } from '../../engine/fewshot/encoders/types';
import type { TrainRequest, TrainResult } from '../../engine/fewshot/train';
import { startRun, type RunHost } from './orchestrator';

const catalog = smallCatalog();

function config(): RunConfig {
  const c = defaultConfig('wasm', catalog);
  return { ...c, shots: [1, 5], episodes: 10, training: { ...c.training, steps: 3, valEvery: 0 } };
}

/** A deterministic fake engine: a cell's numbers are a hash of its request (weights included). */
class FakeHost implements RunHost {
  evaluated: string[] = [];
  trained: string[] = [];
  saved: RunRecord[] = [];
  /** Called before each evaluation; may throw or block. */
  beforeEval: (n: number) => Promise<void> = async () => undefined;
  trainGate: Promise<void> = Promise.resolve();

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

  async trainEncoder(req: TrainRequest): Promise<TrainResult> {
    await this.trainGate;
    const key = JSON.stringify(req.sources);
    this.trained.push(key);
    const weights: EncoderWeights = {
      format: 'protobench/encoder-weights',
      version: 1,
      config: req.encoder,
      tensors: [{ name: `${fnv1a64(key)}:${req.seed}`, shape: [1], values: new Float32Array(1) }],
    };
    return { weights, timings: { totalMs: 5 } } as unknown as TrainResult;
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

  it('refuses to resume a record under another config', async () => {
    const host = new FakeHost();
    const job = startRun(host, args());
    job.cancel();
    const rec = await job.done;
    const other = { ...config(), seed: 9 };
    await expect(startRun(new FakeHost(), args({ config: other, resume: rec })).done).rejects.toThrow(/config differs/);
  });
});
