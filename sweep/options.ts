/**
 * What the CLI hands to the Playwright side (config, spec, reporter) in one environment variable,
 * SWEEP_OPTIONS (JSON), and where the run files go.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../src/core/results';
import { recordFromJSON } from '../src/core/results';
import type { Plan } from './plan';

export interface SweepOptions {
  /** plan.json (absolute). */
  plan: string;
  /** The output folder (absolute). */
  out: string;
  resume: boolean;
  /** Browser profile folder (absolute). */
  profile: string;
  browser?: string;
  headed: boolean;
  chromiumArgs: string[];
  /** Share links point here instead of the local server. */
  linkBase?: string;
  port: number;
  /** The built app (absolute). */
  buildDir: string;
  /** Per-run limit. */
  timeoutMs: number;
  shard?: { current: number; total: number };
}

export const OPTIONS_ENV = 'SWEEP_OPTIONS';
/** Set by `--merge`: the reporter only merges (no plan, no live progress). */
export const MERGE_OUT_ENV = 'SWEEP_MERGE_OUT';

export function readOptions(): SweepOptions | undefined {
  const v = process.env[OPTIONS_ENV];
  return v ? (JSON.parse(v) as SweepOptions) : undefined;
}

export function readPlan(path: string): Plan {
  return JSON.parse(readFileSync(path, 'utf8')) as Plan;
}

export function runFile(out: string, id: string): string {
  return join(out, 'runs', `${id}.json`);
}

export function linkFile(out: string, id: string): string {
  return join(out, 'runs', `${id}.link.txt`);
}

/**
 * A finished run's result file, when it exists, parses, is done and was made from the config with
 * `configHash` (what --resume skips).
 */
export function finishedRun(
  out: string,
  id: string,
  configHash: string,
): { text: string; record: RunRecord; link: string } | undefined {
  const file = runFile(out, id);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const r = recordFromJSON(text);
  if (!r.ok || r.record.configHash !== configHash || r.record.status !== 'done') return undefined;
  const lf = linkFile(out, id);
  return { text, record: r.record, link: existsSync(lf) ? readFileSync(lf, 'utf8').trim() : '' };
}
