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
/** Conjugate-gradient iterations allowed per Newton step, as a multiple of the unknowns (a safety net). */
const MAX_CG_FACTOR = 2;

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
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) z[i * r + j] = (vectors[i * n + j] as number) * Math.sqrt(values[j] as number);
  }
  // Zq = cross U_r, row by row (contiguous in U's rows), then scaled by L_r^{-1/2}.
  const zq = new Float64Array(m * r);
  for (let q = 0; q < m; q++) {
    for (let i = 0; i < n; i++) {
      const c = p.cross[q * n + i] as number;
      for (let j = 0; j < r; j++) zq[q * r + j] = (zq[q * r + j] as number) + c * (vectors[i * n + j] as number);
    }
    for (let j = 0; j < r; j++) zq[q * r + j] = (zq[q * r + j] as number) / Math.sqrt(values[j] as number);
  }
  return { z, zq, r };
}

/**
 * A per-sample loss on its row of `width` logits; fills the gradient g and the width x width Hessian h in
 * those logits when given (h's entries that are always 0 may be left untouched).
 */
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

/**
 * All labels' binary cross-entropies at once (targets n x k): the problems are independent, so their sum
 * has the same minimiser, and a diagonal Hessian. -log sigmoid(f) = softplus(-f) for a positive.
 */
function logisticLink(targets: ArrayLike<number>, k: number): Link {
  return {
    width: k,
    loss(i, f, g, h) {
      let loss = 0;
      for (let l = 0; l < k; l++) {
        const t = targets[i * k + l] as number;
        const x = f[l] as number;
        if (g || h) {
          const s = sigmoid(x);
          if (g) g[l] = s - t;
          if (h) h[l * k + l] = s * (1 - s);
        }
        loss += t * softplus(-x) + (1 - t) * softplus(x);
      }
      return loss;
    },
  };
}

/**
 * A regularised linear model on the n x r coordinates z. Parameters x: (r + 1) x width row-major, row r the
 * bias (unpenalised); entries from `free` on are pinned at 0.
 */
interface Fit {
  z: Float64Array;
  n: number;
  r: number;
  link: Link;
  c: number;
  free: number;
}

/** f = z~_i X with z~_i = [z_i, 1]: the row's logits (or, for a direction X, their change). */
function rowTimes(fit: Fit, x: Float64Array, i: number, f: Float64Array): void {
  const { z, r } = fit;
  const w = fit.link.width;
  for (let k = 0; k < w; k++) f[k] = x[r * w + k] as number;
  for (let j = 0; j < r; j++) {
    const zij = z[i * r + j] as number;
    for (let k = 0; k < w; k++) f[k] = (f[k] as number) + zij * (x[j * w + k] as number);
  }
}

/** out += z~_i^T t, the transpose of rowTimes. */
function addRowOuter(fit: Fit, t: Float64Array, i: number, out: Float64Array): void {
  const { z, r } = fit;
  const w = fit.link.width;
  for (let j = 0; j < r; j++) {
    const zij = z[i * r + j] as number;
    for (let k = 0; k < w; k++) out[j * w + k] = (out[j * w + k] as number) + zij * (t[k] as number);
  }
  for (let k = 0; k < w; k++) out[r * w + k] = (out[r * w + k] as number) + (t[k] as number);
}

function objective(fit: Fit, x: Float64Array, f: Float64Array): number {
  const penalised = fit.r * fit.link.width;
  let penalty = 0;
  for (let a = 0; a < penalised; a++) penalty += (x[a] as number) ** 2;
  let loss = penalty / (2 * fit.c);
  for (let i = 0; i < fit.n; i++) {
    rowTimes(fit, x, i, f);
    loss += fit.link.loss(i, f);
  }
  return loss;
}


/** Per-fit work arrays, allocated once so that the inner loops allocate nothing. */
interface Work {
  /** A row's logits, gradient and Hessian-vector scratch (width each). */
  f: Float64Array;
  g: Float64Array;
  t: Float64Array;
  /** n x width x width: the per-sample Hessians at the current x. */
  curvature: Float64Array;
  /** (r + 1) x width x width: the preconditioner's blocks, then their Cholesky factors (lower triangles). */
  blocks: Float64Array;
  /** Diagonal shift relative to the mean diagonal, as JITTER (set with the blocks). */
  jitter: number;
  /** Conjugate-gradient vectors, (r + 1) x width each. */
  res: Float64Array;
  pre: Float64Array;
  dir: Float64Array;
  hdir: Float64Array;
}

function newWork(fit: Fit): Work {
  const w = fit.link.width;
  const size = (fit.r + 1) * w;
  const vec = (): Float64Array => new Float64Array(size);
  return {
    f: new Float64Array(w),
    g: new Float64Array(w),
    t: new Float64Array(w),
    curvature: new Float64Array(fit.n * w * w),
    blocks: new Float64Array(size * w),
    jitter: 0,
    res: vec(),
    pre: vec(),
    dir: vec(),
    hdir: vec(),
  };
}

/** Full gradient (the pinned entries included: it is what `gradNorm` reports); refreshes work.curvature. */
function gradient(fit: Fit, x: Float64Array, work: Work): Float64Array {
  const w = fit.link.width;
  const { f, g, curvature } = work;
  const grad = new Float64Array(x.length);
  for (let a = 0; a < fit.r * w; a++) grad[a] = (x[a] as number) / fit.c;
  for (let i = 0; i < fit.n; i++) {
    rowTimes(fit, x, i, f);
    fit.link.loss(i, f, g, curvature.subarray(i * w * w, (i + 1) * w * w));
    addRowOuter(fit, g, i, grad);
  }
  return grad;
}

/**
 * out = H v without forming H: sum_i z~_i^T h_i (z~_i v), plus I / C on the weights and the jitter; O(n r w)
 * rather than the (r w)^2 of H itself. Pinned entries of out are 0 (those of v must be).
 */
function hessianTimes(fit: Fit, work: Work, v: Float64Array, out: Float64Array): void {
  const w = fit.link.width;
  const { f, t, curvature } = work;
  out.fill(0);
  for (let i = 0; i < fit.n; i++) {
    rowTimes(fit, v, i, f);
    const h = i * w * w;
    for (let a = 0; a < w; a++) {
      let s = 0;
      for (let b = 0; b < w; b++) s += (curvature[h + a * w + b] as number) * (f[b] as number);
      t[a] = s;
    }
    addRowOuter(fit, t, i, out);
  }
  const ridge = 1 / fit.c;
  for (let a = 0; a < fit.r * w; a++) out[a] = (out[a] as number) + ridge * (v[a] as number);
  for (let a = 0; a < fit.free; a++) out[a] = (out[a] as number) + work.jitter * (v[a] as number);
  out.fill(0, fit.free);
}

/** Free entries of block j (the pinned ones are the tail of the last block). */
function blockSize(fit: Fit, j: number): number {
  const w = fit.link.width;
  return Math.max(0, Math.min(w, fit.free - j * w));
}

/**
 * H's diagonal blocks, one width x width block per coordinate j of z~: sum_i z~_ij^2 h_i (+ I / C). Exact
 * where the per-sample Hessians are equal, since Z^T Z is diagonal (and Z ⟂ 1 for a centred Gram); it keeps
 * the classes' coupling, which makes a shift common to all classes cheap. Lower triangles only.
 */
function fillBlocks(fit: Fit, work: Work): void {
  const { z, r } = fit;
  const w = fit.link.width;
  const { blocks, curvature } = work;
  const ww = w * w;
  blocks.fill(0);
  for (let i = 0; i < fit.n; i++) {
    for (let j = 0; j <= r; j++) {
      const zz = j < r ? (z[i * r + j] as number) ** 2 : 1;
      for (let a = 0; a < w; a++) {
        for (let b = 0; b <= a; b++)
          blocks[j * ww + a * w + b] = (blocks[j * ww + a * w + b] as number) + zz * (curvature[i * ww + a * w + b] as number);
      }
    }
  }
  let trace = 0;
  for (let j = 0; j <= r; j++) {
    for (let a = 0; a < blockSize(fit, j); a++) {
      if (j < r) blocks[j * ww + a * w + a] = (blocks[j * ww + a * w + a] as number) + 1 / fit.c;
      trace += blocks[j * ww + a * w + a] as number;
    }
  }
  work.jitter = (JITTER * trace) / fit.free;
}

/** Cholesky-factors each block in place (lower triangle), after adding the jitter to its diagonal. */
function factorBlocks(fit: Fit, work: Work): void {
  const w = fit.link.width;
  const { blocks } = work;
  for (let j = 0; j <= fit.r; j++) {
    const o = j * w * w;
    const size = blockSize(fit, j);
    for (let a = 0; a < size; a++) blocks[o + a * w + a] = (blocks[o + a * w + a] as number) + work.jitter;
    for (let b = 0; b < size; b++) {
      for (let a = b; a < size; a++) {
        let s = blocks[o + a * w + b] as number;
        for (let k = 0; k < b; k++) s -= (blocks[o + a * w + k] as number) * (blocks[o + b * w + k] as number);
        if (a === b) {
          if (!(s > 0)) fail(`internal error: the Hessian is not positive definite (block ${j}, pivot ${b} = ${s})`);
          blocks[o + b * w + b] = Math.sqrt(s);
        } else blocks[o + a * w + b] = s / (blocks[o + b * w + b] as number);
      }
    }
  }
}

/** out = M^{-1} v for the factored blocks; pinned entries 0. */
function precondition(fit: Fit, work: Work, v: Float64Array, out: Float64Array): void {
  const w = fit.link.width;
  const { blocks } = work;
  out.fill(0);
  for (let j = 0; j <= fit.r; j++) {
    const o = j * w * w;
    const e = j * w;
    const size = blockSize(fit, j);
    for (let a = 0; a < size; a++) {
      let s = v[e + a] as number;
      for (let k = 0; k < a; k++) s -= (blocks[o + a * w + k] as number) * (out[e + k] as number);
      out[e + a] = s / (blocks[o + a * w + a] as number);
    }
    for (let a = size - 1; a >= 0; a--) {
      let s = out[e + a] as number;
      for (let k = a + 1; k < size; k++) s -= (blocks[o + k * w + a] as number) * (out[e + k] as number);
      out[e + a] = s / (blocks[o + a * w + a] as number);
    }
  }
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let a = 0; a < v.length; a++) m = Math.max(m, Math.abs(v[a] as number));
  return m;
}

/**
 * The Newton step: H d = -g by conjugate gradients preconditioned with the blocks, stopped when the
 * residual's infinity norm is below `target`, or after MAX_CG_FACTOR times the unknowns (a safety net).
 */
function newtonStep(fit: Fit, work: Work, g: Float64Array, target: number): Float64Array {
  const { res, pre, dir, hdir } = work;
  const d = new Float64Array(g.length);
  for (let a = 0; a < g.length; a++) res[a] = a < fit.free ? -(g[a] as number) : 0;
  precondition(fit, work, res, pre);
  dir.set(pre);
  let rz = dotProduct(res, pre);
  for (let it = 0; it < MAX_CG_FACTOR * fit.free && infNorm(res) > target; it++) {
    hessianTimes(fit, work, dir, hdir);
    const curv = dotProduct(dir, hdir);
    if (!(curv > 0)) break;
    const alpha = rz / curv;
    for (let a = 0; a < d.length; a++) {
      d[a] = (d[a] as number) + alpha * (dir[a] as number);
      res[a] = (res[a] as number) - alpha * (hdir[a] as number);
    }
    precondition(fit, work, res, pre);
    const next = dotProduct(res, pre);
    const beta = next / rz;
    rz = next;
    for (let a = 0; a < d.length; a++) dir[a] = (pre[a] as number) + beta * (dir[a] as number);
    CG_COUNT.n++;
  }
  if (process.env.LP_DEBUG) console.log(`  newton: |g|=${infNorm(g).toExponential(2)} target=${target.toExponential(2)} cg=${CG_COUNT.n}`);
  return d;
}
export const CG_COUNT = { n: 0 };

/** Armijo backtracking from the full Newton step; null when no step length decreases f. */
function lineSearch(
  fit: Fit,
  work: Work,
  x: Float64Array,
  f: number,
  g: Float64Array,
  d: Float64Array,
): { x: Float64Array; f: number } | null {
  const slope = dotProduct(g, d);
  const slack = ROUNDING_SLACK * Math.max(1, Math.abs(f));
  const trial = new Float64Array(x.length);
  for (let halvings = 0, t = 1; halvings <= MAX_HALVINGS; halvings++, t /= 2) {
    for (let a = 0; a < d.length; a++) trial[a] = (x[a] as number) + t * (d[a] as number);
    const ft = objective(fit, trial, work.f);
    if (ft <= f + ARMIJO * t * slope + slack) return { x: trial, f: ft };
  }
  return null;
}

/**
 * How accurately to solve the Newton system: relative residual min(1/2, |g| / max(1, n)) keeps the outer
 * iteration quadratic; no tighter than a tenth of the final tolerance, which is all the last step needs.
 */
function forcing(gradNorm: number, n: number, tol: number, prev: { g: number; eta: number }): number {
  const mode = process.env.LP_FORCING ?? 'quad';
  const rel = gradNorm / Math.max(1, n);
  let eta: number;
  if (mode === 'ew') {
    const gamma = Number(process.env.LP_GAMMA ?? 0.9);
    eta = prev.g > 0 ? gamma * (gradNorm / prev.g) ** 2 : 0.5;
    if (prev.g > 0 && gamma * prev.eta ** 2 > 0.1) eta = Math.max(eta, gamma * prev.eta ** 2);
    eta = Math.min(0.5, eta);
    prev.g = gradNorm;
    prev.eta = eta;
  } else eta = mode === 'quad' ? Math.min(0.5, rel) : mode === 'sqrt' ? Math.min(0.5, Math.sqrt(rel)) : Number(mode);
  return Math.max(Number(process.env.LP_FLOOR ?? 0.1) * tol, eta * gradNorm);
}

interface Minimum {
  x: Float64Array;
  iterations: number;
  gradNorm: number;
}

/** Newton's method from x = 0 until the gradient's infinity norm is below `tol` (or MAX_ITERATIONS, or a stall). */
function minimise(fit: Fit, tol: number): Minimum {
  const work = newWork(fit);
  let x: Float64Array = new Float64Array((fit.r + 1) * fit.link.width);
  let f = objective(fit, x, work.f);
  const prev = { g: 0, eta: 0 };
  for (let iterations = 0; ; iterations++) {
    const g = gradient(fit, x, work);
    const gradNorm = infNorm(g);
    if (gradNorm < tol || iterations === MAX_ITERATIONS) return { x, iterations, gradNorm };
    fillBlocks(fit, work);
    factorBlocks(fit, work);
    const next = lineSearch(fit, work, x, f, g, newtonStep(fit, work, g, forcing(gradNorm, fit.n, tol, prev)));
    if (!next) return { x, iterations, gradNorm };
    ({ x, f } = next);
  }
}

/** out[q * w + k] = Zq[q] W[:, k] + b[k] for the parameters x ((r + 1) x w). */
function queryLogits(basis: Basis, m: number, x: Float64Array, w: number): Float64Array {
  const { zq, r } = basis;
  const out = new Float64Array(m * w);
  for (let q = 0; q < m; q++) {
    for (let k = 0; k < w; k++) out[q * w + k] = x[r * w + k] as number;
    for (let j = 0; j < r; j++) {
      const v = zq[q * r + j] as number;
      for (let k = 0; k < w; k++) out[q * w + k] = (out[q * w + k] as number) + v * (x[j * w + k] as number);
    }
  }
  return out;
}

function solveSingle(p: ProbeProblem, basis: Basis, tol: number): ProbeSolution {
  const k = p.classes;
  const r = basis.r;
  // The last bias is pinned at 0 (free excludes it): softmax is invariant to a common shift of the biases.
  const fit: Fit = { z: basis.z, n: p.n, r, link: softmaxLink(p.labels, k), c: p.c, free: (r + 1) * k - 1 };
  const { x, iterations, gradNorm } = minimise(fit, tol);
  let mean = 0;
  for (let a = r * k; a < x.length; a++) mean += (x[a] as number) / k;
  for (let a = r * k; a < x.length; a++) x[a] = (x[a] as number) - mean;
  return { logits: queryLogits(basis, p.m, x, k), iterations, gradNorm, rank: r };
}

/** All labels in one fit: their sum separates, so this is each label's own minimiser. */
function solveMultilabel(p: ProbeProblem, basis: Basis, tol: number): ProbeSolution {
  const k = p.classes;
  const r = basis.r;
  const fit: Fit = { z: basis.z, n: p.n, r, link: logisticLink(p.labels, k), c: p.c, free: (r + 1) * k };
  const { x, iterations, gradNorm } = minimise(fit, tol);
  return { logits: queryLogits(basis, p.m, x, k), iterations, gradNorm, rank: r };
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
