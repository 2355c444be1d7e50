/**
 * The config as URL query parameters: readable, compact, exact.
 *
 *   v=1&src=all-except-target&src=untrained&src=pixels&t=bus/malignancy&t=oct/disease+class
 *   &enc=conv4&res=84&mode=medimeta&n=5&k=1,5,10&q=10&ep=100&split=test
 *   &steps=60&tway=5&tshot=1&tq=5&lr=0.001&val=30&pat=5&tseeds=1&seed=0&backend=wasm
 *
 * - `src` (repeated, in row order): source keys (`task:<dataset>/<task>`, `dataset:<id>`, `domain:<name>`,
 *   `all-except-target`, `untrained`, `pixels`); `t` (repeated): `<dataset>/<task>`. Dataset ids hold no
 *   "/", so no escaping beyond the URL's own is needed.
 * - `n` = way, `k` = the K list (comma-separated), `q` = query, `ep` = episodes; `steps`, `tway`, `tshot`,
 *   `tq`, `lr`, `val`, `pat` (patience), `tseeds` (training repeats) = the training budget (`pat` and
 *   `tseeds` may be absent: links made before them mean 5 and 1); `v` = this format's version (1).
 *
 * `configFromQuery(configToQuery(c))` gives back `c` exactly (numbers through String/Number, strings
 * through URLSearchParams; the validator refuses strings that would not survive, e.g. lone surrogates).
 * Reading is strict: an unknown, repeated or malformed parameter is an error that names it, and the
 * result goes through `validateConfig`, whose errors are reported under the parameter's name too.
 */

import type { ValueError } from './checker';
import { getPath, setPath, type ConfigField } from './field';
import { FIELDS } from './fields';
import type { RunConfig } from './types';
import { codecOf, paramError, type UrlCodec } from './url-codecs';
import { validateConfig, type ConfigValidation } from './validate';

export const QUERY_VERSION = 1;
/** Longer query strings are refused before parsing. */
export const MAX_QUERY_LENGTH = 65_536;

const codec = (f: ConfigField): UrlCodec => f.codec ?? codecOf(f.rule);

export function configToQuery(c: RunConfig, table: readonly ConfigField[] = FIELDS): string {
  const q = new URLSearchParams();
  q.append('v', String(QUERY_VERSION));
  for (const f of table) for (const s of codec(f).write(getPath(c, f.path))) q.append(f.param, s);
  return q.toString();
}

/** The parameters by name, with errors for unknown ones and for repeats of a single-valued one. */
function readParams(
  params: URLSearchParams,
  table: readonly ConfigField[],
  errors: ValueError[],
): Map<string, string[]> {
  const known = new Set(['v', ...table.map((f) => f.param)]);
  const values = new Map<string, string[]>();
  for (const [name, value] of params) {
    if (!known.has(name)) {
      errors.push(paramError(name, `no such parameter (known: ${[...known].join(', ')})`, value));
      continue;
    }
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  }
  const repeated = new Set(table.filter((f) => codec(f).repeated).map((f) => f.param));
  for (const [name, list] of values) {
    if (list.length > 1 && !repeated.has(name)) errors.push(paramError(name, 'one value', `${list.length} values`));
  }
  return values;
}

/**
 * Reads a config from a query string (a leading "?" is allowed). Parameters that are absent take their
 * value from `base` when one is given (a short hand-written link over the page's defaults); without
 * `base` every parameter is required but those with an `absent` value (the validator fills them).
 */
export function configFromQuery(
  query: string,
  base?: RunConfig,
  table: readonly ConfigField[] = FIELDS,
): ConfigValidation {
  if (query.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      errors: [paramError('', `a query of at most ${MAX_QUERY_LENGTH} characters`, `${query.length} characters`)],
    };
  }
  const errors: ValueError[] = [];
  const values = readParams(new URLSearchParams(query.startsWith('?') ? query.slice(1) : query), table, errors);

  const version = values.get('v')?.[0];
  if (version !== undefined && version !== String(QUERY_VERSION))
    errors.push(paramError('v', `${QUERY_VERSION}`, version));
  if (version === undefined && !base) errors.push(paramError('v', `${QUERY_VERSION}`, undefined));

  const draft: Record<string, unknown> = base ? copyConfig(base) : {};
  for (const f of table) {
    const given = values.get(f.param);
    if (given) setPath(draft, f.path, codec(f).read(given, f.param, errors));
    else if (!base && f.absent === undefined) errors.push(paramError(f.param, 'a value', undefined));
  }

  if (errors.length > 0) return { ok: false, errors };
  const r = validateConfig(draft, table);
  if (r.ok) return r;
  return { ok: false, errors: r.errors.map((e) => toParamError(e, table)) };
}

function copyConfig(c: RunConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

/** `shots[2]` -> `k[2]`, `training.lr` -> `lr`, `sources[1].dataset` -> `src[1]`. */
function toParamError(e: ValueError, table: readonly ConfigField[]): ValueError {
  for (const { path: prefix, param } of table) {
    if (e.path === prefix || e.path.startsWith(`${prefix}[`) || e.path.startsWith(`${prefix}.`)) {
      const index = /^\[(\d+)\]/.exec(e.path.slice(prefix.length));
      const path = index ? `${param}[${index[1]}]` : param;
      const found = e.found.split(`${prefix}[`).join(`${param}[`);
      return { ...e, path, found, message: `URL parameter "${path}": expected ${e.expected}, found ${found}` };
    }
  }
  return { ...e, message: `URL parameters: ${e.message}` };
}
