/**
 * Checks of the structured parts of a config (dataset ids, task names, source rows, target columns): shared
 * by the field table (`fields.ts`), run records and share links.
 */

import { Checker, joinPath } from './checker';
import { sourceKey, targetKey } from './keys';
import { CONFIG_LIMITS as L, SOURCE_KINDS, type SourceSpec, type TargetRef } from './types';

/** Dataset ids: no "/" (it separates dataset and task in keys). */
export function checkDatasetId(c: Checker, v: unknown, path: string): string | undefined {
  return c.string(v, path, { maxLength: L.datasetIdLength, forbid: /\//, forbidText: 'without "/"' });
}

export function checkTaskName(c: Checker, v: unknown, path: string): string | undefined {
  return c.string(v, path, { maxLength: L.taskNameLength });
}

export function checkTarget(c: Checker, v: unknown, path: string): TargetRef | undefined {
  const o = c.object(v, path, ['dataset', 'task']);
  if (!o) return undefined;
  const dataset = checkDatasetId(c, o.dataset, joinPath(path, 'dataset'));
  const task = checkTaskName(c, o.task, joinPath(path, 'task'));
  return dataset !== undefined && task !== undefined ? { dataset, task } : undefined;
}

export function checkSource(c: Checker, v: unknown, path: string): SourceSpec | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return c.fail(path, `a source: an object with "kind" (${SOURCE_KINDS.join(', ')})`, v);
  }
  const k = c.oneOf((v as { kind?: unknown }).kind, joinPath(path, 'kind'), SOURCE_KINDS);
  if (k === undefined) return undefined;
  switch (k) {
    case 'task': {
      const o = c.object(v, path, ['kind', 'dataset', 'task']);
      if (!o) return undefined;
      const dataset = checkDatasetId(c, o.dataset, joinPath(path, 'dataset'));
      const task = checkTaskName(c, o.task, joinPath(path, 'task'));
      return dataset !== undefined && task !== undefined ? { kind: k, dataset, task } : undefined;
    }
    case 'dataset': {
      const o = c.object(v, path, ['kind', 'dataset']);
      if (!o) return undefined;
      const dataset = checkDatasetId(c, o.dataset, joinPath(path, 'dataset'));
      return dataset !== undefined ? { kind: k, dataset } : undefined;
    }
    case 'domain': {
      const o = c.object(v, path, ['kind', 'domain']);
      if (!o) return undefined;
      const domain = c.string(o.domain, joinPath(path, 'domain'), { maxLength: L.domainLength });
      return domain !== undefined ? { kind: k, domain } : undefined;
    }
    default: {
      const o = c.object(v, path, ['kind']);
      return o ? { kind: k } : undefined;
    }
  }
}

/** Items of a list with a key each: duplicates are errors naming both positions. */
export function noDuplicates<T>(c: Checker, items: T[], path: string, key: (t: T) => string, what: string): boolean {
  const seen = new Map<string, number>();
  let ok = true;
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) {
      c.fail(
        joinPath(path, i),
        `a ${what} not already listed`,
        k,
        `${JSON.stringify(k)}, the same as ${path}[${first}]`,
      );
      ok = false;
    } else seen.set(k, i);
  });
  return ok;
}

/** The rows: 1..32 sources, no two with the same key. */
export function checkSources(c: Checker, v: unknown, path: string): SourceSpec[] | undefined {
  const list = c.array(v, path, 1, L.sources);
  const sources = list && c.items(list, path, (x, q) => checkSource(c, x, q));
  return sources && noDuplicates(c, sources, path, sourceKey, 'source') ? sources : undefined;
}

/** The columns: 1..512 targets, no two alike. */
export function checkTargets(c: Checker, v: unknown, path: string): TargetRef[] | undefined {
  const list = c.array(v, path, 1, L.targets);
  const targets = list && c.items(list, path, (x, q) => checkTarget(c, x, q));
  return targets && noDuplicates(c, targets, path, targetKey, 'target') ? targets : undefined;
}
