/**
 * Encoder weights as a file (export, import): a JSON header and the float32 values, in one binary.
 * Pure TypeScript (no tfjs, no DOM).
 *
 *   bytes 0-7    ASCII "PBWEIGHT"
 *   bytes 8-11   uint32 little-endian: header length H in bytes
 *   bytes 12..   header: UTF-8 JSON (WeightsFileHeader), then zero padding to a multiple of 4
 *   then         every tensor's values, float32 little-endian, back to back in header order
 *
 * The header names each tensor with its shape and its offset and length (in floats) into the data, and
 * holds the SHA-256 of the data, which decoding checks. Stored-weights metadata (key, what it was
 * trained on, summary) travels in the header too, so a file can go back into another browser's store.
 * Non-finite numbers in the metadata are written as null (JSON has no NaN).
 */

import { WEIGHTS_FORMAT, type EncoderConfig, type EncoderWeights, type WeightTensor } from './fewshot/encoders/types';

export const WEIGHTS_FILE_MAGIC = 'PBWEIGHT';
export const WEIGHTS_FILE_FORMAT = 'protobench/encoder-weights-file';
export const WEIGHTS_FILE_VERSION = 1;
/** Largest header accepted (the metadata of a stored record is a few kB). */
export const MAX_WEIGHTS_HEADER = 4 * 1024 * 1024;
/** Largest tensor count accepted. */
const MAX_TENSORS = 4096;

export interface WeightsFileHeader {
  format: typeof WEIGHTS_FILE_FORMAT;
  version: typeof WEIGHTS_FILE_VERSION;
  config: EncoderConfig;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
  /** Floats in the data section. */
  floats: number;
  /** SHA-256 (hex) of the data section's bytes. */
  sha256: string;
  /** Free metadata (a stored record's key, keyInput, createdAt, summary). */
  meta?: Record<string, unknown>;
}

export interface WeightsFile {
  weights: EncoderWeights;
  meta: Record<string, unknown>;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('ProtoBench needs a little-endian platform');

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** The file's bytes. */
export async function encodeWeightsFile(
  weights: EncoderWeights,
  meta: Record<string, unknown> = {},
): Promise<Uint8Array> {
  checkWeights(weights);
  let floats = 0;
  const tensors = weights.tensors.map((t) => {
    const e = { name: t.name, shape: [...t.shape], offset: floats, length: t.values.length };
    floats += t.values.length;
    return e;
  });
  const data = new Float32Array(floats);
  for (const [i, t] of weights.tensors.entries()) data.set(t.values, (tensors[i] as { offset: number }).offset);
  const dataBytes = new Uint8Array(data.buffer);
  const header: WeightsFileHeader = {
    format: WEIGHTS_FILE_FORMAT,
    version: WEIGHTS_FILE_VERSION,
    config: structuredClone(weights.config),
    tensors,
    floats,
    sha256: await sha256Hex(dataBytes),
    meta,
  };
  const json = new TextEncoder().encode(
    JSON.stringify(header, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  );
  const start = pad4(12 + json.length);
  const out = new Uint8Array(start + dataBytes.length);
  out.set(new TextEncoder().encode(WEIGHTS_FILE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(dataBytes, start);
  return out;
}

function fail(why: string): never {
  throw new Error(`Not a ProtoBench weights file: ${why}`);
}

function checkConfig(c: unknown): EncoderConfig {
  const o = c as Partial<EncoderConfig> | null;
  if (!o || typeof o !== 'object') fail('the header has no encoder config');
  if (o.name !== 'conv4' && o.name !== 'conv4-untrained' && o.name !== 'resnet12' && o.name !== 'pixels')
    fail(`unknown encoder "${String(o.name)}"`);
  if (!Number.isInteger(o.inputSize) || (o.inputSize as number) < 1) fail('the encoder config has no input size');
  if (o.channels !== 1 && o.channels !== 3) fail('the encoder config has no channel count (1 or 3)');
  return o as EncoderConfig;
}

function checkWeights(w: EncoderWeights): void {
  if (w?.format !== WEIGHTS_FORMAT || w.version !== 1) throw new Error('encodeWeightsFile: not encoder weights');
  if (!Array.isArray(w.tensors) || w.tensors.length === 0) throw new Error('encodeWeightsFile: no tensors');
  for (const t of w.tensors) {
    if (!(t.values instanceof Float32Array)) throw new Error(`encodeWeightsFile: "${t.name}" is not float32`);
    if (t.shape.reduce((a, b) => a * b, 1) !== t.values.length)
      throw new Error(`encodeWeightsFile: "${t.name}" does not match its shape ${t.shape.join('x')}`);
  }
}

/** Parse and check a file (magic, header, every tensor's extent, the data's SHA-256). Copies the values. */
export async function decodeWeightsFile(bytes: Uint8Array): Promise<WeightsFile> {
  if (bytes.length < 12) fail(`${bytes.length} bytes is too short`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== WEIGHTS_FILE_MAGIC) fail('it does not start with PBWEIGHT');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(8, true);
  if (h === 0 || h > MAX_WEIGHTS_HEADER || 12 + h > bytes.length) fail(`bad header length ${h}`);
  let header: WeightsFileHeader;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + h)),
    ) as WeightsFileHeader;
  } catch (e) {
    fail(`the header is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (header?.format !== WEIGHTS_FILE_FORMAT) fail(`format is ${JSON.stringify(header?.format)}`);
  if (header.version !== WEIGHTS_FILE_VERSION)
    fail(`version ${JSON.stringify(header.version)} (this build reads version ${WEIGHTS_FILE_VERSION})`);
  const config = checkConfig(header.config);
  const start = pad4(12 + h);
  const floats = header.floats;
  if (!Number.isInteger(floats) || floats < 0 || start + 4 * floats !== bytes.length)
    fail(`the data section holds ${bytes.length - start} bytes, the header says ${String(floats)} floats`);
  const dataBytes = bytes.slice(start);
  if ((await sha256Hex(dataBytes)) !== header.sha256) fail('the data does not match its SHA-256 (damaged file)');
  const data = new Float32Array(dataBytes.buffer);
  if (!Array.isArray(header.tensors) || header.tensors.length === 0 || header.tensors.length > MAX_TENSORS)
    fail('the header lists no tensors');
  const names = new Set<string>();
  const tensors: WeightTensor[] = header.tensors.map((t, i) => {
    if (typeof t?.name !== 'string' || t.name.length === 0 || names.has(t.name)) fail(`tensor ${i} has a bad name`);
    names.add(t.name);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0))
      fail(`tensor "${t.name}" has a bad shape`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.length !== n || !Number.isInteger(t.offset) || t.offset < 0 || t.offset + n > floats)
      fail(`tensor "${t.name}" (${t.shape.join('x')}) does not fit the data`);
    return { name: t.name, shape: [...t.shape], values: data.slice(t.offset, t.offset + n) };
  });
  const meta = header.meta && typeof header.meta === 'object' ? header.meta : {};
  return { weights: { format: WEIGHTS_FORMAT, version: 1, config, tensors }, meta };
}
