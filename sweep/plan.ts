/**
 * The plan: every run of a sweep with its config, URL and name, after every check that can be made
 * without a browser (the sweep config, each run config, the catalog). Written to `<out>/plan.json`; the
 * Playwright spec makes one test per run from it.
 */

import {
  checkAgainstCatalog,
  fnv1a64,
  validateConfig,
  type BackendChoice,
  type Catalog,
  type ValueError,
} from '../src/core/config';
import type { DataInput } from './catalog';
import { expandGrid, validateSweepConfig, type PlannedRun, type SweepConfig, type SweepGrid } from './config';

export const PLAN_VERSION = 1;

export interface Plan {
  version: typeof PLAN_VERSION;
  name: string;
  /** The config file, as given. */
  configFile: string;
  /** Identity of the runs (ids and config hashes): shards of one sweep have the same. */
  planHash: string;
  backend: BackendChoice;
  allowFallback: boolean;
  demo: boolean;
  runs: PlannedRun[];
  /** The `--data` inputs, imported once per profile before the first run. */
  data: DataInput[];
  /** Dataset ids the runs expect in the store. */
  datasets: string[];
  /** Findings that do not stop the sweep (cells that will be skipped, warnings), deduplicated. */
  notes: string[];
}

/** Problems said before any browser starts: `<file>: <path>: <message>`. */
export class PlanError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PlanError';
  }
}

function valueErrors(file: string, errors: ValueError[]): string[] {
  return errors.map((e) => `${file}: ${e.path || '(the whole file)'}: expected ${e.expected}, found ${e.found}`);
}

/** Parse and validate a sweep config file's text. Throws PlanError. */
export function parseSweepConfig(file: string, text: string, backend?: BackendChoice): SweepConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PlanError([`${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const v = validateSweepConfig(doc, backend ? { backend } : {});
  if (!v.ok) throw new PlanError(valueErrors(file, v.errors));
  return v.config;
}

const GRID_OF: Record<string, keyof SweepGrid> = { targets: 'targets', sources: 'sources' };

/** `targets[2]` of a run -> `grid.targets[<the run's value>]`. */
function gridPath(run: PlannedRun, path: string): string {
  const m = /^(targets|sources)\[\d+\]/.exec(path);
  const axis = m ? GRID_OF[m[1] as string] : undefined;
  return axis ? `grid.${axis}[${run.at[axis]}]` : path || 'grid';
}

/** Expand the grid and check every run against the catalog. Throws PlanError with every problem. */
export function makePlan(
  sweep: SweepConfig,
  o: { configFile: string; catalog: Catalog; data: DataInput[]; allowFallback: boolean },
): Plan {
  let runs: PlannedRun[];
  try {
    runs = expandGrid(sweep);
  } catch (e) {
    throw new PlanError([`${o.configFile}: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const problems = new Set<string>();
  const notes = new Set<string>();
  for (const run of runs) {
    const v = validateConfig(run.config);
    if (!v.ok) {
      for (const e of v.errors) problems.add(`${o.configFile}: run ${run.id}: ${e.message}`);
      continue;
    }
    const check = checkAgainstCatalog(run.config, o.catalog);
    for (const i of check.issues) {
      const line = `${o.configFile}: ${gridPath(run, i.path)}: ${i.message}`;
      if (i.severity === 'error') problems.add(line);
      else notes.add(`${i.severity}: ${line.slice(o.configFile.length + 2)}`);
    }
    if (check.issues.every((i) => i.severity !== 'error') && check.cells.length === 0)
      problems.add(`${o.configFile}: run ${run.id}: no cell of its matrix can run (see the skips above)`);
  }
  if (problems.size > 0) {
    // What would be skipped often says why nothing can run.
    const context = [...notes].filter((n) => n.startsWith('skip')).slice(0, 10);
    throw new PlanError([...problems, ...context.map((n) => `${o.configFile}: (${n})`)]);
  }
  return {
    version: PLAN_VERSION,
    name: sweep.name,
    configFile: o.configFile,
    planHash: fnv1a64(runs.map((r) => `${r.id}:${r.configHash}`).join('\n')),
    backend: sweep.backend,
    allowFallback: o.allowFallback,
    demo: sweep.demo,
    runs,
    data: o.data,
    datasets: o.catalog.map((d) => d.id),
    notes: [...notes],
  };
}
