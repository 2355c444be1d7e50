/**
 * What a share link carries: enough to show a run's matrix and say what produced it, not the run
 * itself (no per-episode values, no per-class accuracy, no timings; those go in the JSON file).
 */

import { parseTargetKey, targetKey } from '../config/keys';
import type { MethodChoice, RunConfig, TargetRef } from '../config/types';
import type { BootstrapValue } from '../results/training';
import { browserFromUserAgent, type RunBackend } from '../results/environment';
import type { DatasetRef, RunRecord } from '../results/types';

/** Mean and 95% CI half-width; NaN where undefined. */
export interface ShareMetric {
  mean: number;
  ci95: number;
}

export interface ShareCell {
  /** Source key of the row (one of `config.sources`). */
  source: string;
  /** One of `config.targets`. */
  target: TargetRef;
  /** One of `cellKs(config)`. */
  k: number;
  /** One of `config.methods`. */
  method: MethodChoice;
  episodes: number;
  accuracy: ShareMetric;
  auroc: ShareMetric;
}

/** The supervised row's whole-split score for one target and training repeat (on `config.evalSplit`). */
export interface ShareTest {
  /** One of `config.targets`. */
  target: TargetRef;
  repeat: number;
  /** Images scored. */
  n: number;
  accuracy: BootstrapValue;
  auroc: BootstrapValue;
}

export interface ShareEnvironment {
  backend: RunBackend;
  /** The GPU adapter's description (or vendor and architecture); null on the CPU backends. */
  adapter: string | null;
  softwareFallback: boolean;
  /** "Chrome 126". */
  browser: string;
  tfjsVersion: string;
}

export interface SharePayload {
  config: RunConfig;
  cells: ShareCell[];
  environment: ShareEnvironment;
  datasets: DatasetRef[];
  /** ISO 8601. */
  createdAt: string;
  /** The supervised row's test scores (absent when the run has none). */
  tests?: ShareTest[];
}

/** The record's supervised test scores, one per (target column, repeat), in record order. */
export function testsFromRecord(record: RunRecord): ShareTest[] {
  const columns = new Set(record.config.targets.map(targetKey));
  const out: ShareTest[] = [];
  for (const t of record.trainings ?? []) {
    const target = t.source === 'supervised' && t.test ? parseTargetKey(t.sourceTasks[0] ?? '') : undefined;
    if (!target || !t.test || !columns.has(targetKey(target))) continue;
    if (out.some((x) => x.repeat === t.repeat && targetKey(x.target) === targetKey(target))) continue;
    const v = (b: BootstrapValue): BootstrapValue => ({ value: b.value, lo: b.lo, hi: b.hi });
    out.push({ target, repeat: t.repeat, n: t.test.n, accuracy: v(t.test.accuracy), auroc: v(t.test.auroc) });
  }
  return out;
}

/** The share payload of a run record. */
export function sharePayloadFromRecord(record: RunRecord): SharePayload {
  const env = record.environment;
  const tests = testsFromRecord(record);
  const adapter = env.adapter
    ? env.adapter.description ||
      [env.adapter.vendor, env.adapter.architecture, env.adapter.device].filter(Boolean).join(' ')
    : null;
  return {
    config: record.config,
    cells: record.cells.map((c) => ({
      source: c.source,
      target: { ...c.target },
      k: c.k,
      method: c.method ?? 'protonet',
      episodes: c.episodes,
      accuracy: { mean: c.accuracy.mean, ci95: c.accuracy.ci95 },
      auroc: { mean: c.auroc.mean, ci95: c.auroc.ci95 },
    })),
    environment: {
      backend: env.backend,
      adapter: adapter === null ? null : adapter.slice(0, 200),
      softwareFallback: env.softwareFallback,
      browser: browserFromUserAgent(env.userAgent).slice(0, 64),
      tfjsVersion: env.tfjsVersion.slice(0, 32),
    },
    datasets: record.datasets.map((d) => ({ ...d })),
    createdAt: record.createdAt,
    ...(tests.length > 0 ? { tests } : {}),
  };
}
