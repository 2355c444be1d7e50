/**
 * The sweep config: a JSON file that names a grid of run configs, checked before any browser starts.
 *
 *   {
 *     "name": "demo-small",
 *     "backend": "wasm",
 *     "demo": true,
 *     "grid": {
 *       "encoders": ["conv4", "resnet12"],
 *       "resolutions": [84],
 *       "modes": ["medimeta"],
 *       "ways": [5],
 *       "shots": [1, 5],
 *       "queries": [10],
 *       "episodes": [10],
 *       "seeds": [0, 1],
 *       "sources": [["all-except-target", "untrained"]],
 *       "targets": ["demo_oct/disease"]
 *     },
 *     "training": { "steps": 2, "way": 5, "shot": 1, "query": 5, "lr": 0.001, "valEvery": 0 },
 *     "evalSplit": "test"
 *   }
 *
 * Every grid field is a list of values and the sweep runs their cartesian product, one page run per
 * point. A value of `shots`, `sources` or `targets` is one item (a K, a source key, a target key) or a
 * list of them that one run holds together (K values of one run share its trained encoders; sources are
 * the rows and targets the columns of its matrix). Fields a mode ignores are not expanded for it (N
 * outside `fixed`; K and Q in `variable`), so no run is repeated.
 *
 * The checks here are pure: unknown keys, wrong types, empty lists and duplicates are errors with their
 * path (`grid.shots[2]`), what was expected and what was found. Catalog checks (unknown datasets or tasks)
 * are in `plan.ts`.
 */

import {
  BACKEND_CHOICES,
  BACKEND_PROFILES,
  Checker,
  CONFIG_LIMITS as L,
  configHash,
  configToQuery,
  ENCODER_CHOICES,
  EVAL_SPLITS,
  joinPath,
  parseSourceKey,
  parseTargetKey,
  RESOLUTIONS,
  sourceKey,
  targetKey,
  checkTraining,
  validateConfig,
  type BackendChoice,
  type EncoderChoice,
  type EvalSplit,
  type Resolution,
  type RunConfig,
  type SourceSpec,
  type TargetRef,
  type TrainingBudget,
  type ValueError,
} from '../src/core/config';
import { EPISODE_MODES, type EpisodeMode } from '../src/core/sampling/types';

export interface SweepGrid {
  encoders: EncoderChoice[];
  resolutions: Resolution[];
  modes: EpisodeMode[];
  ways: number[];
  /** Each value: the K list of one run. */
  shots: number[][];
  queries: number[];
  episodes: number[];
  seeds: number[];
  /** Each value: the rows of one run. */
  sources: SourceSpec[][];
  /** Each value: the columns of one run. */
  targets: TargetRef[][];
}

export interface SweepConfig {
  name: string;
  backend: BackendChoice;
  /** The synthetic demo datasets are in the store (written by the page on first load). */
  demo: boolean;
  grid: SweepGrid;
  training: TrainingBudget;
  evalSplit: EvalSplit;
}

const TOP_KEYS = ['grid'] as const;
const TOP_OPTIONAL = ['name', 'backend', 'demo', 'training', 'evalSplit', 'description'] as const;
const GRID_KEYS = [
  'encoders',
  'resolutions',
  'modes',
  'shots',
  'queries',
  'episodes',
  'seeds',
  'sources',
  'targets',
] as const;
const GRID_OPTIONAL = ['ways'] as const;
/** Runs in one sweep, at most. */
export const MAX_RUNS = 10_000;

export type SweepValidation = { ok: true; config: SweepConfig } | { ok: false; errors: ValueError[] };

/** A non-empty list without repeated values (by `key`): each item checked by `item`. */
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

function sourceItem(c: Checker, x: unknown, p: string): SourceSpec | undefined {
  if (typeof x !== 'string') return c.fail(p, SOURCE_TEXT, x);
  const s = parseSourceKey(x);
  if (!s) return c.fail(p, SOURCE_TEXT, x);
  // The run config's own rules (id length, characters) apply to the parts.
  const v = validateConfig({ ...PROBE, sources: [s] });
  if (!v.ok) return c.fail(p, `${SOURCE_TEXT} (${v.errors.map((e) => e.message).join('; ')})`, x);
  return s;
}

function targetItem(c: Checker, x: unknown, p: string): TargetRef | undefined {
  if (typeof x !== 'string') return c.fail(p, TARGET_TEXT, x);
  const t = parseTargetKey(x);
  if (!t) return c.fail(p, TARGET_TEXT, x);
  const v = validateConfig({ ...PROBE, targets: [t] });
  if (!v.ok) return c.fail(p, `${TARGET_TEXT} (${v.errors.map((e) => e.message).join('; ')})`, x);
  return t;
}

/** A valid run config whose fields are replaced one at a time to check a value with the run config's rules. */
const PROBE: RunConfig = {
  sources: [{ kind: 'untrained' }],
  targets: [{ dataset: 'd', task: 't' }],
  encoder: 'conv4',
  resolution: 84,
  mode: 'medimeta',
  way: 5,
  shots: [1],
  query: 10,
  episodes: 10,
  evalSplit: 'test',
  training: { steps: 0, way: 5, shot: 1, query: 5, lr: 0.001, valEvery: 0, patience: 5, seeds: 1 },
  seed: 0,
  backend: 'wasm',
};

/** Checks a parsed sweep config file; every problem with its path. */
export function validateSweepConfig(v: unknown, opts: { backend?: BackendChoice } = {}): SweepValidation {
  const c = new Checker();
  const o = c.object(v, '', TOP_KEYS, TOP_OPTIONAL);
  if (!o) return { ok: false, errors: c.errors };
  const name =
    o.name === undefined
      ? 'sweep'
      : c.string(o.name, 'name', {
          maxLength: 80,
          pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
          patternText: 'letters, digits, "_", "." and "-"',
        });
  if (o.description !== undefined) c.string(o.description, 'description', { minLength: 0, maxLength: 2000 });
  const fromFile = o.backend === undefined ? 'wasm' : c.oneOf(o.backend, 'backend', BACKEND_CHOICES);
  // --backend on the command line wins (and picks the default training budget when none is given).
  const backend = opts.backend ?? fromFile;
  const demo = o.demo === undefined ? true : c.boolean(o.demo, 'demo');
  const evalSplit = o.evalSplit === undefined ? 'test' : c.oneOf(o.evalSplit, 'evalSplit', EVAL_SPLITS);
  const training =
    o.training === undefined
      ? backend
        ? { ...BACKEND_PROFILES[backend].training }
        : undefined
      : checkTraining(c, o.training, 'training');

  const g = c.object(o.grid, 'grid', GRID_KEYS, GRID_OPTIONAL);
  let grid: SweepGrid | undefined;
  if (g) {
    const p = (k: string): string => joinPath('grid', k);
    const int = (min: number, max: number) => (x: unknown, q: string) => c.int(x, q, min, max);
    const encoders = axis(c, g.encoders, p('encoders'), (x, q) => c.oneOf(x, q, ENCODER_CHOICES), String, 'encoders');
    const resolutions = axis(
      c,
      g.resolutions,
      p('resolutions'),
      (x, q) => c.oneOf(x, q, RESOLUTIONS),
      String,
      'resolutions',
    );
    const modes = axis(c, g.modes, p('modes'), (x, q) => c.oneOf(x, q, EPISODE_MODES), String, 'episode modes');
    const ways =
      g.ways === undefined
        ? modes?.includes('fixed')
          ? c.fail(p('ways'), 'a non-empty list of N (classes per episode): "fixed" is among the modes', undefined)
          : [5]
        : axis(c, g.ways, p('ways'), int(L.minWay, L.maxWay), String, `integers in [${L.minWay}, ${L.maxWay}]`);
    const shots = axis(
      c,
      g.shots,
      p('shots'),
      (x, q) => group(c, x, q, int(1, L.maxShot), String, `an integer K in [1, ${L.maxShot}]`, L.shots),
      (ks) => ks.join(','),
      'K values (or K lists)',
    );
    const queries = axis(c, g.queries, p('queries'), int(1, L.maxQuery), String, `integers in [1, ${L.maxQuery}]`);
    const episodes = axis(
      c,
      g.episodes,
      p('episodes'),
      int(1, L.maxEpisodes),
      String,
      `integers in [1, ${L.maxEpisodes}]`,
    );
    const seeds = axis(c, g.seeds, p('seeds'), int(0, L.maxSeed), String, `integers in [0, ${L.maxSeed}]`);
    const sources = axis(
      c,
      g.sources,
      p('sources'),
      (x, q) => group(c, x, q, (y, r) => sourceItem(c, y, r), sourceKey, SOURCE_TEXT, L.sources),
      (ss) => ss.map(sourceKey).join('\n'),
      'source keys (or lists of them)',
    );
    const targets = axis(
      c,
      g.targets,
      p('targets'),
      (x, q) => group(c, x, q, (y, r) => targetItem(c, y, r), targetKey, TARGET_TEXT, L.targets),
      (ts) => ts.map(targetKey).join('\n'),
      'target keys (or lists of them)',
    );
    if (encoders && resolutions && modes && ways && shots && queries && episodes && seeds && sources && targets)
      grid = { encoders, resolutions, modes, ways, shots, queries, episodes, seeds, sources, targets };
  }
  if (!c.ok || !grid || !name || !backend || demo === undefined || !evalSplit || !training)
    return { ok: false, errors: c.errors };
  return { ok: true, config: { name, backend, demo, grid, training, evalSplit } };
}

/** One run of the sweep: a grid point, its run config and how the page is opened for it. */
export interface PlannedRun {
  /** Position in the plan (the order of the CSV and the summary). */
  index: number;
  /** A stable, file-safe name made from the grid point (`conv4-r84-medimeta-k1-q10-ep10-s0-…`). */
  id: string;
  config: RunConfig;
  configHash: string;
  /** The page's URL query: the full run config, plus `demo=off` when the sweep has no demo data. */
  query: string;
  /** Where in the grid: the index of each axis value (for error messages: `grid.targets[1]`). */
  at: Record<keyof SweepGrid, number>;
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

/**
 * The runs of a sweep, in a fixed order (the grid's axes nested as listed in `SweepGrid`, the last
 * fastest). Throws if the product exceeds MAX_RUNS.
 */
export function expandGrid(s: SweepConfig): PlannedRun[] {
  const g = s.grid;
  const runs: PlannedRun[] = [];
  const ids = new Set<string>();
  const ix = (xs: readonly unknown[]): number[] => xs.map((_, i) => i);
  for (const ei of ix(g.encoders))
    for (const ri of ix(g.resolutions))
      for (const mi of ix(g.modes)) {
        const mode = g.modes[mi] as EpisodeMode;
        // Axes the mode ignores are not expanded (their first value stands in the config).
        const wayIdx = mode === 'fixed' ? ix(g.ways) : [0];
        const shotIdx = mode === 'variable' ? [0] : ix(g.shots);
        const queryIdx = mode === 'variable' ? [0] : ix(g.queries);
        for (const wi of wayIdx)
          for (const ki of shotIdx)
            for (const qi of queryIdx)
              for (const pi of ix(g.episodes))
                for (const si of ix(g.seeds))
                  for (const oi of ix(g.sources))
                    for (const ti of ix(g.targets)) {
                      if (runs.length >= MAX_RUNS)
                        throw new Error(`the grid has more than ${MAX_RUNS} runs: split it into several sweeps`);
                      const config: RunConfig = {
                        sources: (g.sources[oi] as SourceSpec[]).map((x) => ({ ...x })),
                        targets: (g.targets[ti] as TargetRef[]).map((x) => ({ ...x })),
                        encoder: g.encoders[ei] as EncoderChoice,
                        resolution: g.resolutions[ri] as Resolution,
                        mode,
                        way: g.ways[wi] as number,
                        shots: (g.shots[ki] as number[]).slice(),
                        query: g.queries[qi] as number,
                        episodes: g.episodes[pi] as number,
                        evalSplit: s.evalSplit,
                        training: { ...s.training },
                        seed: g.seeds[si] as number,
                        backend: s.backend,
                      };
                      const parts = [config.encoder, `r${config.resolution}`, mode];
                      if (mode === 'fixed') parts.push(`n${config.way}`);
                      if (mode !== 'variable') parts.push(`k${config.shots.join('_')}`, `q${config.query}`);
                      parts.push(
                        `ep${config.episodes}`,
                        `s${config.seed}`,
                        `src-${slug(config.sources.map(sourceKey))}`,
                        `t-${slug(config.targets.map(targetKey))}`,
                      );
                      let id = parts.join('-');
                      if (ids.has(id)) id = `${id}-${runs.length}`;
                      ids.add(id);
                      const query = configToQuery(config) + (s.demo ? '' : '&demo=off');
                      runs.push({
                        index: runs.length,
                        id,
                        config,
                        configHash: configHash(config),
                        query,
                        at: {
                          encoders: ei,
                          resolutions: ri,
                          modes: mi,
                          ways: wi,
                          shots: ki,
                          queries: qi,
                          episodes: pi,
                          seeds: si,
                          sources: oi,
                          targets: ti,
                        },
                      });
                    }
      }
  return runs;
}
