/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in float64. O(n^3) a sweep,
 * but accurate to a few ulps (small eigenvalues included) and short: it serves the linear probe, whose
 * Gram matrices have at most a few hundred rows. Only the symmetric part (A + A^T) / 2 is decomposed.
 */

export interface SymmetricEigen {
  /** The n eigenvalues, descending. */
  values: Float64Array;
  /** n x n row-major, eigenvector j in column j; unit length, its largest-magnitude entry positive. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 100;
/** Stop when the off-diagonal Frobenius norm is at most this fraction of the whole matrix's. */
const RELATIVE_OFF = 1e-15;

function checkInput(a: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`symmetricEigen: n = ${n} is not a non-negative integer`);
  if (a.length !== n * n)
    throw new Error(`symmetricEigen: matrix has ${a.length} values, expected n x n = ${n} x ${n} = ${n * n}`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (!Number.isFinite(v))
      throw new Error(`symmetricEigen: entry (${Math.floor(i / n)}, ${i % n}) = ${v} is not finite`);
  }
}

/** Off-diagonal sum of squares (the diagonal too when `withDiagonal`). */
function sumSquares(a: Float64Array, n: number, withDiagonal: boolean): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (withDiagonal || i !== j) s += (a[i * n + j] as number) ** 2;
  }
  return s;
}

/** A <- J^T A J and V <- V J for the plane rotation J in (p, q) that zeroes A[p][q] (Golub & Van Loan 8.5). */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q] as number;
  if (apq === 0) return;
  const app = a[p * n + p] as number;
  const aqq = a[q * n + q] as number;
  const tau = (aqq - app) / (2 * apq);
  // The smaller root of t^2 + 2 tau t - 1 = 0 keeps the rotation angle under pi/4; hypot cannot overflow.
  const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.hypot(1, tau));
  const c = 1 / Math.hypot(1, t);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue;
    const akp = a[k * n + p] as number;
    const akq = a[k * n + q] as number;
    const np = c * akp - s * akq;
    const nq = s * akp + c * akq;
    a[k * n + p] = np;
    a[p * n + k] = np;
    a[k * n + q] = nq;
    a[q * n + k] = nq;
  }
  a[p * n + p] = app - t * apq;
  a[q * n + q] = aqq + t * apq;
  a[p * n + q] = 0;
  a[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p] as number;
    const vkq = v[k * n + q] as number;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

/** Eigenvalues from the diagonal, sorted descending, with their columns of V (sign-normalised). */
function sortedPairs(a: Float64Array, v: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => (a[y * n + y] as number) - (a[x * n + x] as number) || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    values[j] = a[src * n + src] as number;
    let big = 0;
    for (let k = 1; k < n; k++) if (Math.abs(v[k * n + src] as number) > Math.abs(v[big * n + src] as number)) big = k;
    const sign = (v[big * n + src] as number) < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[k * n + j] = sign * (v[k * n + src] as number);
  });
  return { values, vectors };
}

/**
 * Eigenvalues (descending) and orthonormal eigenvectors of the symmetric n x n row-major matrix `a`:
 * a = V diag(values) V^T. Throws on a wrong length or a non-finite entry.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  checkInput(a, n);
  const w = new Float64Array(n * n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    v[i * n + i] = 1;
    for (let j = 0; j < n; j++) w[i * n + j] = ((a[i * n + j] as number) + (a[j * n + i] as number)) / 2;
  }
  // Rotations preserve the Frobenius norm, so the stopping threshold is fixed up front.
  const limit = RELATIVE_OFF ** 2 * sumSquares(w, n, true);
  for (let sweep = 0; sweep < MAX_SWEEPS && sumSquares(w, n, false) > limit; sweep++) {
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(w, v, n, p, q);
  }
  return sortedPairs(w, v, n);
}
