/**
 * The grid axes of a sweep file, derived from the run config's field table: every field whose sweep key
 * is `grid.<name>` is an axis, checked item by item with the run config's own rules.
 */

import {
  Checker,
  CONFIG_LIMITS as L,
  FIELDS,
  checkRule,
  fieldDefaults,
  joinPath,
  parseSourceKey,
  parseTargetKey,
  sourceKey,
  targetKey,
  validateConfig,
  type ConfigField,
  type SourceSpec,
  type TargetRef,
} from '../src/core/config';
import type { EpisodeMode } from '../src/core/sampling/types';

export interface GridAxis {
  /** The key under `grid` (`encoders`). */
  name: string;
  field: ConfigField;
}

/** Rows and columns vary fastest (the last axes), so one encoder's runs stay together. */
const LAST_AXES = ['sources', 'targets'];

/** The axes in nesting order: table order, rows and columns last. */
export function gridAxes(table: readonly ConfigField[] = FIELDS): GridAxis[] {
  const axes = table.flatMap((field) =>
    field.sweep?.key.startsWith('grid.') ? [{ name: field.sweep.key.slice('grid.'.length), field }] : [],
  );
  const rank = (a: GridAxis): number => LAST_AXES.indexOf(a.field.path);
  return [...axes.filter((a) => rank(a) < 0), ...axes.filter((a) => rank(a) >= 0).sort((a, b) => rank(a) - rank(b))];
}

/** The axis is expanded for `mode` (else its first value stands in every run). */
export function usedBy(field: ConfigField, mode: EpisodeMode | undefined): boolean {
  return !field.modes || (mode !== undefined && field.modes.includes(mode));
}

/**
 * The items of `v` (a list), each read by `item`; a repeated item (same `key`) is an error at its index
 * that names the first one. Undefined when any item is bad.
 */
function distinct<T>(
  c: Checker,
  v: unknown[],
  path: string,
  item: (x: unknown, p: string) => T | undefined,
  key: (t: T) => string,
  repeated: { expected: string; found: (k: string, first: number) => string },
): T[] | undefined {
  const out: T[] = [];
  const seen = new Map<string, number>();
  let ok = true;
  v.forEach((x, i) => {
    const p = joinPath(path, i);
    const t = item(x, p);
    if (t === undefined) {
      ok = false;
      return;
    }
    const k = key(t);
    const first = seen.get(k);
    if (first !== undefined) {
      c.fail(p, repeated.expected, x, repeated.found(k, first));
      ok = false;
    } else seen.set(k, i);
    out.push(t);
  });
  return ok ? out : undefined;
}

function axis<T>(
  c: Checker,
  v: unknown,
  path: string,
  item: (x: unknown, p: string) => T | undefined,
  key: (t: T) => string,
  what: string,
): T[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return c.fail(path, `a non-empty list of ${what}`, v);
  return distinct(c, v, path, item, key, {
    expected: 'a value not already listed (each value is a run axis point)',
    found: (k, first) => `${k}, the same as ${path}[${first}]`,
  });
}

/** One item, or a non-empty list of distinct items (one run holds them all). */
function group<T>(
  c: Checker,
  v: unknown,
  path: string,
  item: (x: unknown, p: string) => T | undefined,
  key: (t: T) => string,
  what: string,
  max: number,
): T[] | undefined {
  if (!Array.isArray(v)) {
    const t = item(v, path);
    return t === undefined ? undefined : [t];
  }
  if (v.length === 0 || v.length > max) return c.fail(path, `${what}, or a list of 1..${max} of them`, v);
  return distinct(c, v, path, item, key, {
    expected: 'an item not already in this list',
    found: (k, first) => `${JSON.stringify(k)}, the same as ${path}[${first}]`,
  });
}

const SOURCE_TEXT =
  'a source key: "all-except-target", "untrained", "pixels", "dataset:<id>", "domain:<name>" or "task:<dataset>/<task>"';
const TARGET_TEXT = 'a target key "<dataset>/<task>"';

/** A valid run config whose fields are replaced one at a time to check a value with the run config's rules. */
function probe(table: readonly ConfigField[]): Record<string, unknown> {
  return { ...fieldDefaults('wasm', table), sources: [{ kind: 'untrained' }], targets: [{ dataset: 'd', task: 't' }] };
}

/** A key (`text` says which spelling) read by `parse`, its parts checked by the run config's rules as `field`. */
function keyItem<T>(
  c: Checker,
  table: readonly ConfigField[],
  text: string,
  parse: (s: string) => T | undefined,
  field: 'sources' | 'targets',
) {
  return (x: unknown, p: string): T | undefined => {
    if (typeof x !== 'string') return c.fail(p, text, x);
    const t = parse(x);
    if (!t) return c.fail(p, text, x);
    const v = validateConfig({ ...probe(table), [field]: [t] }, table);
    if (!v.ok) return c.fail(p, `${text} (${v.errors.map((e) => e.message).join('; ')})`, x);
    return t;
  };
}

/** How one value of an axis is read, and keyed to find repeats. */
interface AxisItem {
  item: (x: unknown, p: string) => unknown;
  key: (v: unknown) => string;
}

function axisItem(c: Checker, f: ConfigField, table: readonly ConfigField[]): AxisItem {
  const r = f.rule;
  if (f.path === 'sources') {
    const item = keyItem(c, table, SOURCE_TEXT, parseSourceKey, 'sources');
    return {
      item: (x, q) => group(c, x, q, item, sourceKey, SOURCE_TEXT, L.sources),
      key: (ss) => (ss as SourceSpec[]).map(sourceKey).join('\n'),
    };
  }
  if (f.path === 'targets') {
    const item = keyItem(c, table, TARGET_TEXT, parseTargetKey, 'targets');
    return {
      item: (x, q) => group(c, x, q, item, targetKey, TARGET_TEXT, L.targets),
      key: (ts) => (ts as TargetRef[]).map(targetKey).join('\n'),
    };
  }
  if (r.kind === 'intList') {
    const int = (x: unknown, q: string): number | undefined => c.int(x, q, r.min, r.max);
    const what = `an integer ${r.item} in [${r.min}, ${r.max}]`;
    return { item: (x, q) => group(c, x, q, int, String, what, r.maxItems), key: (ks) => (ks as number[]).join(',') };
  }
  if (r.kind === 'nameList') {
    const name = (x: unknown, q: string): string | undefined => c.oneOf(x, q, r.options);
    const what = `a ${r.item}: ${r.options.map((o) => JSON.stringify(o)).join(', ')}`;
    return { item: (x, q) => group(c, x, q, name, String, what, r.maxItems), key: (ms) => (ms as string[]).join(',') };
  }
  return { item: (x, q) => checkRule(c, r, x, q), key: String };
}

/** What a grid list of the field's values is, in errors. */
function listText(f: ConfigField): string {
  const r = f.rule;
  return f.sweep?.list ?? (r.kind === 'int' ? `integers in [${r.min}, ${r.max}]` : `values of ${f.path}`);
}

/** The values of axis `a` in grid object `g` (`modes`: the grid's modes, when they are valid). */
export function checkAxis(
  c: Checker,
  g: Record<string, unknown>,
  a: GridAxis,
  modes: readonly EpisodeMode[] | undefined,
  table: readonly ConfigField[],
): unknown[] | undefined {
  const path = joinPath('grid', a.name);
  const f = a.field;
  // A field older files cannot name (methods) takes its `absent` value, as in a run config.
  if (g[a.name] === undefined && f.absent !== undefined) return [structuredClone(f.absent)];
  if (g[a.name] === undefined && f.sweep?.optional !== undefined) {
    const needed = f.modes?.filter((m) => modes?.includes(m)) ?? [];
    if (needed.length === 0) return [structuredClone(f.defaults?.wasm)];
    const which = needed.map((m) => `"${m}"`).join(', ');
    return c.fail(path, `a non-empty list of ${f.sweep.optional}: ${which} is among the modes`, undefined);
  }
  const { item, key } = axisItem(c, f, table);
  return axis(c, g[a.name], path, item, key, listText(f));
}

/** The value of axis `a` in a run's id (`r84`), or undefined when the id leaves it out. */
export function idPart(a: GridAxis, value: unknown): string | undefined {
  const tag = a.field.sweep?.tag;
  if (tag === undefined) return undefined;
  // At its `absent` value the id leaves the axis out: ids of files made before it stay the same.
  if (a.field.absent !== undefined && JSON.stringify(value) === JSON.stringify(a.field.absent)) return undefined;
  if (a.field.path === 'sources') return `${tag}${slug((value as SourceSpec[]).map(sourceKey))}`;
  if (a.field.path === 'targets') return `${tag}${slug((value as TargetRef[]).map(targetKey))}`;
  return `${tag}${Array.isArray(value) ? value.join('_') : String(value)}`;
}

/** The keys, file-safe and joined with "+" when short enough; else a hash of them. */
function slug(keys: string[]): string {
  const joined = keys.map((k) => k.replace(/[^A-Za-z0-9_.-]+/g, '_')).join('+');
  return joined.length <= 48 ? joined : `h${fnv32(keys.join('\n'))}`;
}

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits (names only, not identity). */
function fnv32(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
