/**
 * How a field's value is spelt in URL query parameters. Reading only turns text into numbers where the
 * text is exactly one; anything else stays a string, so the validator reports what was written.
 */

import { describeFound, type ValueError } from './checker';
import type { FieldRule } from './field';
import { parseSourceKey, parseTargetKey, sourceKey, targetKey } from './keys';
import type { SourceSpec, TargetRef } from './types';

export interface UrlCodec {
  /** The parameter's values (more than one only where `repeated`). */
  write(v: unknown): string[];
  /** The draft value from the parameter's values; text that is no value at all is an error in `errors`. */
  read(values: readonly string[], param: string, errors: ValueError[]): unknown;
  repeated?: boolean;
}

const INT = /^(0|[1-9][0-9]{0,15})$/;
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$/;

export function paramError(param: string, expected: string, found: unknown): ValueError {
  const f = describeFound(found);
  return { path: param, expected, found: f, message: `URL parameter "${param}": expected ${expected}, found ${f}` };
}

const first = (values: readonly string[]): string => values[0] as string;
const intOf = (s: string): number | string => (INT.test(s) ? Number(s) : s);

const STRING: UrlCodec = { write: (v) => [String(v)], read: first };
const INTEGER: UrlCodec = { write: (v) => [String(v)], read: (vs) => intOf(first(vs)) };
const DECIMAL_CODEC: UrlCodec = {
  write: (v) => [String(v)],
  read: (vs) => (DECIMAL.test(first(vs)) ? Number(first(vs)) : first(vs)),
};
const INT_LIST: UrlCodec = {
  write: (v) => [(v as number[]).join(',')],
  read: (vs) => first(vs).split(',').map(intOf),
};

const NAME_LIST: UrlCodec = {
  write: (v) => [(v as string[]).join(',')],
  read: (vs) => first(vs).split(','),
};

/** The codec a rule implies (structured fields name their own). */
export function codecOf(rule: FieldRule): UrlCodec {
  switch (rule.kind) {
    case 'int':
      return INTEGER;
    case 'number':
      return DECIMAL_CODEC;
    case 'oneOf':
      return rule.options.every((o) => typeof o === 'number') ? INTEGER : STRING;
    case 'intList':
      return INT_LIST;
    case 'nameList':
      return NAME_LIST;
    case 'custom':
      throw new Error('a custom field names its URL codec');
  }
}

/** One `src` per row, as source keys. */
export const SOURCES_CODEC: UrlCodec = {
  repeated: true,
  write: (v) => (v as SourceSpec[]).map(sourceKey),
  read: (values, param, errors) =>
    values.map((s, i): SourceSpec | string => {
      const spec = parseSourceKey(s);
      if (!spec)
        errors.push(
          paramError(
            `${param}[${i}]`,
            'task:<dataset>/<task>, dataset:<id>, domain:<name>, all-except-target, untrained or pixels',
            s,
          ),
        );
      return spec ?? s;
    }),
};

/** One `t` per column, as `<dataset>/<task>`. */
export const TARGETS_CODEC: UrlCodec = {
  repeated: true,
  write: (v) => (v as TargetRef[]).map(targetKey),
  read: (values, param, errors) =>
    values.map((s, i): TargetRef | string => {
      const ref = parseTargetKey(s);
      if (!ref) errors.push(paramError(`${param}[${i}]`, '<dataset>/<task>', s));
      return ref ?? s;
    }),
};
