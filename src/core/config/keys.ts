/**
 * Text keys of rows (sources) and columns (targets): readable, unambiguous, and the form they take in
 * URLs, CSV files, cell keys and share links.
 *
 * - Sources: `task:<dataset>/<task>`, `dataset:<dataset>`, `domain:<domain>`, `all-except-target`,
 *   `untrained`, `pixels`, `supervised`, `mm-pt`.
 * - Targets: `<dataset>/<task>`.
 *
 * Dataset ids never contain "/" (the validator refuses it), so the first "/" splits dataset from task and
 * task names and domains may contain anything else, "/" included: no escaping is needed.
 */

import type { SourceSpec, TargetRef } from './types';

export function sourceKey(s: SourceSpec): string {
  switch (s.kind) {
    case 'task':
      return `task:${s.dataset}/${s.task}`;
    case 'dataset':
      return `dataset:${s.dataset}`;
    case 'domain':
      return `domain:${s.domain}`;
    case 'all-except-target':
    case 'untrained':
    case 'pixels':
    case 'supervised':
    case 'mm-pt':
      return s.kind;
  }
}

const PLAIN_KEYS = ['all-except-target', 'untrained', 'pixels', 'supervised', 'mm-pt'] as const;

/** The spec a key names, or undefined when it is not a key (its parts are not validated here). */
export function parseSourceKey(key: string): SourceSpec | undefined {
  if ((PLAIN_KEYS as readonly string[]).includes(key)) return { kind: key as (typeof PLAIN_KEYS)[number] };
  if (key.startsWith('task:')) {
    const t = parseTargetKey(key.slice(5));
    return t && { kind: 'task', dataset: t.dataset, task: t.task };
  }
  if (key.startsWith('dataset:')) return { kind: 'dataset', dataset: key.slice(8) };
  if (key.startsWith('domain:')) return { kind: 'domain', domain: key.slice(7) };
  return undefined;
}

export function targetKey(t: TargetRef): string {
  return `${t.dataset}/${t.task}`;
}

export function parseTargetKey(key: string): TargetRef | undefined {
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  return { dataset: key.slice(0, slash), task: key.slice(slash + 1) };
}

/** A label for the matrix: "bus / malignancy", "all datasets except the target's", "untrained conv4". */
export function describeSource(s: SourceSpec, encoder?: string): string {
  switch (s.kind) {
    case 'task':
      return `${s.dataset} / ${s.task}`;
    case 'dataset':
      return `${s.dataset} (all tasks)`;
    case 'domain':
      return `${s.domain} (domain)`;
    case 'all-except-target':
      return 'all except the target (cross-domain)';
    case 'untrained':
      return encoder ? `untrained ${encoder} (baseline)` : 'untrained encoder (baseline)';
    case 'pixels':
      return 'pixels (baseline)';
    case 'supervised':
      return "supervised on the target's train split (upper bound)";
    case 'mm-pt':
      return 'multi-task pretraining on all except the target';
  }
}

/** True for the rows trained with classification heads (supervised, mm-pt) rather than episodically. */
export function isSupervisedSource(s: SourceSpec): boolean {
  return s.kind === 'supervised' || s.kind === 'mm-pt';
}

/** True for the baseline rows, which train nothing and read no source data. */
export function isBaseline(s: SourceSpec): boolean {
  return s.kind === 'untrained' || s.kind === 'pixels';
}

/**
 * The key of one cell: JSON of [source key, target key, K], e.g. `["all-except-target","bus/malignancy",5]`,
 * with the method appended when it is not ProtoNet (so keys made before methods existed still match).
 * Unambiguous whatever the names hold; K is 0 in variable mode.
 */
export function cellKey(
  source: SourceSpec | string,
  target: TargetRef | string,
  k: number,
  method: string = 'protonet',
): string {
  const key: (string | number)[] = [
    typeof source === 'string' ? source : sourceKey(source),
    typeof target === 'string' ? target : targetKey(target),
    k,
  ];
  if (method !== 'protonet') key.push(method);
  return JSON.stringify(key);
}

/** A label for a method: "ProtoNet", "linear probe". */
export function describeMethod(method: string): string {
  return method === 'protonet' ? 'ProtoNet' : method.replace(/-/g, ' ');
}
