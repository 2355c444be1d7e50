/**
 * `configHash`: a stable identity of what a config runs, for resuming a run and grouping sweeps.
 *
 * Canonical JSON (object keys sorted at every level, arrays in order, numbers as JSON writes them) of
 * the effective config (fields the mode ignores normalised, see `effectiveConfig`; `methods` left out when
 * it is ProtoNet alone), hashed with 64-bit
 * FNV-1a over its UTF-8 bytes: 16 hex digits. Not a security hash; collisions between configs a person
 * makes are not a concern at 64 bits. Array order counts: it is the display order of rows, columns and K.
 */

import { isSupervisedSource } from './keys';
import { effectiveConfig } from './spec';
import type { RunConfig } from './types';

/** JSON with object keys sorted; refuses non-finite numbers and values JSON cannot hold. */
export function canonicalJSON(v: unknown): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`canonicalJSON: ${v} is not a finite number`);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`).join(',')}}`;
  }
  throw new Error(`canonicalJSON: cannot write a ${typeof v}`);
}

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a of the UTF-8 bytes of `s`, as 16 hex digits. */
export function fnv1a64(s: string): string {
  let h = FNV64_OFFSET;
  for (const b of new TextEncoder().encode(s)) {
    h ^= BigInt(b);
    h = (h * FNV64_PRIME) & MASK64;
  }
  return h.toString(16).padStart(16, '0');
}

/**
 * ProtoNet alone, the only method before methods existed, is left out, and so are the fine-tune settings
 * unless the method runs (the supervised settings unless a supervised row does): older records keep their hash, and unused settings do not split it.
 */
export function configHash(config: RunConfig): string {
  const e = effectiveConfig(config);
  const protonetOnly = e.methods.length === 1 && e.methods[0] === 'protonet';
  const finetune = e.methods.includes('finetune') ? e.finetune : undefined;
  const supervised = e.sources.some(isSupervisedSource) ? e.supervised : undefined;
  return fnv1a64(canonicalJSON({ ...e, methods: protonetOnly ? undefined : e.methods, finetune, supervised }));
}
