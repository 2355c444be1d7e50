/**
 * A small hand-written validator for plain data from outside (a URL, a file, a share link): each
 * problem is collected with where it is (`path`, e.g. `sources[2].dataset`), what was expected and
 * what was found. Values are read, never trusted: the caller builds fresh objects from the checked
 * fields, so nothing unchecked (an unknown key, `__proto__`) reaches the result.
 */

export interface ValueError {
  /** Where: `training.lr`, `sources[2].dataset`; '' for the value itself. */
  path: string;
  expected: string;
  /** A short description of what was there. */
  found: string;
  /** One sentence for the user: `<path>: expected <expected>, found <found>`. */
  message: string;
}

/** A short, safe description of any value for a message (strings quoted and cut to 60 characters). */
export function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string')
    return v.length > 60 ? `${JSON.stringify(v.slice(0, 57))}... (${v.length} characters)` : JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** `a.b`, `a[3]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** True for a string with a lone surrogate (it cannot round-trip through UTF-8 or a URL). */
export function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export interface StringRule {
  /** At least 1 character unless set to 0. */
  minLength?: number;
  maxLength: number;
  /** Characters refused besides control characters and lone surrogates. */
  forbid?: RegExp;
  /** Says what `forbid` refuses, for the message (`without "/"`). */
  forbidText?: string;
  /** A pattern the whole string must match, and its description. */
  pattern?: RegExp;
  patternText?: string;
  /** Free text (error messages, user agents): accept control characters and lone surrogates. */
  allowControl?: boolean;
}

export class Checker {
  readonly errors: ValueError[] = [];
  private readonly paths = new Set<string>();

  /** Records a problem at `path` (one per path: a missing key is not also a wrong type). */
  fail(path: string, expected: string, value: unknown, found = describeFound(value)): undefined {
    if (this.paths.has(path)) return undefined;
    this.paths.add(path);
    this.errors.push({ path, expected, found, message: `${path || 'value'}: expected ${expected}, found ${found}` });
    return undefined;
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /**
   * A plain object with exactly these keys (`optional` may be absent). Unknown keys and missing
   * required keys are errors; the object is returned when it is an object at all, so that its fields
   * can be checked too.
   */
  object(
    v: unknown,
    path: string,
    required: readonly string[],
    optional: readonly string[] = [],
  ): Record<string, unknown> | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return this.fail(path, `an object with keys ${required.join(', ')}`, v);
    }
    const o = v as Record<string, unknown>;
    const known = new Set([...required, ...optional]);
    for (const k of Object.keys(o)) {
      if (!known.has(k))
        this.fail(joinPath(path, k), `no such key (known: ${[...known].join(', ')})`, o[k], 'an unexpected key');
    }
    for (const k of required) {
      if (!Object.prototype.hasOwnProperty.call(o, k))
        this.fail(joinPath(path, k), this.missingText(k), undefined, 'nothing');
    }
    return o;
  }

  private missingText(k: string): string {
    return `a value for "${k}"`;
  }

  /** An integer in [min, max]. */
  int(v: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.fail(path, `an integer in [${min}, ${max}]`, v);
    }
    return v;
  }

  /** A finite number in [min, max] (`(min, max]` when `exclusiveMin`). */
  number(v: unknown, path: string, min: number, max: number, exclusiveMin = false): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (exclusiveMin ? v <= min : v < min)) {
      return this.fail(path, `a finite number in ${exclusiveMin ? '(' : '['}${min}, ${max}]`, v);
    }
    return v;
  }

  boolean(v: unknown, path: string): boolean | undefined {
    if (typeof v !== 'boolean') return this.fail(path, 'true or false', v);
    return v;
  }

  /** One of `options` (compared with ===). */
  oneOf<T extends string | number>(v: unknown, path: string, options: readonly T[]): T | undefined {
    if (!(options as readonly unknown[]).includes(v)) {
      return this.fail(path, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, v);
    }
    return v as T;
  }

  string(v: unknown, path: string, rule: StringRule): string | undefined {
    const min = rule.minLength ?? 1;
    const describe = (): string =>
      `a string of ${min}..${rule.maxLength} characters` +
      (rule.patternText ? ` (${rule.patternText})` : '') +
      (rule.forbidText ? ` ${rule.forbidText}` : '') +
      (rule.allowControl ? '' : ', without control characters');
    if (typeof v !== 'string' || v.length < min || v.length > rule.maxLength) return this.fail(path, describe(), v);
    if (!rule.allowControl && (CONTROL.test(v) || hasLoneSurrogate(v)))
      return this.fail(path, describe(), v, 'a string with control or invalid characters');
    if (rule.forbid?.test(v)) return this.fail(path, describe(), v);
    if (rule.pattern && !rule.pattern.test(v)) return this.fail(path, describe(), v);
    return v;
  }

  /** An array of [min, max] items. */
  array(v: unknown, path: string, min: number, max: number): unknown[] | undefined {
    if (!Array.isArray(v) || v.length < min || v.length > max) {
      return this.fail(path, `an array of ${min === max ? min : `${min}..${max}`} items`, v);
    }
    return v;
  }

  /** `f` over every item; undefined when any item failed (its errors are recorded). */
  items<T>(
    arr: unknown[],
    path: string,
    f: (item: unknown, path: string, index: number) => T | undefined,
  ): T[] | undefined {
    const out: T[] = [];
    let ok = true;
    arr.forEach((item, i) => {
      const r = f(item, joinPath(path, i), i);
      if (r === undefined) ok = false;
      else out.push(r);
    });
    return ok ? out : undefined;
  }
}
