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
import { describeFound } from './checker';
import { parseSourceKey, parseTargetKey, sourceKey, targetKey } from './keys';
import type { RunConfig, SourceSpec, TargetRef } from './types';
import { validateConfig, type ConfigValidation } from './validate';

export const QUERY_VERSION = 1;
/** Longer query strings are refused before parsing. */
export const MAX_QUERY_LENGTH = 65_536;

/** Parameter name of each config path prefix (errors of `validateConfig` are reported under these). */
const PARAM_OF: readonly [string, string][] = [
  ['sources', 'src'],
  ['targets', 't'],
  ['encoder', 'enc'],
  ['resolution', 'res'],
  ['mode', 'mode'],
  ['way', 'n'],
  ['shots', 'k'],
  ['query', 'q'],
  ['episodes', 'ep'],
  ['evalSplit', 'split'],
  ['training.steps', 'steps'],
  ['training.way', 'tway'],
  ['training.shot', 'tshot'],
  ['training.query', 'tq'],
  ['training.lr', 'lr'],
  ['training.valEvery', 'val'],
  ['training.patience', 'pat'],
  ['training.seeds', 'tseeds'],
  ['seed', 'seed'],
  ['backend', 'backend'],
];

const REPEATED = new Set(['src', 't']);
const KNOWN = new Set(['v', ...PARAM_OF.map(([, p]) => p)]);

export function configToQuery(c: RunConfig): string {
  const q = new URLSearchParams();
  q.append('v', String(QUERY_VERSION));
  for (const s of c.sources) q.append('src', sourceKey(s));
  for (const t of c.targets) q.append('t', targetKey(t));
  q.append('enc', c.encoder);
  q.append('res', String(c.resolution));
  q.append('mode', c.mode);
  q.append('n', String(c.way));
  q.append('k', c.shots.join(','));
  q.append('q', String(c.query));
  q.append('ep', String(c.episodes));
  q.append('split', c.evalSplit);
  q.append('steps', String(c.training.steps));
  q.append('tway', String(c.training.way));
  q.append('tshot', String(c.training.shot));
  q.append('tq', String(c.training.query));
  q.append('lr', String(c.training.lr));
  q.append('val', String(c.training.valEvery));
  q.append('pat', String(c.training.patience));
  q.append('tseeds', String(c.training.seeds));
  q.append('seed', String(c.seed));
  q.append('backend', c.backend);
  return q.toString();
}

const INT = /^(0|[1-9][0-9]{0,15})$/;
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$/;

function paramError(param: string, expected: string, found: unknown): ValueError {
  const f = describeFound(found);
  return { path: param, expected, found: f, message: `URL parameter "${param}": expected ${expected}, found ${f}` };
}

/**
 * Reads a config from a query string (a leading "?" is allowed). Parameters that are absent take their
 * value from `base` when one is given (a short hand-written link over the page's defaults); without
 * `base` every parameter is required.
 */
export function configFromQuery(query: string, base?: RunConfig): ConfigValidation {
  if (query.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      errors: [paramError('', `a query of at most ${MAX_QUERY_LENGTH} characters`, `${query.length} characters`)],
    };
  }
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const errors: ValueError[] = [];
  const values = new Map<string, string[]>();
  for (const [name, value] of params) {
    if (!KNOWN.has(name)) {
      errors.push(paramError(name, `no such parameter (known: ${[...KNOWN].join(', ')})`, value));
      continue;
    }
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  }
  for (const [name, list] of values) {
    if (list.length > 1 && !REPEATED.has(name)) errors.push(paramError(name, 'one value', `${list.length} values`));
  }
  const one = (name: string): string | undefined => values.get(name)?.[0];

  const version = one('v');
  if (version !== undefined && version !== String(QUERY_VERSION))
    errors.push(paramError('v', `${QUERY_VERSION}`, version));
  if (version === undefined && !base) errors.push(paramError('v', `${QUERY_VERSION}`, undefined));

  const draft: Record<string, unknown> = base ? copyConfig(base) : {};
  const training: Record<string, unknown> = base ? (draft.training as Record<string, unknown>) : {};
  draft.training = training;

  const int = (name: string): number | string | undefined => {
    const s = one(name);
    if (s === undefined) return undefined;
    return INT.test(s) ? Number(s) : s;
  };
  const set = (obj: Record<string, unknown>, key: string, name: string, value: unknown): void => {
    if (value !== undefined) obj[key] = value;
    else if (!base) errors.push(paramError(name, 'a value', undefined));
  };

  const src = values.get('src');
  if (src) {
    draft.sources = src.map((s, i): SourceSpec | string => {
      const spec = parseSourceKey(s);
      if (!spec)
        errors.push(
          paramError(
            `src[${i}]`,
            'task:<dataset>/<task>, dataset:<id>, domain:<name>, all-except-target, untrained or pixels',
            s,
          ),
        );
      return spec ?? s;
    });
  } else set(draft, 'sources', 'src', undefined);
  const t = values.get('t');
  if (t) {
    draft.targets = t.map((s, i): TargetRef | string => {
      const ref = parseTargetKey(s);
      if (!ref) errors.push(paramError(`t[${i}]`, '<dataset>/<task>', s));
      return ref ?? s;
    });
  } else set(draft, 'targets', 't', undefined);

  set(draft, 'encoder', 'enc', one('enc'));
  set(draft, 'resolution', 'res', int('res'));
  set(draft, 'mode', 'mode', one('mode'));
  set(draft, 'way', 'n', int('n'));
  const k = one('k');
  set(draft, 'shots', 'k', k === undefined ? undefined : k.split(',').map((x) => (INT.test(x) ? Number(x) : x)));
  set(draft, 'query', 'q', int('q'));
  set(draft, 'episodes', 'ep', int('ep'));
  set(draft, 'evalSplit', 'split', one('split'));
  set(training, 'steps', 'steps', int('steps'));
  set(training, 'way', 'tway', int('tway'));
  set(training, 'shot', 'tshot', int('tshot'));
  set(training, 'query', 'tq', int('tq'));
  const lr = one('lr');
  set(training, 'lr', 'lr', lr === undefined ? undefined : DECIMAL.test(lr) ? Number(lr) : lr);
  set(training, 'valEvery', 'val', int('val'));
  // Optional even without a base (links made before they existed): the validator fills the defaults.
  if (values.has('pat')) training.patience = int('pat');
  if (values.has('tseeds')) training.seeds = int('tseeds');
  set(draft, 'seed', 'seed', int('seed'));
  set(draft, 'backend', 'backend', one('backend'));

  if (errors.length > 0) return { ok: false, errors };
  const r = validateConfig(draft);
  if (r.ok) return r;
  return { ok: false, errors: r.errors.map(toParamError) };
}

function copyConfig(c: RunConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

/** `shots[2]` -> `k[2]`, `training.lr` -> `lr`, `sources[1].dataset` -> `src[1]`. */
function toParamError(e: ValueError): ValueError {
  for (const [prefix, param] of PARAM_OF) {
    if (e.path === prefix || e.path.startsWith(`${prefix}[`) || e.path.startsWith(`${prefix}.`)) {
      const index = /^\[(\d+)\]/.exec(e.path.slice(prefix.length));
      const path = index ? `${param}[${index[1]}]` : param;
      const found = e.found.split(`${prefix}[`).join(`${param}[`);
      return { ...e, path, found, message: `URL parameter "${path}": expected ${e.expected}, found ${found}` };
    }
  }
  return { ...e, message: `URL parameters: ${e.message}` };
}
