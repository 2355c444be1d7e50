/**
 * Seeded pseudo-random numbers. Everything random in ProtoBench (demo images, episodes, subsampling)
 * draws from here, so the same seed gives the same bits on every backend, browser and run.
 *
 * `seedFrom(...parts)` derives an independent stream from a tuple of keys: episode i of a cell is
 * `new Rng(seedFrom(seed, task, split, k, q, mode, i))`, a pure function of those values whatever the
 * order in which episodes run.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `s`, continuing from `h`. */
function fnv1a(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed from a tuple of keys. Numbers and strings are tagged so that 1 and "1" differ. */
export function seedFrom(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    if (typeof p === 'number') {
      if (!Number.isFinite(p)) throw new Error(`seedFrom: key must be finite, got ${p}`);
      h = fnv1a(`n${p}|`, h);
    } else {
      h = fnv1a(`s${p.length}:${p}|`, h);
    }
  }
  return mix32(h);
}

/** sfc32 (Chris Doty-Humphrey's small fast counter): 128-bit state, passes PractRand, 32-bit ops only. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    // SplitMix-style expansion of one 32-bit seed into the 128-bit state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform integer in [0, 2^32). */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Unbiased uniform integer in [0, n), by rejection (Lemire-free, plain modulo rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296)
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.u32();
    while (x >= limit) x = this.u32();
    return x % n;
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place; returns `xs`. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = t;
    }
    return xs;
  }

  /** `k` distinct items of `xs`, in random order (partial Fisher-Yates on a copy). */
  sample<T>(xs: readonly T[], k: number): T[] {
    if (k > xs.length) throw new Error(`Rng.sample: asked for ${k} items from ${xs.length}`);
    const copy = xs.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.int(copy.length - i);
      const t = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = t;
    }
    return copy.slice(0, k);
  }
}
