import { describe, expect, test } from 'vitest';
import { writeNpy, type NpyDescr } from './fixture';
import { npyIntegers, parseNpy } from './npy';
import { ValidationError, type Problem } from './problems';

/** Written by numpy 2.4 (np.save / np.lib.format.write_array), base64. */
const NUMPY = {
  i8_v1:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAUAAAAAAAAA/f/////////LBPtxHwEAAA==',
  u1_2d_v1:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAABAQA=',
  b1_v1:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=',
  f4_v2:
    'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AACAQAAAIEE=',
  f8_v1:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAPA/AAAAAAAA+D8=',
  i4_v3:
    'k05VTVBZAwB0AAAAeydkZXNjcic6ICc8aTQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNSwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAABAAAAAYAAAAIAAAACgAAAA==',
  i2_v1:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr+/ywB',
  u2_v1:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPHUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//wcA',
  be_i4:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAABAAAAAg==',
  fortran_i2:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAMAAgAEAA==',
  object:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqABJWQAAAAAAAAAIwWbnVtcHkuX2NvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwKFlGgDjAVkdHlwZZSTlIwCTziUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LP3SUYoldlChLAYwBYZRldJRiLg==',
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoFAAAAAAAAAA==',
};
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const F = 'bus/task_labels/x.npy';

function problemOf(f: () => unknown): Problem {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems[0] as Problem;
  }
  throw new Error('expected a ValidationError');
}

describe('parseNpy on files written by numpy', () => {
  test.each([
    ['i8_v1', '1.0', '<i8', [4], [0, 5, -3, 1234567890123]],
    ['u1_2d_v1', '1.0', '|u1', [3, 3], [1, 0, 0, 0, 0, 0, 1, 1, 0]],
    ['b1_v1', '1.0', '|b1', [3], [1, 0, 1]],
    ['f4_v2', '2.0', '<f4', [3], [1, 4, 10]],
    ['f8_v1', '1.0', '<f8', [3], [0, 1, 1.5]],
    ['i4_v3', '3.0', '<i4', [5], [1, 4, 6, 8, 10]],
    ['i2_v1', '1.0', '<i2', [2], [-2, 300]],
    ['u2_v1', '1.0', '<u2', [2], [65535, 7]],
  ] as const)('%s', (key, version, descr, shape, values) => {
    const a = parseNpy(b64(NUMPY[key]), F);
    expect(a.version).toBe(version);
    expect(a.descr).toBe(descr);
    expect(a.shape).toEqual(shape);
    expect(Array.from(a.values)).toEqual(values);
  });

  test('rejects big-endian, Fortran order, object arrays and 0-d arrays, naming the file', () => {
    expect(problemOf(() => parseNpy(b64(NUMPY.be_i4), F)).message).toBe(
      'bus/task_labels/x.npy: dtype: expected little-endian data (<), found ">i4" (big-endian)',
    );
    const f = problemOf(() => parseNpy(b64(NUMPY.fortran_i2), F));
    expect(f.field).toBe('header');
    expect(f.message).toContain('C order');
    expect(problemOf(() => parseNpy(b64(NUMPY.object), F)).message).toMatch(
      /^bus\/task_labels\/x\.npy: dtype: .*found "\|O" \(object arrays are not supported\)/,
    );
    expect(problemOf(() => parseNpy(b64(NUMPY.scalar), F)).field).toBe('shape');
  });
});

describe('parseNpy on written files', () => {
  const descrs: NpyDescr[] = ['<i8', '<i4', '<i2', '|i1', '<u8', '<u4', '<u2', '|u1', '|b1', '<f2', '<f4', '<f8'];
  test.each(descrs)('%s in versions 1, 2, 3, 1-D and 2-D', (descr) => {
    const vals = descr === '|b1' ? [1, 0, 1, 1, 0, 0] : [0, 1, 2, 3, 4, 5];
    for (const version of [1, 2, 3] as const) {
      const a = parseNpy(writeNpy(vals, [6], descr, { version }), F);
      expect([a.version, a.shape, Array.from(a.values)]).toEqual([`${version}.0`, [6], vals]);
      const b = parseNpy(writeNpy(vals, [3, 2], descr, { version }), F);
      expect([b.shape, Array.from(b.values)]).toEqual([[3, 2], vals]);
    }
  });

  test('a long UTF-8 header (version 3.0)', () => {
    const a = parseNpy(writeNpy([1, 2], [2], '<i8', { version: 3, padHeaderWith: 'é'.repeat(40000) }), F);
    expect(Array.from(a.values)).toEqual([1, 2]);
  });

  test('truncation, garbage and bad values are errors naming the file', () => {
    const ok = writeNpy([1, 2, 3, 4], [4], '<i8');
    const t = problemOf(() => parseNpy(ok.slice(0, ok.length - 5), F));
    expect(t.message).toBe(
      'bus/task_labels/x.npy: data: expected 32 bytes of data for shape (4) of <i8, found 27 bytes (truncated file)',
    );
    expect(problemOf(() => parseNpy(ok.slice(0, 20), F)).message).toContain('truncated file');
    expect(problemOf(() => parseNpy(new TextEncoder().encode('hello, world'), F)).message).toContain('not a .npy file');
    const bool = writeNpy([0, 1], [2], '|b1');
    bool[bool.length - 1] = 2;
    expect(problemOf(() => parseNpy(bool, F)).message).toContain('expected bool values 0 or 1, found 2');
    expect(problemOf(() => parseNpy(writeNpy([0, 1, 1, 0, 0, 0], [1, 2, 3], '<i4'), F)).field).toBe('shape');
  });

  test('integer-valued floats are integers; others are an error', () => {
    expect(Array.from(npyIntegers(parseNpy(writeNpy([1, 4, 10], [3], '<f8'), F), F))).toEqual([1, 4, 10]);
    const p = problemOf(() => npyIntegers(parseNpy(writeNpy([1, 4.5, 10, 0.25], [4], '<f4'), F), F));
    expect(p.message).toBe(
      'bus/task_labels/x.npy: data: expected integer label values (floats are accepted only when integer-valued), found 4.5 (at element 1; 2 such values)',
    );
    expect(Array.from(npyIntegers(parseNpy(writeNpy([3, 1], [2], '<i8'), F), F))).toEqual([3, 1]);
  });
});
