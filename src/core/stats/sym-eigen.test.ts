import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { symmetricEigen } from './sym-eigen';

function randomSymmetric(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = rng.uniform(-1, 1);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/** B B^T for a random n x k matrix B: positive semi-definite of rank k. */
function lowRank(rng: Rng, n: number, k: number): Float64Array {
  const b = Array.from({ length: n * k }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += (b[i * k + t] as number) * (b[j * k + t] as number);
      a[i * n + j] = s;
    }
  }
  return a;
}

/** Largest |(V diag(values) V^T - a)_ij| and |(V^T V - I)_ij|. */
function errors(a: Float64Array, n: number): { reconstruction: number; orthonormality: number } {
  const { values, vectors: v } = symmetricEigen(a, n);
  let reconstruction = 0;
  let orthonormality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += (v[i * n + k] as number) * (values[k] as number) * (v[j * n + k] as number);
        o += (v[k * n + i] as number) * (v[k * n + j] as number);
      }
      reconstruction = Math.max(reconstruction, Math.abs(s - (a[i * n + j] as number)));
      orthonormality = Math.max(orthonormality, Math.abs(o - (i === j ? 1 : 0)));
    }
  }
  return { reconstruction, orthonormality };
}

describe('symmetricEigen', () => {
  it('reconstructs random symmetric matrices: orthonormal, sign-normalised vectors, descending values', () => {
    const rng = new Rng(7);
    for (const n of [1, 2, 3, 5, 17, 40, 90]) {
      const a = randomSymmetric(rng, n);
      const e = errors(a, n);
      expect(e.reconstruction).toBeLessThan(1e-12);
      expect(e.orthonormality).toBeLessThan(1e-12);
      const { values, vectors } = symmetricEigen(a, n);
      for (let j = 1; j < n; j++) expect(values[j] as number).toBeLessThanOrEqual(values[j - 1] as number);
      for (let j = 0; j < n; j++) {
        const column = Array.from({ length: n }, (_, i) => vectors[i * n + j] as number);
        expect(Math.max(...column)).toBe(Math.max(...column.map(Math.abs)));
      }
      // The trace is the sum of the eigenvalues.
      let trace = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i] as number;
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 11);
    }
  });

  it('finds the zero eigenvalues of a rank-deficient Gram matrix', () => {
    const rng = new Rng(11);
    const n = 12;
    const a = lowRank(rng, n, 3);
    const { values } = symmetricEigen(a, n);
    expect(values[2] as number).toBeGreaterThan(1);
    for (let j = 3; j < n; j++) expect(Math.abs(values[j] as number)).toBeLessThan(1e-12 * (values[0] as number));
    const e = errors(a, n);
    expect(e.reconstruction).toBeLessThan(1e-12 * (values[0] as number));
    expect(e.orthonormality).toBeLessThan(1e-12);
  });

  it('matches 2 x 2 goldens, with each vector sign-normalised (largest entry positive)', () => {
    // [[4, 1], [1, 2]]: 3 +- sqrt 2; vectors (1, sqrt2 - 1) and (-1, 1 + sqrt 2), normalised.
    const r = symmetricEigen(new Float64Array([4, 1, 1, 2]), 2);
    expect(r.values[0]).toBeCloseTo(3 + Math.SQRT2, 14);
    expect(r.values[1]).toBeCloseTo(3 - Math.SQRT2, 14);
    const n1 = Math.hypot(1, Math.SQRT2 - 1);
    const n2 = Math.hypot(1, 1 + Math.SQRT2);
    const expected = [1 / n1, -1 / n2, (Math.SQRT2 - 1) / n1, (1 + Math.SQRT2) / n2];
    Array.from(r.vectors).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 14));
    // [[2, 1], [1, 2]]: 3 and 1 with (1, 1) / sqrt 2 and (1, -1) / sqrt 2 up to sign.
    const s = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
    expect(Array.from(s.values)).toEqual([3, 1].map((v) => expect.closeTo(v, 14)));
    Array.from(s.vectors).forEach((v) => expect(Math.abs(v)).toBeCloseTo(Math.SQRT1_2, 14));
    expect((s.vectors[0] as number) * (s.vectors[2] as number)).toBeGreaterThan(0);
    expect((s.vectors[1] as number) * (s.vectors[3] as number)).toBeLessThan(0);
  });

  it('sorts an already diagonal matrix and handles the empty one', () => {
    const r = symmetricEigen(new Float64Array([1, 0, 0, 0, -2, 0, 0, 0, 5]), 3);
    expect(Array.from(r.values)).toEqual([5, 1, -2]);
    expect(Array.from(r.vectors)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
  });

  it('decomposes the symmetric part of a slightly asymmetric input', () => {
    const r = symmetricEigen(new Float64Array([2, 1 + 1e-9, 1 - 1e-9, 2]), 2);
    expect(r.values[0]).toBeCloseTo(3, 14);
  });

  it('refuses a wrong length and non-finite entries', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(
      'symmetricEigen: matrix has 5 values, expected n x n = 2 x 2 = 4',
    );
    expect(() => symmetricEigen(new Float64Array([1, 0, NaN, 1]), 2)).toThrow(
      'symmetricEigen: entry (1, 0) = NaN is not finite',
    );
    expect(() => symmetricEigen(new Float64Array([Infinity]), 1)).toThrow('entry (0, 0) = Infinity is not finite');
    expect(() => symmetricEigen(new Float64Array(4), 1.5)).toThrow('n = 1.5 is not a non-negative integer');
  });
});
