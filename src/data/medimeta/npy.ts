/**
 * NumPy .npy reader (format versions 1.0, 2.0 and 3.0), written here rather than taken from npm: the
 * header is one Python dict literal and the packages on npm (npyjs, numpy-parser) neither reject
 * big-endian, Fortran-order or object arrays nor report truncation with the file's name, which an
 * importer must do. Little-endian, C order, 1-D or 2-D; dtypes bool, int8..int64, uint8..uint64,
 * float32, float64 (float16 too: the values are exact in float64).
 */
import { fail, show } from './problems';

export type NpyKind = 'bool' | 'int' | 'uint' | 'float';

export interface NpyArray {
  /** Format version, e.g. '1.0'. */
  version: string;
  /** The header's descr, e.g. '<i8', '|b1'. */
  descr: string;
  kind: NpyKind;
  itemSize: number;
  /** (N,) or (N, L). */
  shape: number[];
  /** The values as numbers, row-major (int64 values beyond 2^53 are an error). */
  values: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const KINDS: Record<string, NpyKind> = { b: 'bool', i: 'int', u: 'uint', f: 'float' };

/** Parse a .npy file. `file` is the display path for messages. Throws ValidationError. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    fail(
      file,
      'header',
      'a NumPy .npy file (magic \\x93NUMPY)',
      bytes.length < 10 ? `${bytes.length} bytes` : 'other bytes',
      'not a .npy file',
    );
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  const version = `${major}.${minor}`;
  if (major < 1 || major > 3) fail(file, 'header', 'format version 1.0, 2.0 or 3.0', version);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(file, 'header', 'a complete header', `${bytes.length} bytes`, 'truncated file');
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart)
    fail(file, 'header', `a header of ${headerLen} bytes`, `${bytes.length - 8 - lenBytes} bytes`, 'truncated file');
  const headerBytes = bytes.subarray(8 + lenBytes, dataStart);
  const header = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : latin1(headerBytes);
  const { descr, fortran, shape } = parseHeader(header, file);

  if (fortran)
    fail(
      file,
      'header',
      'C order (fortran_order: False)',
      'fortran_order: True',
      'save the array with np.ascontiguousarray',
    );
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  if (!m)
    fail(
      file,
      'dtype',
      'a numeric dtype (bool, int, uint, float)',
      show(descr),
      descr.includes('O') ? 'object arrays are not supported' : undefined,
    );
  const [, order, code, sizeStr] = m as unknown as [string, string, string, string];
  const itemSize = Number(sizeStr);
  const kind = KINDS[code] as NpyKind;
  if (order === '>' && itemSize > 1) fail(file, 'dtype', 'little-endian data (<)', show(descr), 'big-endian');
  const okSize =
    kind === 'float'
      ? [2, 4, 8].includes(itemSize)
      : kind === 'bool'
        ? itemSize === 1
        : [1, 2, 4, 8].includes(itemSize);
  if (!okSize) fail(file, 'dtype', 'bool, int8..int64, uint8..uint64 or float16/32/64', show(descr));
  if (shape.length < 1 || shape.length > 2)
    fail(file, 'shape', 'a 1-D (N,) or 2-D (N, L) array', `(${shape.join(', ')})`);

  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * itemSize;
  const have = bytes.length - dataStart;
  if (have < need) {
    fail(
      file,
      'data',
      `${need} bytes of data for shape (${shape.join(', ')}) of ${descr}`,
      `${have} bytes`,
      'truncated file',
    );
  }
  const values = decode(bytes.subarray(dataStart, dataStart + need), kind, itemSize, count, file);
  return { version, descr, kind, itemSize, shape, values };
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/** The header dict: {'descr': '<i8', 'fortran_order': False, 'shape': (780, 14), } */
function parseHeader(h: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(h)?.[2];
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(h)?.[1];
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(h)?.[1];
  if (descr === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(h)) fail(file, 'dtype', 'a numeric dtype', 'a structured dtype');
    fail(file, 'header', "a header dict with 'descr', 'fortran_order', 'shape'", show(h.trim()), 'unreadable header');
  }
  if (fortranM === undefined || shapeM === undefined) {
    fail(file, 'header', "a header dict with 'descr', 'fortran_order', 'shape'", show(h.trim()), 'unreadable header');
  }
  const parts = shapeM
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const shape = parts.map((x) => (/^\d+L?$/.test(x) ? parseInt(x, 10) : NaN));
  if (shape.some((x) => !Number.isSafeInteger(x)))
    fail(file, 'shape', 'non-negative integer dimensions', `(${shapeM})`);
  return { descr, fortran: fortranM === 'True', shape };
}

function decode(raw: Uint8Array, kind: NpyKind, size: number, count: number, file: string): Float64Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  if (kind === 'bool' || (kind === 'uint' && size === 1)) {
    for (let i = 0; i < count; i++) out[i] = raw[i] as number;
    if (kind === 'bool') {
      for (let i = 0; i < count; i++)
        if ((out[i] as number) > 1) fail(file, `data`, 'bool values 0 or 1', String(out[i]), `at element ${i}`);
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    const o = i * size;
    let v: number;
    if (kind === 'int') {
      if (size === 1) v = dv.getInt8(o);
      else if (size === 2) v = dv.getInt16(o, true);
      else if (size === 4) v = dv.getInt32(o, true);
      else {
        const b = dv.getBigInt64(o, true);
        if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER))
          fail(file, 'data', 'int64 values within +-2^53', String(b), `at element ${i}`);
        v = Number(b);
      }
    } else if (kind === 'uint') {
      if (size === 2) v = dv.getUint16(o, true);
      else if (size === 4) v = dv.getUint32(o, true);
      else {
        const b = dv.getBigUint64(o, true);
        if (b > BigInt(Number.MAX_SAFE_INTEGER))
          fail(file, 'data', 'uint64 values below 2^53', String(b), `at element ${i}`);
        v = Number(b);
      }
    } else if (size === 2) v = float16(dv.getUint16(o, true));
    else if (size === 4) v = dv.getFloat32(o, true);
    else v = dv.getFloat64(o, true);
    out[i] = v;
  }
  return out;
}

function float16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * The values as integers. Integer-valued floats are accepted (labels saved as float); any value with a
 * fraction, NaN or infinity is an error naming the first offending element.
 */
export function npyIntegers(a: NpyArray, file: string): Float64Array {
  if (a.kind !== 'float') return a.values;
  const v = a.values;
  const bad: number[] = [];
  for (let i = 0; i < v.length; i++) if (!Number.isInteger(v[i])) bad.push(i);
  if (bad.length > 0) {
    const i = bad[0] as number;
    fail(
      file,
      'data',
      'integer label values (floats are accepted only when integer-valued)',
      String(v[i]),
      `at element ${i}; ${bad.length} such values`,
    );
  }
  return v;
}
