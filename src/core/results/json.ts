/**
 * JSON export and import of a whole run record. The file is the record plus a `format` tag; NaN (and
 * any non-finite number) is written as null and read back as NaN. Per-episode values are optional
 * (`perEpisode: false` leaves them out: a full MedIMeta run holds about 400k of them).
 *
 * Reading validates everything (a file is outside data): unknown keys, wrong types, bad numbers and a
 * config hash that does not match the config are errors with their path; nothing partial comes back.
 */

import { Checker, joinPath, type ValueError } from '../config/checker';
import { configHash } from '../config/hash';
import { METHOD_CHOICES } from '../config/types';
import { resultKey } from './record';
import { checkConfig, checkDatasetId, checkTarget } from '../config/validate';
import { checkEnvironment } from './environment';
import { checkTrainingRecord } from './training';
import {
  RUN_RECORD_VERSION,
  RUN_STATUSES,
  CI_KINDS,
  type CellRepeat,
  type CellResult,
  type CellTimings,
  type MetricSummary,
  type PerClassAccuracy,
  type RunRecord,
  type RunTimings,
} from './types';

export const RUN_RECORD_FORMAT = 'protobench/run-record';
/** Larger files are refused before parsing. */
export const MAX_RECORD_JSON_LENGTH = 128 * 1024 * 1024;
const MAX_CELLS = 100_000;
const MAX_EPISODES_KEPT = 100_000;

export function recordToJSON(record: RunRecord, opts: { perEpisode?: boolean; indent?: number } = {}): string {
  const keep = opts.perEpisode ?? true;
  const out = {
    format: RUN_RECORD_FORMAT,
    ...record,
    cells: record.cells.map((c) => {
      if (keep || !c.perEpisode) return c;
      const copy = { ...c };
      delete copy.perEpisode;
      return copy;
    }),
  };
  return JSON.stringify(
    out,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    opts.indent,
  );
}

export type RecordParse = { ok: true; record: RunRecord } | { ok: false; errors: ValueError[] };

/** A number, or null for NaN. */
function num(
  c: Checker,
  v: unknown,
  path: string,
  min = -Number.MAX_VALUE,
  max = Number.MAX_VALUE,
): number | undefined {
  if (v === null) return NaN;
  return c.number(v, path, min, max);
}

function metric(c: Checker, v: unknown, path: string): MetricSummary | undefined {
  const o = c.object(v, path, ['mean', 'ci95', 'std']);
  if (!o) return undefined;
  const mean = num(c, o.mean, joinPath(path, 'mean'), 0, 1);
  const ci95 = num(c, o.ci95, joinPath(path, 'ci95'), 0);
  const std = num(c, o.std, joinPath(path, 'std'), 0);
  return mean !== undefined && ci95 !== undefined && std !== undefined ? { mean, ci95, std } : undefined;
}

const CELL_TIMING_KEYS = ['loadMs', 'compileMs', 'warmupMs', 'embedMs', 'episodesMs'] as const;
const RUN_TIMING_KEYS = ['loadMs', 'trainMs', 'compileMs', 'warmupMs', 'embedMs', 'episodesMs', 'totalMs'] as const;

function timings<K extends string>(
  c: Checker,
  v: unknown,
  path: string,
  keys: readonly K[],
): Record<K, number> | undefined {
  const o = c.object(v, path, keys);
  if (!o) return undefined;
  const out = {} as Record<K, number>;
  let ok = true;
  for (const k of keys) {
    const t = c.number(o[k], joinPath(path, k), 0, Number.MAX_VALUE);
    if (t === undefined) ok = false;
    else out[k] = t;
  }
  return ok ? out : undefined;
}

function values(c: Checker, v: unknown, path: string): number[] | undefined {
  const arr = c.array(v, path, 0, MAX_EPISODES_KEPT);
  return arr && c.items(arr, path, (x, q) => num(c, x, q, 0, 1));
}

function cellRepeats(c: Checker, v: unknown, path: string): CellRepeat[] | undefined {
  const arr = c.array(v, path, 1, 1000);
  return (
    arr &&
    c.items(arr, path, (x, q): CellRepeat | undefined => {
      const e = c.object(x, q, ['seed', 'accuracy', 'auroc'], ['weightsKey']);
      const seed = e && c.int(e.seed, joinPath(q, 'seed'), 0, 0xffffffff);
      const acc = e && num(c, e.accuracy, joinPath(q, 'accuracy'), 0, 1);
      const au = e && num(c, e.auroc, joinPath(q, 'auroc'), 0, 1);
      const key =
        e?.weightsKey === undefined ? undefined : c.string(e.weightsKey, joinPath(q, 'weightsKey'), { maxLength: 256 });
      if (seed === undefined || acc === undefined || au === undefined) return undefined;
      return { seed, accuracy: acc, auroc: au, ...(key !== undefined ? { weightsKey: key } : {}) };
    })
  );
}

function cell(c: Checker, v: unknown, path: string): CellResult | undefined {
  const o = c.object(
    v,
    path,
    ['source', 'target', 'k', 'n', 'q', 'episodes', 'accuracy', 'auroc', 'perClassAccuracy', 'chance', 'timings'],
    ['method', 'perEpisode', 'trainedWeights', 'repeats', 'ciKind'],
  );
  if (!o) return undefined;
  const p = (k: string): string => joinPath(path, k);
  const n0 = c.errors.length;
  const source = c.string(o.source, p('source'), { maxLength: 512 });
  const target = checkTarget(c, o.target, p('target'));
  const k = c.int(o.k, p('k'), 0, 10_000);
  const n = c.int(o.n, p('n'), 0, 10_000);
  const q = c.int(o.q, p('q'), 0, 10_000);
  const episodes = c.int(o.episodes, p('episodes'), 0, 1_000_000);
  const accuracy = metric(c, o.accuracy, p('accuracy'));
  const auroc = metric(c, o.auroc, p('auroc'));
  const list = c.array(o.perClassAccuracy, p('perClassAccuracy'), 0, 10_000);
  const perClassAccuracy =
    list &&
    c.items(list, p('perClassAccuracy'), (x, qp): PerClassAccuracy | undefined => {
      const e = c.object(x, qp, ['value', 'name', 'accuracy']);
      const value = e && c.int(e.value, joinPath(qp, 'value'), -(2 ** 31), 2 ** 31 - 1);
      const name = e && c.string(e.name, joinPath(qp, 'name'), { minLength: 0, maxLength: 512, allowControl: true });
      const acc = e && num(c, e.accuracy, joinPath(qp, 'accuracy'), 0, 1);
      return value !== undefined && name !== undefined && acc !== undefined
        ? { value, name, accuracy: acc }
        : undefined;
    });
  const chance = num(c, o.chance, p('chance'), 0, 1);
  const t = timings(c, o.timings, p('timings'), CELL_TIMING_KEYS);
  let perEpisode: CellResult['perEpisode'];
  if (o.perEpisode !== undefined) {
    const e = c.object(o.perEpisode, p('perEpisode'), ['accuracy', 'auroc']);
    const a = e && values(c, e.accuracy, joinPath(p('perEpisode'), 'accuracy'));
    const u = e && values(c, e.auroc, joinPath(p('perEpisode'), 'auroc'));
    if (a && u) perEpisode = { accuracy: a, auroc: u };
  }
  let trainedWeights: CellResult['trainedWeights'];
  if (o.trainedWeights !== undefined) {
    const w = c.object(o.trainedWeights, p('trainedWeights'), ['key', 'reused']);
    const key = w && c.string(w.key, joinPath(p('trainedWeights'), 'key'), { maxLength: 256 });
    const reused = w && c.boolean(w.reused, joinPath(p('trainedWeights'), 'reused'));
    if (key !== undefined && reused !== undefined) trainedWeights = { key, reused };
  }
  const repeats = o.repeats === undefined ? undefined : cellRepeats(c, o.repeats, p('repeats'));
  const ciKind = o.ciKind === undefined ? undefined : c.oneOf(o.ciKind, p('ciKind'), CI_KINDS);
  const method = o.method === undefined ? undefined : c.oneOf(o.method, p('method'), METHOD_CHOICES);
  if (
    c.errors.length > n0 ||
    source === undefined ||
    !target ||
    k === undefined ||
    n === undefined ||
    q === undefined ||
    episodes === undefined ||
    !accuracy ||
    !auroc ||
    !perClassAccuracy ||
    chance === undefined ||
    !t
  )
    return undefined;
  const out: CellResult = {
    source,
    target,
    k,
    ...(method ? { method } : {}),
    n,
    q,
    episodes,
    accuracy,
    auroc,
    perClassAccuracy,
    chance,
    timings: t as CellTimings,
  };
  if (perEpisode) out.perEpisode = perEpisode;
  if (trainedWeights) out.trainedWeights = trainedWeights;
  if (repeats) out.repeats = repeats;
  if (ciKind) out.ciKind = ciKind;
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function recordFromJSON(text: string): RecordParse {
  const c = new Checker();
  if (text.length > MAX_RECORD_JSON_LENGTH) {
    c.fail('', `a file of at most ${MAX_RECORD_JSON_LENGTH} characters`, undefined, `${text.length} characters`);
    return { ok: false, errors: c.errors };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    c.fail('', 'JSON', undefined, `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
    return { ok: false, errors: c.errors };
  }
  const o = c.object(
    doc,
    '',
    [
      'format',
      'version',
      'id',
      'createdAt',
      'config',
      'configHash',
      'environment',
      'datasets',
      'cells',
      'timings',
      'status',
    ],
    ['error', 'trainings'],
  );
  if (!o) return { ok: false, errors: c.errors };
  c.oneOf(o.format, 'format', [RUN_RECORD_FORMAT]);
  c.oneOf(o.version, 'version', [RUN_RECORD_VERSION]);
  const id = c.string(o.id, 'id', { maxLength: 128 });
  const createdAt = c.string(o.createdAt, 'createdAt', { maxLength: 40, pattern: ISO_DATE, patternText: 'ISO 8601' });
  const config = checkConfig(c, o.config, 'config');
  const hash = c.string(o.configHash, 'configHash', {
    maxLength: 16,
    minLength: 16,
    pattern: /^[0-9a-f]{16}$/,
    patternText: '16 hex digits',
  });
  if (config && hash !== undefined && hash !== configHash(config)) {
    c.fail('configHash', `the hash of the config, ${configHash(config)}`, hash);
  }
  const environment = checkEnvironment(c, o.environment, 'environment');
  const dlist = c.array(o.datasets, 'datasets', 0, 10_000);
  const datasets =
    dlist &&
    c.items(dlist, 'datasets', (x, p) => {
      const d = c.object(x, p, ['id', 'fingerprint']);
      const did = d && checkDatasetId(c, d.id, joinPath(p, 'id'));
      const fp = d && c.string(d.fingerprint, joinPath(p, 'fingerprint'), { maxLength: 128 });
      return did !== undefined && fp !== undefined ? { id: did, fingerprint: fp } : undefined;
    });
  const clist = c.array(o.cells, 'cells', 0, MAX_CELLS);
  const cells = clist && c.items(clist, 'cells', (x, p) => cell(c, x, p));
  if (cells) {
    const seen = new Set<string>();
    cells.forEach((x, i) => {
      const key = resultKey(x);
      if (seen.has(key)) c.fail(`cells[${i}]`, 'a cell not already listed', key);
      seen.add(key);
    });
  }
  const tlist = o.trainings === undefined ? undefined : c.array(o.trainings, 'trainings', 0, MAX_CELLS);
  const trainings = tlist && c.items(tlist, 'trainings', (x, p) => checkTrainingRecord(c, x, p));
  const t = timings(c, o.timings, 'timings', RUN_TIMING_KEYS) as RunTimings | undefined;
  const status = c.oneOf(o.status, 'status', RUN_STATUSES);
  const error =
    o.error === undefined
      ? undefined
      : c.string(o.error, 'error', { minLength: 0, maxLength: 10_000, allowControl: true });
  if (
    !c.ok ||
    id === undefined ||
    createdAt === undefined ||
    !config ||
    hash === undefined ||
    !environment ||
    !datasets ||
    !cells ||
    !t ||
    !status
  )
    return { ok: false, errors: c.errors };
  const record: RunRecord = {
    version: RUN_RECORD_VERSION,
    id,
    createdAt,
    config,
    configHash: hash,
    environment,
    datasets,
    cells,
    timings: t,
    status,
  };
  if (error !== undefined) record.error = error;
  if (trainings) record.trainings = trainings;
  return { ok: true, record };
}
