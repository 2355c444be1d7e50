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
  Checker,
  configHash,
  configToQuery,
  EVAL_SPLITS,
  FIELDS,
  checkFinetune,
  checkSupervised,
  checkTraining,
  fieldDefaults,
  getPath,
  setPath,
  type BackendChoice,
  type ConfigField,
  type EncoderChoice,
  type EvalSplit,
  type FinetuneSettings,
  type SupervisedSettings,
  type MethodChoice,
  type Resolution,
  type RunConfig,
  type SourceSpec,
  type TargetRef,
  type TrainingBudget,
  type ValueError,
} from '../src/core/config';
import type { EpisodeMode } from '../src/core/sampling/types';
import { checkAxis, gridAxes, idPart, usedBy } from './axes';

export interface SweepGrid {
  encoders: EncoderChoice[];
  resolutions: Resolution[];
  modes: EpisodeMode[];
  ways: number[];
  /** Each value: the K list of one run. */
  shots: number[][];
  queries: number[];
  episodes: number[];
  /** Each value: the methods of one run (absent in the file: ProtoNet alone). */
  methods: MethodChoice[][];
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
  finetune: FinetuneSettings;
  /** The supervised and mm-pt rows' training. */
  supervised: SupervisedSettings;
  evalSplit: EvalSplit;
}

const TOP_KEYS = ['grid'] as const;
const TOP_OPTIONAL = [
  'name',
  'backend',
  'demo',
  'training',
  'finetune',
  'supervised',
  'evalSplit',
  'description',
] as const;
/** Runs in one sweep, at most. */
export const MAX_RUNS = 10_000;

export type SweepValidation = { ok: true; config: SweepConfig } | { ok: false; errors: ValueError[] };

/** The grid object: one list per axis of the field table, each checked with the run config's rules. */
function checkGrid(c: Checker, v: unknown, table: readonly ConfigField[]): SweepGrid | undefined {
  const axes = gridAxes(table);
  const optional = axes
    .filter((a) => a.field.sweep?.optional !== undefined || a.field.absent !== undefined)
    .map((a) => a.name);
  const required = axes.map((a) => a.name).filter((n) => !optional.includes(n));
  const g = c.object(v, 'grid', required, optional);
  if (!g) return undefined;
  const grid: Record<string, unknown[]> = {};
  let ok = true;
  for (const a of axes) {
    const modes = grid.modes as EpisodeMode[] | undefined;
    const values = checkAxis(c, g, a, modes, table);
    if (values === undefined) ok = false;
    else grid[a.name] = values;
  }
  return ok ? (grid as unknown as SweepGrid) : undefined;
}

/** Checks a parsed sweep config file; every problem with its path. */
export function validateSweepConfig(
  v: unknown,
  opts: { backend?: BackendChoice } = {},
  table: readonly ConfigField[] = FIELDS,
): SweepValidation {
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
  // The file's `training` holds the training fields it does not sweep, under their config names.
  const trainingFields = table.filter((f) => f.sweep?.key === f.path && f.path.startsWith('training.'));
  const training =
    o.training === undefined
      ? backend
        ? (fieldDefaults(backend, trainingFields).training as TrainingBudget)
        : undefined
      : checkTraining(c, o.training, 'training', trainingFields);
  // `finetune`: the fine-tune method's settings, each key optional (absent: MedIMeta's values).
  const finetune = checkFinetune(c, o.finetune ?? {}, 'finetune', table);
  // `supervised`: the supervised and mm-pt rows' training, each key optional (absent: the defaults).
  const supervised = checkSupervised(c, o.supervised ?? {}, 'supervised', table);
  const grid = checkGrid(c, o.grid, table);
  if (!c.ok || !grid || !name || !backend || demo === undefined || !evalSplit || !training || !finetune || !supervised)
    return { ok: false, errors: c.errors };
  return { ok: true, config: { name, backend, demo, grid, training, finetune, supervised, evalSplit } };
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

/** The run config of one grid point (`at`: the index of each axis's value); fields no sweep key names take their defaults. */
function configAt(s: SweepConfig, at: Record<string, number>, table: readonly ConfigField[]): RunConfig {
  const grid = s.grid as unknown as Record<string, unknown[]>;
  const defaults = fieldDefaults(s.backend, table);
  const config: Record<string, unknown> = {};
  for (const f of table) {
    const key = f.sweep?.key;
    const value = !key
      ? getPath(defaults, f.path)
      : key.startsWith('grid.')
        ? grid[key.slice('grid.'.length)]?.[at[key.slice('grid.'.length)] as number]
        : getPath(s, key);
    setPath(config, f.path, structuredClone(value));
  }
  return config as unknown as RunConfig;
}

/**
 * The runs of a sweep, in a fixed order (the grid's axes nested as `gridAxes` lists them, the last
 * fastest). Axes the mode ignores are not expanded (their first value stands in the config), so no run is
 * repeated. Throws if the product exceeds MAX_RUNS.
 */
export function expandGrid(s: SweepConfig, table: readonly ConfigField[] = FIELDS): PlannedRun[] {
  const axes = gridAxes(table);
  const grid = s.grid as unknown as Record<string, unknown[]>;
  const runs: PlannedRun[] = [];
  const ids = new Set<string>();
  const visit = (depth: number, at: Record<string, number>): void => {
    const mode = grid.modes?.[at.modes ?? -1] as EpisodeMode | undefined;
    const a = axes[depth];
    if (a) {
      const n = usedBy(a.field, mode) ? (grid[a.name]?.length ?? 0) : 1;
      for (let i = 0; i < n; i++) visit(depth + 1, { ...at, [a.name]: i });
      return;
    }
    if (runs.length >= MAX_RUNS)
      throw new Error(`the grid has more than ${MAX_RUNS} runs: split it into several sweeps`);
    const config = configAt(s, at, table);
    const parts = axes.flatMap((x) => {
      const part = usedBy(x.field, mode) ? idPart(x, grid[x.name]?.[at[x.name] as number]) : undefined;
      return part === undefined ? [] : [part];
    });
    let id = parts.join('-');
    if (ids.has(id)) id = `${id}-${runs.length}`;
    ids.add(id);
    const query = configToQuery(config, table) + (s.demo ? '' : '&demo=off');
    const atGrid = at as Record<keyof SweepGrid, number>;
    runs.push({ index: runs.length, id, config, configHash: configHash(config), query, at: atGrid });
  };
  visit(0, {});
  return runs;
}
