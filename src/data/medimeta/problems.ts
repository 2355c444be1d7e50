/**
 * Structured validation problems. Every reader in this folder reports what is wrong as
 * `{file, field, expected, found, message}` and collects ALL problems of a file before throwing one
 * `ValidationError`, so an import can say everything that is wrong at once.
 */

export interface Problem {
  /** Display path, with the dataset folder: `bus/info.yaml`, `bus/task_labels/malignancy.npy`. */
  file: string;
  /** Where in the file: a key path (`tasks[1].task_target`), `line 17`, `shape`, `header`; '' for the whole file. */
  field: string;
  expected: string;
  found: string;
  /** One readable line: `bus/info.yaml: field "tasks[1].task_target": expected ..., found "BINARY"`. */
  message: string;
}

export class ValidationError extends Error {
  constructor(
    readonly problems: Problem[],
    /** Non-fatal findings gathered along the way (they did not cause the failure). */
    readonly warnings: Problem[] = [],
  ) {
    super(summarize(problems));
    this.name = 'ValidationError';
  }
}

function summarize(problems: Problem[]): string {
  if (problems.length === 0) return 'validation failed';
  const head = problems.slice(0, 10).map((p) => p.message);
  const more = problems.length > 10 ? `\n... and ${problems.length - 10} more problems` : '';
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${head.join('\n')}${more}`;
}

/** How a value found in a file is shown: strings quoted, numbers plain, missing as "nothing". */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (typeof v === 'object') return `a mapping {${Object.keys(v as object).join(', ')}}`;
  return String(v);
}

/** `field "a.b"` for key paths; positional fields (`line 3`, `row 7`) and '' as they are. */
function where(field: string): string {
  if (field === '') return '';
  if (/^(line|row|rows|image|images|entry|header|data|shape|dtype|bytes|tag|chunk) ?/.test(field)) return `${field}: `;
  return `field "${field}": `;
}

export function makeProblem(file: string, field: string, expected: string, found: string, note?: string): Problem {
  const message = `${file}: ${where(field)}expected ${expected}, found ${found}${note ? ` (${note})` : ''}`;
  return { file, field, expected, found, message };
}

/**
 * A collector. `add` records a problem; `check` throws a ValidationError if any were recorded.
 * At most `perFileCap` problems are kept per file; the rest are counted into one summary problem.
 */
export class Problems {
  readonly list: Problem[] = [];
  readonly warnings: Problem[] = [];
  private readonly perFile = new Map<string, number>();

  constructor(private readonly perFileCap = 25) {}

  add(file: string, field: string, expected: string, found: string, note?: string): void {
    this.push(makeProblem(file, field, expected, found, note));
  }

  warn(file: string, field: string, expected: string, found: string, note?: string): void {
    this.warnings.push(makeProblem(file, field, expected, found, note));
  }

  push(p: Problem): void {
    const n = (this.perFile.get(p.file) ?? 0) + 1;
    this.perFile.set(p.file, n);
    if (n <= this.perFileCap) this.list.push(p);
  }

  /** Take over the problems of a ValidationError (or rethrow anything else). */
  absorb(e: unknown): void {
    if (!(e instanceof ValidationError)) throw e;
    for (const p of e.problems) this.push(p);
    this.warnings.push(...e.warnings);
  }

  get ok(): boolean {
    return this.list.length === 0;
  }

  get count(): number {
    let n = 0;
    for (const v of this.perFile.values()) n += v;
    return n;
  }

  /** The kept problems plus, per file over the cap, one line saying how many more there were. */
  all(): Problem[] {
    const out = [...this.list];
    for (const [file, n] of this.perFile) {
      if (n > this.perFileCap) {
        out.push(makeProblem(file, '', 'no further problems', `${n - this.perFileCap} more like the ones above`));
      }
    }
    return out;
  }

  check(): void {
    if (!this.ok) throw new ValidationError(this.all(), this.warnings);
  }
}

/** Run `f`; if it throws a ValidationError, put its problems in `problems` and return undefined. */
export function collect<T>(problems: Problems, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    problems.absorb(e);
    return undefined;
  }
}

export async function collectAsync<T>(problems: Problems, f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    problems.absorb(e);
    return undefined;
  }
}

/** Throw a ValidationError with one problem. */
export function fail(file: string, field: string, expected: string, found: string, note?: string): never {
  throw new ValidationError([makeProblem(file, field, expected, found, note)]);
}
