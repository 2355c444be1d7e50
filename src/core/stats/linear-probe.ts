/**
 * Linear probe on frozen features, float64, in kernel form: the caller passes Gram matrices, never the
 * features (D is up to tens of thousands, n at most a few hundred).
 *
 * - single: softmax regression, minimise sum_i CE(softmax(x_i W + b), y_i) + ||W||_F^2 / (2C).
 * - multilabel: per label l, minimise sum_i BCE(sigmoid(x_i w_l + b_l), t_il) + ||w_l||^2 / (2C).
 * The bias is not penalised (scikit-learn's C convention).
 *
 * By the representer theorem W lies in the span of the support features. With K = U L U^T, the reduced
 * coordinates Z = U_r L_r^{1/2} (support) and Zq = cross U_r L_r^{-1/2} (query) are an isometric image of
 * that span, so the same regularised problem is solved on Z, by Newton's method (Armijo backtracking,
 * Cholesky solve). Softmax logits are only defined up to a per-row constant: the last class's bias is
 * pinned at 0 while solving (which makes the Hessian positive definite) and the biases are then centred
 * to sum 0. Because the bias is free, centring the features (support and query alike) changes nothing.
 */
import { symmetricEigen } from './sym-eigen';

export interface ProbeProblem {
  /** n x n Gram matrix of the (centred) support features, row-major, symmetric. */
  gram: Float64Array;
  n: number;
  /** m x n inner products of query features with support features, row-major. */
  cross: Float64Array;
  m: number;
  /** `single`: softmax regression over `classes`; `multilabel`: one binary logistic regression per label. */
  kind: 'single' | 'multilabel';
  /** single: n labels in [0, classes); multilabel: n x classes row-major 0/1 targets. */
  labels: ArrayLike<number>;
  classes: number;
  /** Inverse regularisation strength, as scikit-learn's C: minimise sum_i loss_i + ||W||_F^2 / (2 C); bias not penalised. */
  c: number;
}

export interface ProbeSolution {
  /** m x classes query logits (single: softmax logits; multilabel: each label's log-odds). */
  logits: Float64Array;
  /** Newton iterations (multilabel: the most any label needed). */
  iterations: number;
  /** Infinity norm of the objective's gradient at the solution (reduced coordinates; multilabel: the worst label). */
  gradNorm: number;
  /** Rank of the support Gram kept (eigenvalues above tolerance). */
  rank: number;
}

export const DEFAULT_PROBE_C = 1;

/** Eigenvalues at most this fraction of the largest are treated as 0 (dropped directions). */
const RANK_TOLERANCE = 1e-10;
const MAX_ITERATIONS = 100;
/** Converged when the gradient's infinity norm is below this times max(1, n). */
const GRADIENT_TOLERANCE = 1e-9;
const ARMIJO = 1e-4;
const MAX_HALVINGS = 60;
/** Near the optimum the decrease is below f's rounding: accept steps that raise f by at most this much (relative). */
const ROUNDING_SLACK = 1e-13;
/** Diagonal jitter, relative to the mean diagonal, for a Hessian whose softmax probabilities saturate. */
const JITTER = 1e-12;

function fail(message: string): never {
  throw new Error(`solveLinearProbe: ${message}`);
}

function checkLength(name: string, data: ArrayLike<number>, expected: number, shape: string): void {
  if (data.length !== expected) fail(`${name} has ${data.length} values, expected ${shape} = ${expected}`);
}

function checkFinite(name: string, data: ArrayLike<number>, cols: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v))
      fail(`${name}[${i}] (row ${Math.floor(i / cols)}, column ${i % cols}) = ${v} is not finite`);
  }
}

/** Loose on purpose: a float32 Gram summed in another order is not bit-symmetric; a wrong layout is far off. */
const SYMMETRY_TOLERANCE = 1e-4;

function checkSymmetric(gram: Float64Array, n: number): void {
  let scale = 0;
  for (let i = 0; i < gram.length; i++) scale = Math.max(scale, Math.abs(gram[i] as number));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = gram[i * n + j] as number;
      const b = gram[j * n + i] as number;
      if (Math.abs(a - b) > SYMMETRY_TOLERANCE * scale)
        fail(
          `gram is not symmetric: gram[${i * n + j}] (row ${i}, column ${j}) = ${a} but (row ${j}, column ${i}) = ${b}`,
        );
    }
  }
}

function checkShape(p: ProbeProblem): void {
  if (!Number.isInteger(p.n) || p.n < 1) fail(`n = ${p.n} is not a positive integer`);
  if (!Number.isInteger(p.m) || p.m < 0) fail(`m = ${p.m} is not a non-negative integer`);
  if (p.kind !== 'single' && p.kind !== 'multilabel') fail(`kind = ${String(p.kind)} is not 'single' or 'multilabel'`);
  const least = p.kind === 'single' ? 2 : 1;
  if (!Number.isInteger(p.classes) || p.classes < least) fail(`classes = ${p.classes} is not an integer >= ${least}`);
  if (!(p.c > 0) || !Number.isFinite(p.c)) fail(`c = ${p.c} is not a finite number > 0`);
  const labelShape = p.kind === 'single' ? `n = ${p.n}` : `n x classes = ${p.n} x ${p.classes}`;
  checkLength('gram', p.gram, p.n * p.n, `n x n = ${p.n} x ${p.n}`);
  checkLength('cross', p.cross, p.m * p.n, `m x n = ${p.m} x ${p.n}`);
  checkLength('labels', p.labels, p.kind === 'single' ? p.n : p.n * p.classes, labelShape);
}

/** A class (or label side) absent from the support would send its unpenalised bias to -Infinity. */
function checkLabels(p: ProbeProblem): void {
  const k = p.classes;
  const single = p.kind === 'single';
  const counts = new Float64Array(k);
  for (let i = 0; i < p.labels.length; i++) {
    const y = p.labels[i] as number;
    if (single ? !(Number.isInteger(y) && y >= 0 && y < k) : y !== 0 && y !== 1)
      fail(`labels[${i}] = ${y} is not ${single ? `in [0, ${k})` : '0 or 1'}`);
    if (single) counts[y] = (counts[y] as number) + 1;
    else counts[i % k] = (counts[i % k] as number) + y;
  }
  for (let j = 0; j < k; j++) {
    const c = counts[j] as number;
    if (single && c === 0) fail(`class ${j} has no support example (its bias would diverge)`);
    if (!single && (c === 0 || c === p.n))
      fail(`label ${j} has ${c === 0 ? 'no positive' : 'no negative'} support example (its bias would diverge)`);
  }
}

function validate(p: ProbeProblem): void {
  checkShape(p);
  checkFinite('gram', p.gram, p.n);
  checkFinite('cross', p.cross, p.n);
  checkSymmetric(p.gram, p.n);
  checkLabels(p);
}

interface Basis {
  /** n x r support coordinates. */
  z: Float64Array;
  /** (r + 1) x n: Z^T with a last row of ones. */
  zt: Float64Array;
  /** m x r query coordinates. */
  zq: Float64Array;
  r: number;
}

/** Z = U_r L_r^{1/2}, Zq = cross U_r L_r^{-1/2}: inner products are preserved on the span of the support. */
function reducedBasis(p: ProbeProblem): Basis {
  const { n, m } = p;
  const { values, vectors } = symmetricEigen(p.gram, n);
  const top = values[0] as number;
  let r = 0;
  while (r < n && top > 0 && (values[r] as number) > RANK_TOLERANCE * top) r++;
  const z = new Float64Array(n * r);
  const zt = new Float64Array((r + 1) * n).fill(1, r * n);
  const zq = new Float64Array(m * r);
  for (let j = 0; j < r; j++) {
    const root = Math.sqrt(values[j] as number);
    for (let i = 0; i < n; i++) z[i * r + j] = zt[j * n + i] = (vectors[i * n + j] as number) * root;
    for (let q = 0; q < m; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (p.cross[q * n + i] as number) * (vectors[i * n + j] as number);
      zq[q * r + j] = s / root;
    }
  }
  return { z, zt, zq, r };
}

/** A per-sample loss on its row of `width` logits; fills the gradient g and Hessian h in those logits when given. */
interface Link {
  width: number;
  loss(i: number, f: Float64Array, g?: Float64Array, h?: Float64Array): number;
}

function softmaxLink(labels: ArrayLike<number>, k: number): Link {
  const prob = new Float64Array(k);
  return {
    width: k,
    loss(i, f, g, h) {
      let max = -Infinity;
      for (let a = 0; a < k; a++) max = Math.max(max, f[a] as number);
      let sum = 0;
      for (let a = 0; a < k; a++) sum += Math.exp((f[a] as number) - max);
      const lse = max + Math.log(sum);
      const y = labels[i] as number;
      for (let a = 0; a < k; a++) prob[a] = Math.exp((f[a] as number) - lse);
      if (g) for (let a = 0; a < k; a++) g[a] = (prob[a] as number) - (a === y ? 1 : 0);
      if (h) {
        for (let a = 0; a < k; a++) {
          const pa = prob[a] as number;
          for (let b = 0; b < k; b++) h[a * k + b] = pa * ((a === b ? 1 : 0) - (prob[b] as number));
        }
      }
      return lse - (f[y] as number);
    },
  };
}

/** log(1 + e^x) without overflow or cancellation. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Binary cross-entropy of label `label` (targets n x stride): -log sigmoid(f) = softplus(-f) for a positive. */
function logisticLink(targets: ArrayLike<number>, stride: number, label: number): Link {
  return {
    width: 1,
    loss(i, f, g, h) {
      const t = targets[i * stride + label] as number;
      const x = f[0] as number;
      if (g || h) {
        const s = sigmoid(x);
        if (g) g[0] = s - t;
        if (h) h[0] = s * (1 - s);
      }
      return t * softplus(-x) + (1 - t) * softplus(x);
    },
  };
}

/**
 * A regularised linear model on the n x r coordinates z. Parameters x: (r + 1) x width row-major, row r the
 * bias (unpenalised); entries from `free` on are pinned at 0.
 */
interface Fit {
  z: Float64Array;
  /** (r + 1) x n: Z^T with a last row of ones, for the Hessian's contiguous sums. */
  zt: Float64Array;
  n: number;
  r: number;
  link: Link;
  c: number;
  free: number;
}

function rowLogits(fit: Fit, x: Float64Array, i: number, f: Float64Array): void {
  const { z, r } = fit;
  const w = fit.link.width;
  for (let k = 0; k < w; k++) {
    let s = x[r * w + k] as number;
    for (let j = 0; j < r; j++) s += (z[i * r + j] as number) * (x[j * w + k] as number);
    f[k] = s;
  }
}

function objective(fit: Fit, x: Float64Array): number {
  const penalised = fit.r * fit.link.width;
  let penalty = 0;
  for (let a = 0; a < penalised; a++) penalty += (x[a] as number) ** 2;
  let loss = penalty / (2 * fit.c);
  const f = new Float64Array(fit.link.width);
  for (let i = 0; i < fit.n; i++) {
    rowLogits(fit, x, i, f);
    loss += fit.link.loss(i, f);
  }
  return loss;
}

/** Full gradient, the pinned entries included (it is what `gradNorm` reports). */
function gradient(fit: Fit, x: Float64Array): Float64Array {
  const { z, r } = fit;
  const w = fit.link.width;
  const grad = new Float64Array(x.length);
  for (let a = 0; a < r * w; a++) grad[a] = (x[a] as number) / fit.c;
  const f = new Float64Array(w);
  const g = new Float64Array(w);
  for (let i = 0; i < fit.n; i++) {
    rowLogits(fit, x, i, f);
    fit.link.loss(i, f, g);
    for (let k = 0; k < w; k++) {
      const gk = g[k] as number;
      for (let j = 0; j < r; j++) grad[j * w + k] = (grad[j * w + k] as number) + (z[i * r + j] as number) * gk;
      grad[r * w + k] = (grad[r * w + k] as number) + gk;
    }
  }
  return grad;
}

/** The free x free Hessian: sum_i (z~_i z~_i^T) kron h_i with z~ = [z, 1], plus I / C on the weights. */
function hessian(fit: Fit, x: Float64Array): Float64Array {
  const { n, r, free, zt } = fit;
  const w = fit.link.width;
  const curvature = new Float64Array(n * w * w);
  const f = new Float64Array(w);
  for (let i = 0; i < n; i++) {
    rowLogits(fit, x, i, f);
    fit.link.loss(i, f, undefined, curvature.subarray(i * w * w, (i + 1) * w * w));
  }
  const hess = new Float64Array(free * free);
  const weighted = new Float64Array(n);
  // Class pair (ka, kb), kb <= ka: the weighted Gram Z~^T diag(h_i[ka][kb]) Z~, contiguous dot products of Z~^T rows.
  for (let ka = 0; ka < w; ka++) {
    for (let kb = 0; kb <= ka; kb++) {
      for (let ja = 0; ja <= r; ja++) {
        for (let i = 0; i < n; i++)
          weighted[i] = (curvature[i * w * w + ka * w + kb] as number) * (zt[ja * n + i] as number);
        for (let jb = 0; jb <= ja; jb++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += (weighted[i] as number) * (zt[jb * n + i] as number);
          // By the symmetry of h_i and of z~ z~^T, (ja ka, jb kb) and (ja kb, jb ka) hold the same sum.
          place(hess, free, ja * w + ka, jb * w + kb, s);
          place(hess, free, ja * w + kb, jb * w + ka, s);
        }
      }
    }
  }
  finishHessian(hess, free, r * w, fit.c);
  return hess;
}

function place(hess: Float64Array, free: number, a: number, b: number, v: number): void {
  if (a >= free || b >= free) return;
  hess[a * free + b] = v;
  hess[b * free + a] = v;
}

/** Add I / C on the weights and a tiny jitter everywhere, which saturated probabilities may need. */
function finishHessian(hess: Float64Array, free: number, penalised: number, c: number): void {
  let trace = 0;
  for (let a = 0; a < free; a++) trace += hess[a * free + a] as number;
  for (let a = 0; a < free; a++) {
    const ridge = a < penalised ? 1 / c : 0;
    hess[a * free + a] = (hess[a * free + a] as number) + ridge + (JITTER * trace) / free;
  }
}

/** Solves H d = -g on the first `size` entries by Cholesky, using only H's lower triangle (overwritten by L). */
function newtonStep(hess: Float64Array, size: number, g: Float64Array): Float64Array {
  for (let j = 0; j < size; j++) {
    for (let i = j; i < size; i++) {
      let s = hess[i * size + j] as number;
      for (let k = 0; k < j; k++) s -= (hess[i * size + k] as number) * (hess[j * size + k] as number);
      if (i === j) {
        if (!(s > 0)) fail(`internal error: the Hessian is not positive definite (pivot ${j} = ${s})`);
        hess[j * size + j] = Math.sqrt(s);
      } else hess[i * size + j] = s / (hess[j * size + j] as number);
    }
  }
  const d = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = -(g[i] as number);
    for (let k = 0; k < i; k++) s -= (hess[i * size + k] as number) * (d[k] as number);
    d[i] = s / (hess[i * size + i] as number);
  }
  for (let i = size - 1; i >= 0; i--) {
    let s = d[i] as number;
    for (let k = i + 1; k < size; k++) s -= (hess[k * size + i] as number) * (d[k] as number);
    d[i] = s / (hess[i * size + i] as number);
  }
  return d;
}

/** Armijo backtracking from the full Newton step; null when no step length decreases f. */
function lineSearch(
  fit: Fit,
  x: Float64Array,
  f: number,
  g: Float64Array,
  d: Float64Array,
): { x: Float64Array; f: number } | null {
  let slope = 0;
  for (let a = 0; a < d.length; a++) slope += (g[a] as number) * (d[a] as number);
  const slack = ROUNDING_SLACK * Math.max(1, Math.abs(f));
  const trial = new Float64Array(x.length);
  for (let halvings = 0, t = 1; halvings <= MAX_HALVINGS; halvings++, t /= 2) {
    for (let a = 0; a < d.length; a++) trial[a] = (x[a] as number) + t * (d[a] as number);
    const ft = objective(fit, trial);
    if (ft <= f + ARMIJO * t * slope + slack) return { x: trial, f: ft };
  }
  return null;
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let a = 0; a < v.length; a++) m = Math.max(m, Math.abs(v[a] as number));
  return m;
}

interface Minimum {
  x: Float64Array;
  iterations: number;
  gradNorm: number;
}

/** Newton's method from x = 0 until the gradient's infinity norm is below `tol` (or MAX_ITERATIONS, or a stall). */
function minimise(fit: Fit, tol: number): Minimum {
  let x: Float64Array = new Float64Array((fit.r + 1) * fit.link.width);
  let f = objective(fit, x);
  for (let iterations = 0; ; iterations++) {
    const g = gradient(fit, x);
    const gradNorm = infNorm(g);
    if (gradNorm < tol || iterations === MAX_ITERATIONS) return { x, iterations, gradNorm };
    const next = lineSearch(fit, x, f, g, newtonStep(hessian(fit, x), fit.free, g));
    if (!next) return { x, iterations, gradNorm };
    ({ x, f } = next);
  }
}

/** out[q * stride + offset + k] = Zq[q] W[:, k] + b[k] for the parameters x ((r + 1) x w). */
function queryLogits(
  basis: Basis,
  m: number,
  x: Float64Array,
  w: number,
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const { zq, r } = basis;
  for (let q = 0; q < m; q++) {
    for (let k = 0; k < w; k++) {
      let s = x[r * w + k] as number;
      for (let j = 0; j < r; j++) s += (zq[q * r + j] as number) * (x[j * w + k] as number);
      out[q * stride + offset + k] = s;
    }
  }
}

function solveSingle(p: ProbeProblem, basis: Basis, tol: number): ProbeSolution {
  const k = p.classes;
  const r = basis.r;
  // The last bias is pinned at 0 (free excludes it): softmax is invariant to a common shift of the biases.
  const fit: Fit = {
    z: basis.z,
    zt: basis.zt,
    n: p.n,
    r,
    link: softmaxLink(p.labels, k),
    c: p.c,
    free: (r + 1) * k - 1,
  };
  const { x, iterations, gradNorm } = minimise(fit, tol);
  let mean = 0;
  for (let a = r * k; a < x.length; a++) mean += (x[a] as number) / k;
  for (let a = r * k; a < x.length; a++) x[a] = (x[a] as number) - mean;
  const logits = new Float64Array(p.m * k);
  queryLogits(basis, p.m, x, k, logits, k, 0);
  return { logits, iterations, gradNorm, rank: r };
}

function solveMultilabel(p: ProbeProblem, basis: Basis, tol: number): ProbeSolution {
  const count = p.classes;
  const logits = new Float64Array(p.m * count);
  let iterations = 0;
  let gradNorm = 0;
  for (let l = 0; l < count; l++) {
    const link = logisticLink(p.labels, count, l);
    const fit: Fit = { z: basis.z, zt: basis.zt, n: p.n, r: basis.r, link, c: p.c, free: basis.r + 1 };
    const sol = minimise(fit, tol);
    iterations = Math.max(iterations, sol.iterations);
    gradNorm = Math.max(gradNorm, sol.gradNorm);
    queryLogits(basis, p.m, sol.x, 1, logits, count, l);
  }
  return { logits, iterations, gradNorm, rank: basis.r };
}

/**
 * Fits the probe on the support (through its Gram matrix) and returns the query logits. Throws, naming the
 * field, on a malformed problem, and when a class (multilabel: a label's positive or negative side) has no
 * support example, since its unpenalised bias would then diverge.
 */
export function solveLinearProbe(p: ProbeProblem): ProbeSolution {
  validate(p);
  const basis = reducedBasis(p);
  const tol = GRADIENT_TOLERANCE * Math.max(1, p.n);
  return p.kind === 'single' ? solveSingle(p, basis, tol) : solveMultilabel(p, basis, tol);
}
