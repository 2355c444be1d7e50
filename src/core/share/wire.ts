/**
 * The share payload as bytes (what gets compressed): a small JSON header for the text, then the numbers
 * as binary columns, which DEFLATE packs far tighter than decimal text (a MedIMeta-sized matrix of 2106
 * cells goes from ~18 KB of link as JSON text to ~12 KB).
 *
 *   u32 BE header length | header (UTF-8 JSON) | body
 *
 *   header = { "c": configToQuery(config), "t": createdAt,
 *              "e": [backend, adapter | null, softwareFallback 0/1, browser, tfjsVersion],
 *              "d": [id, fingerprint, id, fingerprint, ...],
 *              "s": [target, repeat, n, acc, acc lo, acc hi, AUROC, AUROC lo, AUROC hi, ...] (optional: the
 *                   supervised row's whole-split scores, 9 integers each, values fixed point as below) }
 *   body   = presence bitmap | episodes (u32) | accuracy mean | accuracy ci95 | AUROC mean | AUROC ci95 (u16)
 *
 * - Row, method, column and K tables are the config's own lists: the grid has S x M x T x K slots, slot
 *   ((s * M + m) * T + t) * K + k (M = 1, ProtoNet alone, is the layout links had before methods), and the bitmap has one bit per slot (most significant bit first, unused bits 0).
 *   The columns then hold one entry per set bit, in slot order.
 * - Columns are byte planes: all most significant bytes first, then the next (high bytes of values that
 *   are mostly small compress to almost nothing).
 * - Metric values are fixed point: round(value * 1000), precision 0.001 (0.1 percentage points, the
 *   precision results are shown at); 0xFFFF is NaN. Means lie in [0, 1], CI half-widths in [0, 2].
 *
 * Unpacking trusts nothing: exact lengths, exact header keys, types, ranges, a config that validates.
 */

import { Checker, type ValueError } from '../config/checker';
import { sourceKey, targetKey } from '../config/keys';
import { configFromQuery, configToQuery, MAX_QUERY_LENGTH } from '../config/query';
import { cellKs } from '../config/spec';
import { checkDatasetId, validateConfig } from '../config/validate';
import { RUN_BACKENDS } from '../results/environment';
import type { BootstrapValue } from '../results/training';
import type { SharePayload, ShareCell, ShareMetric, ShareTest } from './payload';

export const VALUE_SCALE = 1000;
const NAN_CODE = 0xffff;

export const SHARE_LIMITS = {
  datasets: 256,
  fingerprint: 128,
  adapter: 200,
  browser: 64,
  tfjsVersion: 32,
  createdAt: 40,
  maxEpisodes: 1_000_000,
  /** Header bytes (the config query is the bulk). */
  header: 4 * MAX_QUERY_LENGTH,
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const FINGERPRINT = /^[\x21-\x7e]+$/;
const FINGERPRINT_RULE = {
  maxLength: SHARE_LIMITS.fingerprint,
  pattern: FINGERPRINT,
  patternText: 'printable ASCII, no spaces',
};
const DATE_RULE = { maxLength: SHARE_LIMITS.createdAt, pattern: ISO_DATE, patternText: 'ISO 8601' };
const HEADER_KEYS = ['c', 't', 'e', 'd'] as const;
const HEADER_OPTIONAL = ['s'] as const;
/** Integers per test score in the header's `s`. */
const TEST_FIELDS = 9;
/** Bytes per cell in the body: u32 episodes and four u16 values. */
const CELL_BYTES = 4 + 4 * 2;

function fixed(v: number, max: number, what: string): number {
  if (Number.isNaN(v)) return NAN_CODE;
  if (!Number.isFinite(v) || v < 0 || v > max)
    throw new Error(`${what} is ${v}, expected NaN or a number in [0, ${max}]`);
  return Math.round(v * VALUE_SCALE);
}

function unfixed(code: number): number {
  return code === NAN_CODE ? NaN : code / VALUE_SCALE;
}

/** Writes `values` (each < 256^width) as `width` byte planes, most significant first. */
function writePlanes(out: Uint8Array, at: number, values: readonly number[], width: number): number {
  const m = values.length;
  for (let b = 0; b < width; b++) {
    const shift = 8 * (width - 1 - b);
    for (let i = 0; i < m; i++) out[at + b * m + i] = Math.floor((values[i] as number) / 2 ** shift) & 0xff;
  }
  return at + width * m;
}

function readPlanes(bytes: Uint8Array, at: number, m: number, width: number): number[] {
  const out = new Array<number>(m).fill(0);
  for (let b = 0; b < width; b++)
    for (let i = 0; i < m; i++) out[i] = (out[i] as number) * 256 + (bytes[at + b * m + i] as number);
  return out;
}

/** Validates the environment, dataset and date fields (the rules unpacking applies). */
function checkMeta(c: Checker, p: Pick<SharePayload, 'environment' | 'datasets' | 'createdAt'>): void {
  c.oneOf(p.environment.backend, 'environment.backend', RUN_BACKENDS);
  if (p.environment.adapter !== null)
    c.string(p.environment.adapter, 'environment.adapter', { minLength: 0, maxLength: SHARE_LIMITS.adapter });
  c.boolean(p.environment.softwareFallback, 'environment.softwareFallback');
  c.string(p.environment.browser, 'environment.browser', { minLength: 0, maxLength: SHARE_LIMITS.browser });
  c.string(p.environment.tfjsVersion, 'environment.tfjsVersion', { minLength: 0, maxLength: SHARE_LIMITS.tfjsVersion });
  c.string(p.createdAt, 'createdAt', DATE_RULE);
  if (c.array(p.datasets, 'datasets', 0, SHARE_LIMITS.datasets)) {
    const seen = new Set<string>();
    p.datasets.forEach((d, i) => {
      const id = checkDatasetId(c, d.id, `datasets[${i}].id`);
      c.string(d.fingerprint, `datasets[${i}].fingerprint`, FINGERPRINT_RULE);
      if (id !== undefined && seen.has(id)) c.fail(`datasets[${i}].id`, 'a dataset not already listed', id);
      if (id !== undefined) seen.add(id);
    });
  }
}

function packTests(tests: ShareTest[], config: SharePayload['config'], cols: Map<string, number>): number[] {
  const seen = new Set<string>();
  return tests.flatMap((t, i) => {
    const ti = cols.get(targetKey(t.target));
    if (ti === undefined) throw new Error(`tests[${i}]: target "${targetKey(t.target)}" is not a column of the config`);
    if (!Number.isInteger(t.repeat) || t.repeat < 0 || t.repeat >= config.training.seeds)
      throw new Error(`tests[${i}]: repeat is ${t.repeat}, expected an integer in [0, ${config.training.seeds - 1}]`);
    if (!Number.isInteger(t.n) || t.n < 1 || t.n > SHARE_LIMITS.maxEpisodes)
      throw new Error(`tests[${i}]: n is ${t.n}, expected an integer in [1, ${SHARE_LIMITS.maxEpisodes}]`);
    if (seen.has(`${ti}|${t.repeat}`)) throw new Error(`tests[${i}]: a second score for that target and repeat`);
    seen.add(`${ti}|${t.repeat}`);
    const v = (b: BootstrapValue, what: string): number[] =>
      [b.value, b.lo, b.hi].map((x, j) => fixed(x, 1, `tests[${i}].${what}${['', ' lo', ' hi'][j]}`));
    return [ti, t.repeat, t.n, ...v(t.accuracy, 'accuracy'), ...v(t.auroc, 'auroc')];
  });
}

/** The header's `s`, checked: every entry in range, one per (target, repeat). */
function unpackTests(c: Checker, v: unknown, config: SharePayload['config']): ShareTest[] | undefined {
  const max = TEST_FIELDS * config.targets.length * config.training.seeds;
  const a = c.array(v, 's', TEST_FIELDS, max);
  if (!a) return undefined;
  if (a.length % TEST_FIELDS !== 0) return c.fail('s', `groups of ${TEST_FIELDS} integers`, a.length);
  const out: ShareTest[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < a.length; i += TEST_FIELDS) {
    const at = (j: number): string => `s[${i + j}]`;
    const ti = c.int(a[i], at(0), 0, config.targets.length - 1);
    const repeat = c.int(a[i + 1], at(1), 0, config.training.seeds - 1);
    const n = c.int(a[i + 2], at(2), 1, SHARE_LIMITS.maxEpisodes);
    const codes = [3, 4, 5, 6, 7, 8].map((j) => {
      const x = a[i + j];
      return x === NAN_CODE ? NAN_CODE : c.int(x, at(j), 0, VALUE_SCALE);
    });
    if (ti === undefined || repeat === undefined || n === undefined || codes.includes(undefined)) continue;
    if (seen.has(`${ti}|${repeat}`)) {
      c.fail(at(0), 'one score per target and repeat', `a second for target ${ti}, repeat ${repeat}`);
      continue;
    }
    seen.add(`${ti}|${repeat}`);
    const [av, al, ah, uv, ul, uh] = (codes as number[]).map(unfixed) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    out.push({
      target: { ...config.targets[ti]! },
      repeat,
      n,
      accuracy: { value: av, lo: al, hi: ah },
      auroc: { value: uv, lo: ul, hi: uh },
    });
  }
  return out;
}

/** The bytes of a payload; throws (naming the field) when the payload is not valid. */
export function pack(p: SharePayload): Uint8Array {
  const v = validateConfig(p.config);
  if (!v.ok) throw new Error(`config: ${v.errors.map((e) => e.message).join('; ')}`);
  const c = new Checker();
  checkMeta(c, p);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  const config = v.config;
  const rows = new Map(config.sources.map((s, i) => [sourceKey(s), i]));
  const cols = new Map(config.targets.map((t, i) => [targetKey(t), i]));
  const ks = cellKs(config);
  const kIndex = new Map(ks.map((k, i) => [k, i]));
  const methods = new Map<string, number>(config.methods.map((m, i) => [m, i]));
  const slots = rows.size * methods.size * cols.size * ks.length;
  const bySlot = new Map<number, ShareCell>();
  p.cells.forEach((cell, i) => {
    const r = rows.get(cell.source);
    const mi = methods.get(cell.method);
    if (mi === undefined) throw new Error(`cells[${i}]: method "${cell.method}" is not one of the config's`);
    const t = cols.get(targetKey(cell.target));
    const k = kIndex.get(cell.k);
    if (r === undefined) throw new Error(`cells[${i}]: source "${cell.source}" is not a row of the config`);
    if (t === undefined)
      throw new Error(`cells[${i}]: target "${targetKey(cell.target)}" is not a column of the config`);
    if (k === undefined) throw new Error(`cells[${i}]: K = ${cell.k} is not one of the config's (${ks.join(', ')})`);
    if (!Number.isInteger(cell.episodes) || cell.episodes < 1 || cell.episodes > SHARE_LIMITS.maxEpisodes)
      throw new Error(
        `cells[${i}]: episodes is ${cell.episodes}, expected an integer in [1, ${SHARE_LIMITS.maxEpisodes}]`,
      );
    const slot = ((r * methods.size + mi) * cols.size + t) * ks.length + k;
    if (bySlot.has(slot))
      throw new Error(
        `cells[${i}]: a second cell for ${JSON.stringify([cell.source, targetKey(cell.target), cell.k, cell.method])}`,
      );
    bySlot.set(slot, cell);
  });
  const order = [...bySlot.keys()].sort((a, b) => a - b);
  const cells = order.map((s) => bySlot.get(s)!);

  const header = new TextEncoder().encode(
    JSON.stringify({
      c: configToQuery(config),
      t: p.createdAt,
      e: [
        p.environment.backend,
        p.environment.adapter,
        p.environment.softwareFallback ? 1 : 0,
        p.environment.browser,
        p.environment.tfjsVersion,
      ],
      d: p.datasets.flatMap((d) => [d.id, d.fingerprint]),
      ...(p.tests && p.tests.length > 0 ? { s: packTests(p.tests, config, cols) } : {}),
    }),
  );
  const bitmapBytes = Math.ceil(slots / 8);
  const out = new Uint8Array(4 + header.length + bitmapBytes + cells.length * CELL_BYTES);
  new DataView(out.buffer).setUint32(0, header.length);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const s of order) out[at + (s >> 3)] = (out[at + (s >> 3)] as number) | (0x80 >> (s & 7));
  at += bitmapBytes;
  at = writePlanes(
    out,
    at,
    cells.map((x) => x.episodes),
    4,
  );
  at = writePlanes(
    out,
    at,
    cells.map((x) => fixed(x.accuracy.mean, 1, 'accuracy mean')),
    2,
  );
  at = writePlanes(
    out,
    at,
    cells.map((x) => fixed(x.accuracy.ci95, 2, 'accuracy ci95')),
    2,
  );
  at = writePlanes(
    out,
    at,
    cells.map((x) => fixed(x.auroc.mean, 1, 'AUROC mean')),
    2,
  );
  writePlanes(
    out,
    at,
    cells.map((x) => fixed(x.auroc.ci95, 2, 'AUROC ci95')),
    2,
  );
  return out;
}

export type UnpackResult =
  | { ok: true; payload: SharePayload }
  | { ok: false; code: 'truncated' | 'bad-text' | 'bad-json' | 'bad-content'; errors: ValueError[] };

function problem(code: 'truncated' | 'bad-text' | 'bad-json' | 'bad-content', message: string): UnpackResult {
  return { ok: false, code, errors: [{ path: '', expected: '', found: '', message }] };
}

/** A payload from the bytes, or every problem found; nothing partial. */
export function unpack(bytes: Uint8Array): UnpackResult {
  if (bytes.length < 4) return problem('truncated', `${bytes.length} bytes, too short for a header`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  if (headerLength > SHARE_LIMITS.header || 4 + headerLength > bytes.length)
    return problem(
      'truncated',
      `a header of ${headerLength} bytes does not fit in ${bytes.length} bytes (limit ${SHARE_LIMITS.header})`,
    );
  let doc: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + headerLength));
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return problem('bad-json', `the header is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  } catch {
    return problem('bad-text', 'the header is not UTF-8 text');
  }

  const c = new Checker();
  const o = c.object(doc, '', HEADER_KEYS, HEADER_OPTIONAL);
  if (!o) return { ok: false, code: 'bad-content', errors: c.errors };
  const q = c.string(o.c, 'c', { maxLength: MAX_QUERY_LENGTH });
  let config;
  if (q !== undefined) {
    const r = configFromQuery(q);
    if (r.ok) config = r.config;
    else for (const e of r.errors) c.fail(`config ${e.path}`, e.expected, undefined, e.found);
  }
  const createdAt = c.string(o.t, 't', DATE_RULE);

  let environment: SharePayload['environment'] | undefined;
  const e = c.array(o.e, 'e', 5, 5);
  if (e) {
    const backend = c.oneOf(e[0], 'e[0]', RUN_BACKENDS);
    const adapter = e[1] === null ? null : c.string(e[1], 'e[1]', { minLength: 0, maxLength: SHARE_LIMITS.adapter });
    const fallback = c.oneOf(e[2], 'e[2]', [0, 1]);
    const browser = c.string(e[3], 'e[3]', { minLength: 0, maxLength: SHARE_LIMITS.browser });
    const tfjsVersion = c.string(e[4], 'e[4]', { minLength: 0, maxLength: SHARE_LIMITS.tfjsVersion });
    if (
      backend !== undefined &&
      adapter !== undefined &&
      fallback !== undefined &&
      browser !== undefined &&
      tfjsVersion !== undefined
    )
      environment = { backend, adapter, softwareFallback: fallback === 1, browser, tfjsVersion };
  }

  let datasets: SharePayload['datasets'] | undefined;
  const d = c.array(o.d, 'd', 0, 2 * SHARE_LIMITS.datasets);
  if (d && d.length % 2 !== 0) c.fail('d', 'pairs of dataset id and fingerprint', d);
  else if (d) {
    const list: SharePayload['datasets'] = [];
    const seen = new Set<string>();
    for (let i = 0; i < d.length; i += 2) {
      const id = checkDatasetId(c, d[i], `d[${i}]`);
      const fingerprint = c.string(d[i + 1], `d[${i + 1}]`, FINGERPRINT_RULE);
      if (id !== undefined && seen.has(id)) c.fail(`d[${i}]`, 'a dataset not already listed', id);
      if (id !== undefined && fingerprint !== undefined) {
        seen.add(id);
        list.push({ id, fingerprint });
      }
    }
    datasets = list;
  }
  if (!c.ok || !config || createdAt === undefined || !environment || !datasets)
    return { ok: false, code: 'bad-content', errors: c.errors };

  // Body: its length follows from the config and the bitmap.
  const ks = cellKs(config);
  const T = config.targets.length;
  const M = config.methods.length;
  const slots = config.sources.length * M * T * ks.length;
  const bitmapBytes = Math.ceil(slots / 8);
  let at = 4 + headerLength;
  if (bytes.length < at + bitmapBytes)
    return problem('truncated', `the body ends inside the cell bitmap (${bytes.length} bytes)`);
  const present: number[] = [];
  for (let s = 0; s < bitmapBytes * 8; s++) {
    if (((bytes[at + (s >> 3)] as number) & (0x80 >> (s & 7))) === 0) continue;
    if (s >= slots) return problem('bad-content', `the cell bitmap sets slot ${s}, beyond the ${slots} of the grid`);
    present.push(s);
  }
  at += bitmapBytes;
  const m = present.length;
  const expected = at + m * CELL_BYTES;
  if (bytes.length !== expected)
    return problem(
      bytes.length < expected ? 'truncated' : 'bad-content',
      `the body holds ${bytes.length} bytes, ${m} cells need exactly ${expected}`,
    );
  const episodes = readPlanes(bytes, at, m, 4);
  at += 4 * m;
  const columns = [0, 1, 2, 3].map((i) => readPlanes(bytes, at + 2 * m * i, m, 2));
  const metric = (mean: number, ci: number, what: string, i: number): ShareMetric | undefined => {
    if (mean !== NAN_CODE && mean > VALUE_SCALE)
      return c.fail(`cells[${i}].${what}.mean`, `a code in [0, ${VALUE_SCALE}] or NaN`, mean);
    if (ci !== NAN_CODE && ci > 2 * VALUE_SCALE)
      return c.fail(`cells[${i}].${what}.ci95`, `a code in [0, ${2 * VALUE_SCALE}] or NaN`, ci);
    return { mean: unfixed(mean), ci95: unfixed(ci) };
  };
  const cells: ShareCell[] = [];
  present.forEach((slot, i) => {
    const n = c.int(episodes[i], `cells[${i}].episodes`, 1, SHARE_LIMITS.maxEpisodes);
    const accuracy = metric(columns[0]![i]!, columns[1]![i]!, 'accuracy', i);
    const auroc = metric(columns[2]![i]!, columns[3]![i]!, 'auroc', i);
    if (n === undefined || !accuracy || !auroc) return;
    const ki = slot % ks.length;
    const ti = Math.floor(slot / ks.length) % T;
    const mi = Math.floor(slot / ks.length / T) % M;
    const si = Math.floor(slot / ks.length / T / M);
    cells.push({
      source: sourceKey(config.sources[si]!),
      target: { ...config.targets[ti]! },
      k: ks[ki]!,
      method: config.methods[mi]!,
      episodes: n,
      accuracy,
      auroc,
    });
  });
  const tests = o.s === undefined ? undefined : unpackTests(c, o.s, config);
  if (!c.ok) return { ok: false, code: 'bad-content', errors: c.errors };
  return { ok: true, payload: { config, cells, environment, datasets, createdAt, ...(tests ? { tests } : {}) } };
}
