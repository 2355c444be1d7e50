/**
 * `validateConfig`: any value in, a RunConfig or every problem out. Unknown keys, missing keys, wrong
 * types, out-of-range numbers, duplicate rows, columns or K values are all errors with their path.
 * The rules are the field table's (`fields.ts`), walked in its order.
 */

import { Checker, joinPath, type ValueError } from './checker';
import { checkRule, type ConfigField } from './field';
import { FIELDS } from './fields';
import type { FinetuneSettings, RunConfig, SupervisedSettings, TrainingBudget } from './types';

export { checkDatasetId, checkSource, checkTarget, checkTaskName } from './part-checks';

export type ConfigError = ValueError;

export type ConfigValidation = { ok: true; config: RunConfig } | { ok: false; errors: ConfigError[] };

/** The first key of each field's path below `depth`, in table order, each once. */
function keysAt(fields: readonly ConfigField[], depth: number): string[] {
  return [...new Set(fields.map((f) => f.path.split('.')[depth] as string))];
}

/**
 * The object at `path` holding `fields` (their paths below `depth`): its keys must be exactly theirs
 * (those with an `absent` value may be missing), each checked by its rule; nested paths are objects.
 */
function checkGroup(
  c: Checker,
  v: unknown,
  path: string,
  fields: readonly ConfigField[],
  depth: number,
): Record<string, unknown> | undefined {
  const keys = keysAt(fields, depth);
  const leaf = (k: string): ConfigField | undefined =>
    fields.find((f) => f.path.split('.').length === depth + 1 && f.path.split('.')[depth] === k);
  const below = (k: string): ConfigField[] => fields.filter((g) => g.path.split('.')[depth] === k);
  // A field with an `absent` value, or a group all of whose fields have one, may be missing (older configs).
  const optional = keys.filter((k) => {
    const f = leaf(k);
    return f ? f.absent !== undefined : below(k).every((g) => g.absent !== undefined);
  });
  const o = c.object(
    v,
    path,
    keys.filter((k) => !optional.includes(k)),
    optional,
  );
  if (!o) return undefined;
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const k of keys) {
    const p = joinPath(path, k);
    const f = leaf(k);
    let value: unknown;
    if (!f) value = checkGroup(c, o[k] === undefined && optional.includes(k) ? {} : o[k], p, below(k), depth + 1);
    else if (o[k] === undefined && f.absent !== undefined) value = structuredClone(f.absent);
    else {
      value = checkRule(c, f.rule, o[k], p);
      if (value !== undefined && f.refine) value = f.refine(c, value, p, out);
    }
    if (value === undefined) ok = false;
    else out[k] = value;
  }
  return ok ? out : undefined;
}

/** The object of the config's part `part` (`training`, `finetune`) at `path`, by the table's fields under it. */
function checkPart(c: Checker, v: unknown, path: string, part: string, table: readonly ConfigField[]): unknown {
  return checkGroup(
    c,
    v,
    path,
    table.filter((f) => f.path.startsWith(`${part}.`)),
    1,
  );
}

/** The fine-tune settings at `path` (the sweep config's `finetune` is the same object); missing keys take their defaults. */
export function checkFinetune(
  c: Checker,
  v: unknown,
  path: string,
  table: readonly ConfigField[] = FIELDS,
): FinetuneSettings | undefined {
  return checkPart(c, v, path, 'finetune', table) as FinetuneSettings | undefined;
}

/** The supervised rows' settings at `path` (the sweep config's `supervised`); missing keys take their defaults. */
export function checkSupervised(
  c: Checker,
  v: unknown,
  path: string,
  table: readonly ConfigField[] = FIELDS,
): SupervisedSettings | undefined {
  return checkPart(c, v, path, 'supervised', table) as SupervisedSettings | undefined;
}

/** A training budget at `path` (shared with the sweep config, whose `training` is the same object). */
export function checkTraining(
  c: Checker,
  v: unknown,
  path: string,
  table: readonly ConfigField[] = FIELDS,
): TrainingBudget | undefined {
  return checkPart(c, v, path, 'training', table) as TrainingBudget | undefined;
}

/** Checks every field of `v`; the config returned is a fresh copy holding only the checked fields. */
export function validateConfig(v: unknown, table: readonly ConfigField[] = FIELDS): ConfigValidation {
  const c = new Checker();
  const config = checkConfig(c, v, '', table);
  return config && c.ok ? { ok: true, config } : { ok: false, errors: c.errors };
}

/** As `validateConfig`, recording errors in `c` under `path` (run records and share links embed configs). */
export function checkConfig(
  c: Checker,
  v: unknown,
  path: string,
  table: readonly ConfigField[] = FIELDS,
): RunConfig | undefined {
  return checkGroup(c, v, path, table, 0) as RunConfig | undefined;
}
