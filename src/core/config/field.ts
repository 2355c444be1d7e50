/**
 * What one entry of the field table (`fields.ts`) says about a run-config field: where it lives, how the
 * URL, the form and the sweep file spell it, its default and its rule. Everything that reads or writes
 * config fields one by one (validate, query, form spec, sweep) walks a table of these.
 */

import type { EpisodeMode } from '../sampling/types';
import type { Checker } from './checker';
import { noDuplicates } from './part-checks';
import type { BackendChoice } from './types';
import type { UrlCodec } from './url-codecs';

/** The validator's rule for a field (the form's min/max and the URL codec follow from it). */
export type FieldRule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number; exclusiveMin: boolean }
  | { kind: 'oneOf'; options: readonly (string | number)[] }
  /** A list of distinct integers; `item` names one in errors ("a K not already listed"). */
  | { kind: 'intList'; min: number; max: number; maxItems: number; item: string }
  /** A list of distinct names, each one of `options` (the evaluation methods). */
  | { kind: 'nameList'; options: readonly string[]; maxItems: number; item: string }
  /** Structured values (sources, targets): checked by `check`, spelt in the URL by the field's `codec`. */
  | { kind: 'custom'; check: (c: Checker, v: unknown, path: string) => unknown };

/** How the run form shows a field (absent: not in the form, or drawn by hand as sources and targets are). */
export interface FieldForm {
  id: string;
  ariaLabel: string;
  /** Which row of inputs: the protocol, the training budget or the fine-tune settings. */
  group: 'run' | 'training' | 'finetune' | 'supervised';
  /** Width of a text input, in characters. */
  size?: number;
}

/** How a sweep file names a field: `key` is its path there (`grid.encoders`, `training.lr`, `evalSplit`). */
export interface FieldSweep {
  key: string;
  /** What a grid axis of it is a list of, in errors (default for integers: "integers in [min, max]"). */
  list?: string;
  /** Prefix of its value in a run's id (`r84`); absent: not in the id. */
  tag?: string;
  /** The axis may be left out when no mode of the grid uses the field; named so in the error. */
  optional?: string;
}

export interface ConfigField {
  /** Path in the config: `way`, `training.lr`. */
  path: string;
  /** URL query parameter. */
  param: string;
  rule: FieldRule;
  /** A rule across fields, after `rule` passed: `siblings` holds the fields of the same object checked so far. */
  refine?: (c: Checker, v: unknown, path: string, siblings: Readonly<Record<string, unknown>>) => unknown;
  /** Spelling in the URL when `rule` does not say it (structured fields). */
  codec?: UrlCodec;
  /** The form's label text. */
  label: string;
  form?: FieldForm;
  sweep?: FieldSweep;
  /** Default per backend (absent: computed elsewhere, as the targets are from the catalog). */
  defaults?: Readonly<Record<BackendChoice, unknown>>;
  /** Value when the field is absent (configs and URLs made before it existed); absent: the field is required. */
  absent?: unknown;
  /** Episode modes that use the field (absent: all); others ignore it. */
  modes?: readonly EpisodeMode[];
}

/** The same default on every backend. */
export function everywhere(v: unknown): Record<BackendChoice, unknown> {
  return { auto: v, wasm: v, cpu: v, webgl: v, webgpu: v };
}

/** Checks `v` by `rule`, recording errors at `path`. */
export function checkRule(c: Checker, rule: FieldRule, v: unknown, path: string): unknown {
  switch (rule.kind) {
    case 'int':
      return c.int(v, path, rule.min, rule.max);
    case 'number':
      return c.number(v, path, rule.min, rule.max, rule.exclusiveMin);
    case 'oneOf':
      return c.oneOf(v, path, rule.options);
    case 'intList': {
      const list = c.array(v, path, 1, rule.maxItems);
      const xs = list && c.items(list, path, (x, q) => c.int(x, q, rule.min, rule.max));
      return xs && noDuplicates(c, xs, path, String, rule.item) ? xs : undefined;
    }
    case 'nameList': {
      const list = c.array(v, path, 1, rule.maxItems);
      const xs = list && c.items(list, path, (x, q) => c.oneOf(x, q, rule.options));
      return xs && noDuplicates(c, xs, path, String, rule.item) ? xs : undefined;
    }
    case 'custom':
      return rule.check(c, v, path);
  }
}

/** The value at a dotted path (`training.lr`) of a plain object. */
export function getPath(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  return v;
}

/** Sets the value at a dotted path, making the objects on the way. */
export function setPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let obj = o;
  for (const k of keys.slice(0, -1)) {
    if (typeof obj[k] !== 'object' || obj[k] === null) obj[k] = {};
    obj = obj[k] as Record<string, unknown>;
  }
  obj[keys[keys.length - 1] as string] = value;
}
