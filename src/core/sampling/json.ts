/**
 * Episode lists as JSON, so that a run can be replayed on exactly the same instances (MedIMeta ships its
 * presampled instances as index lists the same way). The file is versioned and checked field by field
 * on import; an error names the field, what was expected and what was found.
 *
 * Format (version 1):
 * ```
 * { "format": "protobench-episodes", "version": 1,
 *   "datasetId": "bus", "taskName": "malignancy", "target": "BINARY_CLASSIFICATION", "split": "test",
 *   "spec": { "mode": "medimeta", "shot": 5, "query": 10, "seed": 0 },
 *   "episodes": [ { "index": 0, "classes": [ { "value": 0, "name": "benign" }, ... ],
 *                   "support": { "images": [12, 40, ...], "labels": [0, 0, ...] },
 *                   "query":   { "images": [...], "labels": [...] } } ] }
 * ```
 * Multilabel episodes carry `"targets": ["0110", ...]` instead of `labels`: one string of 0/1 per image,
 * character j the target of `classes[j]` (compact where labels number 45).
 */

import { SPLITS, TASK_TARGETS, type SplitName, type TaskTarget } from '../types';
import { validateSpec } from './plan';
import type { Episode, EpisodeClass, EpisodeList, EpisodeSpec, LabelledImage, TargetedImage } from './types';

export const EPISODES_FORMAT = 'protobench-episodes';
export const EPISODES_VERSION = 1;

interface SetJSON {
  images: number[];
  labels?: number[];
  targets?: string[];
}

interface EpisodeJSON {
  index: number;
  classes: EpisodeClass[];
  support: SetJSON;
  query: SetJSON;
}

export interface EpisodeListJSON {
  format: typeof EPISODES_FORMAT;
  version: typeof EPISODES_VERSION;
  datasetId: string;
  taskName: string;
  target: TaskTarget;
  split: SplitName;
  spec: EpisodeSpec;
  episodes: EpisodeJSON[];
}

function setToJSON(items: readonly LabelledImage[] | readonly TargetedImage[], multilabel: boolean): SetJSON {
  const images = items.map((x) => x.image);
  if (!multilabel) return { images, labels: (items as readonly LabelledImage[]).map((x) => x.label) };
  return {
    images,
    targets: (items as readonly TargetedImage[]).map((x) => Array.from(x.targets, (b) => (b ? '1' : '0')).join('')),
  };
}

/** A plain JSON-ready object (pass it to JSON.stringify). */
export function episodesToJSON(list: EpisodeList): EpisodeListJSON {
  return {
    format: EPISODES_FORMAT,
    version: EPISODES_VERSION,
    datasetId: list.datasetId,
    taskName: list.taskName,
    target: list.target,
    split: list.split,
    spec: { ...list.spec },
    episodes: list.episodes.map((ep) => ({
      index: ep.index,
      classes: ep.classes.map((c) => ({ value: c.value, name: c.name })),
      support: setToJSON(ep.support, ep.kind === 'multilabel'),
      query: setToJSON(ep.query, ep.kind === 'multilabel'),
    })),
  };
}

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function fail(path: string, expected: string, found: unknown): never {
  return failSaid(path, expected, show(found));
}

/** `fail` with the finding already in words ("7 labels"). */
function failSaid(path: string, expected: string, found: string): never {
  throw new Error(`episodes JSON: ${path}: expected ${expected}, found ${found}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(obj: Record<string, unknown>, path: string, key: string): unknown {
  return obj[key] ?? fail(`${path}${path ? '.' : ''}${key}`, 'a value', obj[key]);
}

function int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(path, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, v);
  }
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'a string', v);
  return v;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v;
}

function parseClasses(v: unknown, path: string): EpisodeClass[] {
  const raw = arr(v, path);
  if (raw.length === 0) fail(path, 'at least one class', raw);
  const classes = raw.map((c, j) => {
    if (!isObject(c)) fail(`${path}[${j}]`, 'an object {value, name}', c);
    const value = field(c, `${path}[${j}]`, 'value');
    if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${path}[${j}].value`, 'an integer', value);
    return { value, name: str(field(c, `${path}[${j}]`, 'name'), `${path}[${j}].name`) };
  });
  for (let j = 1; j < classes.length; j++) {
    if ((classes[j] as EpisodeClass).value <= (classes[j - 1] as EpisodeClass).value) {
      fail(
        `${path}[${j}].value`,
        `a value above ${(classes[j - 1] as EpisodeClass).value} (classes ascending, distinct)`,
        (classes[j] as EpisodeClass).value,
      );
    }
  }
  return classes;
}

function parseSet(v: unknown, path: string, way: number, multilabel: boolean): LabelledImage[] | TargetedImage[] {
  if (!isObject(v)) fail(path, 'an object {images, labels}', v);
  const images = arr(field(v, path, 'images'), `${path}.images`).map((x, t) =>
    int(x, `${path}.images[${t}]`, 0, 0xffffffff),
  );
  if (!multilabel) {
    const labels = arr(field(v, path, 'labels'), `${path}.labels`);
    if (labels.length !== images.length)
      failSaid(`${path}.labels`, `${images.length} labels (one per image)`, `${labels.length} labels`);
    return images.map((image, t) => ({ image, label: int(labels[t], `${path}.labels[${t}]`, 0, way - 1) }));
  }
  const targets = arr(field(v, path, 'targets'), `${path}.targets`);
  if (targets.length !== images.length)
    failSaid(`${path}.targets`, `${images.length} target rows (one per image)`, `${targets.length} rows`);
  return images.map((image, t) => {
    const row = targets[t];
    if (typeof row !== 'string' || row.length !== way || !/^[01]*$/.test(row))
      fail(`${path}.targets[${t}]`, `a string of ${way} characters 0/1`, row);
    return { image, targets: Uint8Array.from(row, (ch) => (ch === '1' ? 1 : 0)) };
  });
}

function parseSpec(v: unknown): EpisodeSpec {
  if (!isObject(v)) fail('spec', 'an object {mode, ...}', v);
  const mode = v.mode;
  const spec =
    mode === 'fixed'
      ? { mode, way: v.way, shot: v.shot, query: v.query, seed: v.seed }
      : mode === 'medimeta'
        ? { mode, shot: v.shot, query: v.query, seed: v.seed }
        : mode === 'variable'
          ? { mode, seed: v.seed }
          : fail('spec.mode', 'one of "fixed", "medimeta", "variable"', mode);
  try {
    validateSpec(spec as EpisodeSpec);
  } catch (e) {
    throw new Error(`episodes JSON: spec: ${(e as Error).message.replace(/^episode spec: /, '')}`, { cause: e });
  }
  return spec as EpisodeSpec;
}

/** Checks the episode invariants the evaluator relies on: disjoint sets, every class in the support set. */
function checkEpisode(ep: Episode, path: string): void {
  const seen = new Set<number>();
  for (const [name, items] of [
    ['support', ep.support],
    ['query', ep.query],
  ] as const) {
    items.forEach((x, t) => {
      if (seen.has(x.image))
        fail(`${path}.${name}.images[${t}]`, 'an image not already in the support or query set', x.image);
      seen.add(x.image);
    });
  }
  if (ep.query.length === 0) fail(`${path}.query.images`, 'at least one query image', []);
  if (ep.kind === 'single') {
    const has = new Uint8Array(ep.way);
    for (const x of ep.support) has[x.label] = 1;
    const missing = has.indexOf(0);
    if (missing >= 0)
      failSaid(
        `${path}.support.labels`,
        `at least one image of every class (0..${ep.way - 1})`,
        `none of class ${missing}`,
      );
  } else {
    for (let j = 0; j < ep.way; j++) {
      let pos = 0;
      for (const x of ep.support) pos += x.targets[j] as number;
      if (pos === 0 || pos === ep.support.length) {
        failSaid(
          `${path}.support.targets`,
          `positives and negatives of every label`,
          `${pos} positives of ${ep.support.length} for label ${j}`,
        );
      }
    }
  }
}

/** Reads a JSON string or an already parsed object; throws a clear error on anything malformed. */
export function episodesFromJSON(input: unknown): EpisodeList {
  let root: unknown = input;
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input);
    } catch (e) {
      throw new Error(`episodes JSON: not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }
  if (!isObject(root)) fail('(root)', 'an object', root);
  if (root.format !== EPISODES_FORMAT) fail('format', `"${EPISODES_FORMAT}"`, root.format);
  if (root.version !== EPISODES_VERSION) fail('version', `${EPISODES_VERSION}`, root.version);
  const datasetId = str(root.datasetId, 'datasetId');
  const taskName = str(root.taskName, 'taskName');
  const target = root.target;
  if (!TASK_TARGETS.includes(target as TaskTarget)) fail('target', `one of ${TASK_TARGETS.join(', ')}`, target);
  const split = root.split;
  if (!SPLITS.includes(split as SplitName)) fail('split', `one of ${SPLITS.join(', ')}`, split);
  const spec = parseSpec(root.spec);
  const multilabel = target === 'MULTILABEL_CLASSIFICATION';

  const episodes = arr(root.episodes, 'episodes').map((raw, e): Episode => {
    const path = `episodes[${e}]`;
    if (!isObject(raw)) fail(path, 'an object {index, classes, support, query}', raw);
    const index = int(raw.index, `${path}.index`, 0);
    const classes = parseClasses(raw.classes, `${path}.classes`);
    const way = classes.length;
    if (target === 'BINARY_CLASSIFICATION' && way !== 2)
      failSaid(`${path}.classes`, '2 classes [negative, positive] for a binary task', `${way} classes`);
    const support = parseSet(raw.support, `${path}.support`, way, multilabel);
    const query = parseSet(raw.query, `${path}.query`, way, multilabel);
    const ep = (
      multilabel
        ? {
            kind: 'multilabel',
            index,
            way,
            classes,
            support: support as TargetedImage[],
            query: query as TargetedImage[],
          }
        : { kind: 'single', index, way, classes, support: support as LabelledImage[], query: query as LabelledImage[] }
    ) satisfies Episode;
    checkEpisode(ep, path);
    return ep;
  });
  return { datasetId, taskName, target: target as TaskTarget, split: split as SplitName, spec, episodes };
}
