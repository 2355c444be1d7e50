/**
 * info.yaml: parse (YAML 1.1, like the reference reader's PyYAML) and validate into a DatasetInfo.
 *
 * Quirks handled:
 * - `112_120` is an integer: the `yaml` package in `version: '1.1'` mode resolves it as PyYAML does.
 * - A double-quoted `summary` continued at column 0 is valid for PyYAML but rejected by `yaml`
 *   ("Missing closing quote"). When the first parse fails, continuation lines of multi-line quoted
 *   scalars are indented by two spaces and the text is parsed again: leading white space of a
 *   continuation line is never part of a quoted scalar's value, so this changes no value.
 * - YAML 1.1 resolves plain `no`, `yes`, `on`, `off`, `~`, `1.5` to non-strings. Where a string is
 *   expected (names, summary, label names) the scalar's source text is used instead, so a label
 *   named `no` stays "no" (PyYAML would give False).
 * Every problem is collected; `parseInfoYaml` throws one ValidationError holding all of them.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import {
  SPLITS,
  TASK_TARGETS,
  type DatasetInfo,
  type LabelInfo,
  type SplitName,
  type TaskInfo,
  type TaskTarget,
} from '../../core/types';
import { Problems, show, type Problem } from './problems';

export const IMAGE_SIZE = 224;

export interface InfoYaml {
  info: DatasetInfo;
  /** `original_splits_num_samples`, when present (any split names; missing ones are not listed). */
  originalSplitSizes: Record<string, number> | undefined;
  /** Non-fatal findings (unknown keys, missing optional keys). */
  warnings: Problem[];
}

const KNOWN_KEYS = new Set([
  'id',
  'name',
  'summary',
  'domain',
  'tasks',
  'input_size',
  'total_num_samples',
  'splits_num_samples',
  'original_splits_num_samples',
  'domain_overlaps',
  'subject_overlaps',
  'license',
]);

/**
 * Parse and validate info.yaml. `file` is the display path used in messages (`bus/info.yaml`).
 * Throws ValidationError listing every problem.
 */
export function parseInfoYaml(text: string, file: string): InfoYaml {
  const problems = new Problems(100);
  const doc = parseYaml11(text, file, problems);
  problems.check();
  const v = new Validator(doc as Document, text, file, problems);
  const result = v.run();
  problems.check();
  return { ...(result as Omit<InfoYaml, 'warnings'>), warnings: problems.warnings };
}

/** Parse YAML 1.1; on failure retry with re-indented quoted continuations (see the file comment). */
function parseYaml11(text: string, file: string, problems: Problems): Document | undefined {
  const opts = { version: '1.1' as const, uniqueKeys: true };
  const first = parseDocument(text, opts);
  if (first.errors.length === 0) return first;
  const fixed = reindentQuotedContinuations(text);
  if (fixed !== text) {
    const second = parseDocument(fixed, opts);
    if (second.errors.length === 0) return second;
  }
  for (const e of first.errors) {
    const line = e.linePos?.[0].line;
    problems.add(file, line ? `line ${line}` : '', 'valid YAML', show(e.message.split('\n')[0]));
  }
  return undefined;
}

/**
 * Indent the continuation lines of multi-line quoted scalars (single or double) by two spaces more
 * than the line that opened them. Quotes are recognised only where a scalar can start: at the start of
 * a line's content or after `: `, `- `, `? `, `[`, `{` or `,`. Comments are skipped.
 */
export function reindentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let quote: '"' | "'" | null = null;
  let indent = '';
  for (let li = 0; li < lines.length; li++) {
    let line = lines[li] as string;
    let i = 0;
    if (quote) {
      const stripped = line.replace(/^[ \t]*/, '');
      line = indent + stripped;
      lines[li] = line;
      i = indent.length;
    }
    while (i < line.length) {
      const c = line[i] as string;
      if (quote) {
        if (quote === '"' && c === '\\') {
          i += 2;
          continue;
        }
        if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") {
            i += 2;
            continue;
          }
          quote = null;
        }
        i++;
        continue;
      }
      if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) break;
      if ((c === '"' || c === "'") && canStartScalar(line, i)) {
        quote = c;
        indent = `${' '.repeat((/^ */.exec(line)?.[0].length ?? 0) + 2)}`;
      }
      i++;
    }
  }
  return lines.join('\n');
}

function canStartScalar(line: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (line[j] === ' ' || line[j] === '\t')) j--;
  if (j < 0) return true;
  const p = line[j] as string;
  if (p === '[' || p === '{' || p === ',') return true;
  if ((p === ':' || p === '-' || p === '?') && j < i - 1) return true;
  return false;
}

/** Reads typed values out of the YAML AST, recording a problem for each mismatch. */
class Validator {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly file: string,
    private readonly problems: Problems,
  ) {}

  /** Record a problem; `found` is already formatted (see `show` and `describe`). */
  private bad(field: string, expected: string, found: string, note?: string): undefined {
    this.problems.add(this.file, field, expected, found, note);
    return undefined;
  }

  /** What a node holds, for messages. */
  private describe(node: unknown): string {
    if (node === undefined || node === null) return 'nothing';
    if (isScalar(node)) return show(node.value);
    if (isSeq(node)) return `a list of ${node.items.length}`;
    if (isMap(node)) return 'a mapping';
    return show(node);
  }

  private entries(node: unknown): [string | number, YamlNode | undefined, unknown][] | undefined {
    if (!isMap(node)) return undefined;
    const out: [string | number, YamlNode | undefined, unknown][] = [];
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      out.push([k as string | number, pair.value as YamlNode | undefined, pair.key]);
    }
    return out;
  }

  private get(map: unknown, key: string): YamlNode | undefined {
    if (!isMap(map)) return undefined;
    for (const pair of map.items) {
      if (isScalar(pair.key) && pair.key.value === key) return (pair.value ?? undefined) as YamlNode | undefined;
    }
    return undefined;
  }

  private has(map: unknown, key: string): boolean {
    return isMap(map) && map.items.some((p) => isScalar(p.key) && p.key.value === key);
  }

  /** A string field. Plain scalars that YAML 1.1 resolved to non-strings give their source text. */
  private str(
    node: YamlNode | undefined,
    field: string,
    required: boolean,
    opts: { nonEmpty?: boolean } = {},
  ): string | undefined {
    if (node === undefined || node === null) {
      if (required) this.bad(field, 'a string', 'nothing', 'required key missing');
      return undefined;
    }
    if (!isScalar(node)) return this.bad(field, 'a string', this.describe(node));
    let s: string;
    if (typeof node.value === 'string') s = node.value;
    else if (node.value === null || typeof node.value === 'number' || typeof node.value === 'boolean') {
      const src = node.source ?? (node.range ? this.text.slice(node.range[0], node.range[1]) : String(node.value));
      s = typeof src === 'string' ? src.trim() : String(node.value);
    } else return this.bad(field, 'a string', this.describe(node));
    if (opts.nonEmpty && s.trim() === '') return this.bad(field, 'a non-empty string', show(s));
    return s;
  }

  private int(node: YamlNode | undefined, field: string, required: boolean, min = 0): number | undefined {
    if (node === undefined || node === null) {
      if (required) this.bad(field, `an integer >= ${min}`, 'nothing', 'required key missing');
      return undefined;
    }
    if (!isScalar(node)) return this.bad(field, `an integer >= ${min}`, this.describe(node));
    let v = node.value;
    if (typeof v === 'string' && /^[+-]?[0-9][0-9_]*$/.test(v.trim())) v = Number(v.trim().replace(/_/g, ''));
    if (typeof v === 'bigint') v = Number(v);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      return this.bad(field, `an integer >= ${min}`, show(v));
    return v;
  }

  private strList(node: YamlNode | undefined, field: string): string[] {
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      this.bad(field, 'a list of dataset ids', this.describe(node));
      return [];
    }
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const s = this.str(item as YamlNode, `${field}[${i}]`, true, { nonEmpty: true });
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  run(): Omit<InfoYaml, 'warnings'> | undefined {
    const root = this.doc.contents;
    if (!isMap(root)) {
      this.bad('', 'a YAML mapping with keys id, name, tasks, input_size, ...', this.describe(root));
      return undefined;
    }
    for (const [k] of this.entries(root) ?? []) {
      if (typeof k !== 'string' || !KNOWN_KEYS.has(k))
        this.problems.warn(this.file, String(k), 'a known info.yaml key', show(k), 'ignored');
    }
    const id = this.str(this.get(root, 'id'), 'id', true, { nonEmpty: true });
    const name = this.str(this.get(root, 'name'), 'name', true, { nonEmpty: true });
    const summary = this.str(this.get(root, 'summary'), 'summary', false);
    if (!this.has(root, 'summary'))
      this.problems.warn(this.file, 'summary', 'a string', 'nothing', 'optional; empty used');
    const domain = this.str(this.get(root, 'domain'), 'domain', true, { nonEmpty: true });
    const license = this.str(this.get(root, 'license'), 'license', false);
    const input = this.inputSize(this.get(root, 'input_size'));
    const total = this.int(this.get(root, 'total_num_samples'), 'total_num_samples', true, 1);
    const splitSizes = this.splitSizes(this.get(root, 'splits_num_samples'), 'splits_num_samples', true);
    const original = this.has(root, 'original_splits_num_samples')
      ? this.anySplitSizes(this.get(root, 'original_splits_num_samples'), 'original_splits_num_samples')
      : undefined;
    const tasks = this.tasks(this.get(root, 'tasks'));
    const domainOverlaps = this.strList(this.get(root, 'domain_overlaps'), 'domain_overlaps');
    const subjectOverlaps = this.strList(this.get(root, 'subject_overlaps'), 'subject_overlaps');

    if (splitSizes && total !== undefined) {
      const sum = SPLITS.reduce((a, s) => a + splitSizes[s], 0);
      if (sum > total)
        this.problems.warn(
          this.file,
          'splits_num_samples',
          `a total of at most total_num_samples = ${total}`,
          String(sum),
          'the split files decide',
        );
    }
    if (
      id === undefined ||
      name === undefined ||
      domain === undefined ||
      input === undefined ||
      total === undefined ||
      splitSizes === undefined ||
      tasks === undefined
    ) {
      return undefined;
    }
    const info: DatasetInfo = {
      id,
      name,
      summary: summary ?? '',
      domain,
      channels: input,
      height: IMAGE_SIZE,
      width: IMAGE_SIZE,
      numImages: total,
      tasks,
      splitSizes,
      domainOverlaps,
      subjectOverlaps,
      license: license ?? '',
      source: 'imported',
    };
    return { info, originalSplitSizes: original };
  }

  private inputSize(node: YamlNode | undefined): 1 | 3 | undefined {
    const expected = '[1, 224, 224] or [3, 224, 224]';
    if (node === undefined) return this.bad('input_size', expected, 'nothing', 'required key missing');
    if (!isSeq(node)) return this.bad('input_size', expected, this.describe(node));
    const vals = node.items.map((x) => (isScalar(x) ? x.value : undefined));
    const [c, h, w] = vals;
    if (vals.length !== 3 || (c !== 1 && c !== 3) || h !== IMAGE_SIZE || w !== IMAGE_SIZE)
      return this.bad('input_size', expected, show(vals));
    return c;
  }

  private splitSizes(
    node: YamlNode | undefined,
    field: string,
    required: boolean,
  ): Record<SplitName, number> | undefined {
    const out: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
    if (node === undefined) {
      if (required) this.bad(field, 'a mapping {train, val, test} of integers', 'nothing', 'required key missing');
      return undefined;
    }
    const entries = this.entries(node);
    if (!entries) return this.bad(field, 'a mapping {train, val, test} of integers', this.describe(node));
    let ok = true;
    for (const [k, v] of entries) {
      if (!(SPLITS as readonly unknown[]).includes(k)) {
        this.bad(`${field}.${String(k)}`, 'a split name (train, val, test)', show(k));
        ok = false;
        continue;
      }
      const n = this.int(v, `${field}.${String(k)}`, true);
      if (n === undefined) ok = false;
      else out[k as SplitName] = n;
    }
    return ok ? out : undefined;
  }

  private anySplitSizes(node: YamlNode | undefined, field: string): Record<string, number> | undefined {
    const entries = this.entries(node);
    if (!entries) {
      this.problems.warn(this.file, field, 'a mapping of split sizes', this.describe(node), 'ignored');
      return undefined;
    }
    const out: Record<string, number> = {};
    for (const [k, v] of entries) {
      if (isScalar(v) && typeof v.value === 'number' && Number.isSafeInteger(v.value) && v.value >= 0)
        out[String(k)] = v.value;
      else this.problems.warn(this.file, `${field}.${String(k)}`, 'an integer >= 0', this.describe(v), 'ignored');
    }
    return out;
  }

  private tasks(node: YamlNode | undefined): TaskInfo[] | undefined {
    if (node === undefined) return this.bad('tasks', 'a non-empty list of tasks', 'nothing', 'required key missing');
    if (!isSeq(node) || node.items.length === 0)
      return this.bad('tasks', 'a non-empty list of tasks', this.describe(node));
    const out: TaskInfo[] = [];
    const names = new Map<string, number>();
    let ok = true;
    node.items.forEach((item, i) => {
      const t = this.task(item as YamlNode, `tasks[${i}]`);
      if (!t) {
        ok = false;
        return;
      }
      const prev = names.get(t.name);
      if (prev !== undefined) {
        this.bad(`tasks[${i}].task_name`, `a task name not used before (tasks[${prev}] has it)`, show(t.name));
        ok = false;
      }
      names.set(t.name, i);
      out.push(t);
    });
    return ok ? out : undefined;
  }

  private task(node: YamlNode, field: string): TaskInfo | undefined {
    if (!isMap(node)) return this.bad(field, 'a mapping with task_name, task_target, labels', this.describe(node));
    const name = this.str(this.get(node, 'task_name'), `${field}.task_name`, true, { nonEmpty: true });
    if (name !== undefined && /[/\\]|^\.\.?$/.test(name))
      this.bad(`${field}.task_name`, 'a name usable as a file name (no / or \\)', show(name));
    const targetNode = this.get(node, 'task_target');
    let target: TaskTarget | undefined;
    const expectedTargets = `one of ${TASK_TARGETS.join(', ')}`;
    if (targetNode === undefined) this.bad(`${field}.task_target`, expectedTargets, 'nothing', 'required key missing');
    else if (!isScalar(targetNode) || !(TASK_TARGETS as readonly unknown[]).includes(targetNode.value)) {
      this.bad(`${field}.task_target`, expectedTargets, this.describe(targetNode));
    } else target = targetNode.value as TaskTarget;
    const labels = this.labels(this.get(node, 'labels'), `${field}.labels`, target);
    if (name === undefined || target === undefined || labels === undefined) return undefined;
    return { name, target, labels };
  }

  private labels(node: YamlNode | undefined, field: string, target: TaskTarget | undefined): LabelInfo[] | undefined {
    const expected = 'a mapping {label value (integer): label name}';
    if (node === undefined) return this.bad(field, expected, 'nothing', 'required key missing');
    const entries = this.entries(node);
    if (!entries || entries.length === 0) return this.bad(field, expected, this.describe(node));
    const out: LabelInfo[] = [];
    let ok = true;
    for (const [k, v, keyNode] of entries) {
      let value: number | undefined;
      if (typeof k === 'number' && Number.isSafeInteger(k) && Math.abs(k) < 2 ** 31) value = k;
      else if (typeof k === 'string' && /^[+-]?[0-9]+$/.test(k.trim())) value = Number(k);
      if (value === undefined) {
        this.bad(`${field}`, 'integer label values as keys', show(isScalar(keyNode) ? keyNode.value : k));
        ok = false;
        continue;
      }
      if (out.some((l) => l.value === value)) {
        this.bad(`${field}.${value}`, 'each label value once', `${value} again`);
        ok = false;
        continue;
      }
      const name = this.str(v, `${field}.${value}`, true);
      if (name === undefined) {
        ok = false;
        continue;
      }
      out.push({ value, name });
    }
    if (!ok) return undefined;
    out.sort((a, b) => a.value - b.value);
    if (target === 'BINARY_CLASSIFICATION' && out.length !== 2) {
      return this.bad(field, 'exactly 2 labels for a BINARY_CLASSIFICATION task', `${out.length} labels`);
    }
    if (target === 'MULTILABEL_CLASSIFICATION' && out.some((l, i) => l.value !== i)) {
      return this.bad(
        field,
        'label columns 0..L-1 for a MULTILABEL_CLASSIFICATION task',
        show(out.map((l) => l.value)),
      );
    }
    return out;
  }
}
