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
 * that span, so the same regularised problem is solved on Z, by Newton's method (Armijo backtracking).
 * Each Newton system is solved by preconditioned conjugate gradients, with Hessian-vector products taken
 * from the per-sample structure, O(n r C) each: the (r C)^2 Hessian, whose Cholesky costs (n C)^3, is
 * never formed. All labels of a multilabel problem are solved at once (their sum separates). Softmax
 * logits are only defined up to a per-row constant: the last class's bias is pinned at 0 while solving
 * (which makes the Hessian positive definite) and the biases are then centred to sum 0. Because the bias
 * is free, centring the features (support and query alike) changes nothing.
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
  /** Newton iterations (multilabel: of the joint fit of all labels). */
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
/** Conjugate-gradient iterations after which the coordinate blocks give way to the class blocks. */
const COORDINATE_BUDGET = 50;
/** No Newton system is solved to a residual below this fraction of the final gradient tolerance. */
const RESIDUAL_FLOOR = 0.01;
/** Eisenstat-Walker forcing terms (see residualTarget). */
const MAX_FORCING = 0.5;
const FORCING_GAMMA = 0.9;

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
  /** n x n eigenvectors of the Gram (the first r columns kept). */
  vectors: Float64Array;
  /** L_r^{-1/2}, r values: maps W back to the span for the queries. */
  invRoot: Float64Array;
  r: number;
}

/** Z = U_r L_r^{1/2}: inner products are preserved on the span of the support. */
function reducedBasis(p: ProbeProblem): Basis {
  const n = p.n;
  const { values, vectors } = symmetricEigen(p.gram, n);
  const top = values[0] as number;
  let r = 0;
  while (r < n && top > 0 && (values[r] as number) > RANK_TOLERANCE * top) r++;
  const root = values.subarray(0, r).map(Math.sqrt);
  const z = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) z[i * r + j] = (vectors[i * n + j] as number) * (root[j] as number);
  }
  return { z, vectors, invRoot: root.map((v) => 1 / v), r };
}

/**
 * A per-sample loss on its row of `width` logits; fills the gradient g and the width x width Hessian h in
 * those logits when given. A `diagonal` link writes only h's diagonal (the rest must stay 0).
 */
interface Link {
  width: number;
  diagonal: boolean;
  loss(i: number, f: Float64Array, g?: Float64Array, h?: Float64Array): number;
}

function softmaxLink(labels: ArrayLike<number>, k: number): Link {
  const prob = new Float64Array(k);
  return {
    width: k,
    diagonal: false,
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
 * Every label's binary cross-entropy at once (targets n x k): the labels' problems are independent, so
 * their sum has each one's minimiser. -log sigmoid(f) = softplus(-f) for a positive.
 */
function logisticLink(targets: ArrayLike<number>, k: number): Link {
  return {
    width: k,
    diagonal: true,
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

/** f = z~_i X with z~_i = [z_i, 1]: the row's logits (for a direction X, their change). */
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

/** `f` is scratch for a row's logits. */
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

/**
 * A block-diagonal part of H, factored (Cholesky, lower triangles): block b is span x span at b * span^2 and
 * acts on the parameter entries b * outer + k * inner, k < size[b] (pinned entries, a tail, excluded).
 * 'coordinate': one width x width block per coordinate j of z~, all classes coupled; 'class': one
 * (r + 1) x (r + 1) block per class, all coordinates coupled.
 */
interface Blocks {
  mode: 'coordinate' | 'class';
  data: Float64Array;
  count: number;
  span: number;
  outer: number;
  inner: number;
  size: Int32Array;
}

function newBlocks(fit: Fit, mode: Blocks['mode']): Blocks {
  const w = fit.link.width;
  const s1 = fit.r + 1;
  const [count, span, outer, inner] = mode === 'coordinate' ? [s1, w, w, 1] : [w, s1, 1, w];
  // Entries b * outer + k * inner < free are free.
  const size = Int32Array.from({ length: count }, (_, b) =>
    Math.max(0, Math.min(span, Math.ceil((fit.free - b * outer) / inner))),
  );
  return { mode, data: new Float64Array(count * span * span), count, span, outer, inner, size };
}

/** Per-fit work arrays, allocated once so that the inner loops allocate nothing. */
interface Work {
  /** A row's logits, gradient and Hessian-vector scratch (width each). */
  f: Float64Array;
  g: Float64Array;
  t: Float64Array;
  /** n x width x width: the per-sample Hessians at the current x. */
  curvature: Float64Array;
  blocks: Blocks;
  /** JITTER times H's mean diagonal, added to H and to the blocks. */
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
  return {
    f: new Float64Array(w),
    g: new Float64Array(w),
    t: new Float64Array(w),
    curvature: new Float64Array(fit.n * w * w),
    blocks: newBlocks(fit, 'coordinate'),
    jitter: 0,
    res: new Float64Array(size),
    pre: new Float64Array(size),
    dir: new Float64Array(size),
    hdir: new Float64Array(size),
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
 * out = H v without forming H: sum_i z~_i^T h_i (z~_i v), plus I / C on the weights and the jitter.
 * O(n r w), where H itself has (r w)^2 entries. Pinned entries of out are 0 (those of v must be).
 */
function hessianTimes(fit: Fit, work: Work, v: Float64Array, out: Float64Array): void {
  const w = fit.link.width;
  const diagonal = fit.link.diagonal;
  const { f, t, curvature } = work;
  out.fill(0);
  for (let i = 0; i < fit.n; i++) {
    rowTimes(fit, v, i, f);
    const h = i * w * w;
    for (let a = 0; a < w; a++) {
      let s = 0;
      for (let b = diagonal ? a : 0; b < (diagonal ? a + 1 : w); b++)
        s += (curvature[h + a * w + b] as number) * (f[b] as number);
      t[a] = s;
    }
    addRowOuter(fit, t, i, out);
  }
  const ridge = 1 / fit.c;
  for (let a = 0; a < fit.r * w; a++) out[a] = (out[a] as number) + ridge * (v[a] as number);
  for (let a = 0; a < fit.free; a++) out[a] = (out[a] as number) + work.jitter * (v[a] as number);
  out.fill(0, fit.free);
}

/**
 * Coordinate blocks: sum_i z~_ij^2 h_i per coordinate j. Z^T Z = L is diagonal, so with equal h_i (as at
 * x = 0) they are all of H but the weight-bias coupling, which a centred Gram (Z ⟂ 1) removes too. They
 * keep the classes' coupling (a shift common to all classes is cheap) and cost O(n r w^2).
 */
function fillCoordinateBlocks(fit: Fit, work: Work): void {
  const { z, r } = fit;
  const w = fit.link.width;
  const { curvature } = work;
  const data = work.blocks.data;
  const ww = w * w;
  for (let i = 0; i < fit.n; i++) {
    for (let j = 0; j <= r; j++) {
      const zz = j < r ? (z[i * r + j] as number) ** 2 : 1;
      for (let a = 0; a < w; a++) {
        for (let b = fit.link.diagonal ? a : 0; b <= a; b++) {
          const e = j * ww + a * w + b;
          data[e] = (data[e] as number) + zz * (curvature[i * ww + a * w + b] as number);
        }
      }
    }
  }
}

/**
 * Class blocks: sum_i h_i[c][c] z~_i z~_i^T per class c, O(n r^2 w). Exact for independent labels
 * (diagonal h); the fallback when the coordinate blocks leave the system ill-conditioned (saturated,
 * weakly regularised fits, where the h_i differ by orders of magnitude).
 */
function fillClassBlocks(fit: Fit, work: Work): void {
  const { n, r, z } = fit;
  const w = fit.link.width;
  const { curvature } = work;
  const { data, span } = work.blocks;
  // Z~^T, (r + 1) x n, for contiguous sums over the samples.
  const zt = new Float64Array((r + 1) * n).fill(1, r * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) zt[j * n + i] = z[i * r + j] as number;
  const weighted = new Float64Array(n);
  for (let c = 0; c < w; c++) {
    for (let ja = 0; ja <= r; ja++) {
      for (let i = 0; i < n; i++)
        weighted[i] = (curvature[i * w * w + c * w + c] as number) * (zt[ja * n + i] as number);
      for (let jb = 0; jb <= ja; jb++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (weighted[i] as number) * (zt[jb * n + i] as number);
        data[c * span * span + ja * span + jb] = s;
      }
    }
  }
}

/** Fills the blocks (+ I / C on the weights), sets the jitter from their diagonals (H's), and factors them. */
function prepareBlocks(fit: Fit, work: Work): void {
  const blocks = work.blocks;
  const { data, span, outer, inner, size } = blocks;
  data.fill(0);
  if (blocks.mode === 'coordinate') fillCoordinateBlocks(fit, work);
  else fillClassBlocks(fit, work);
  const penalised = fit.r * fit.link.width;
  let trace = 0;
  for (let b = 0; b < blocks.count; b++) {
    for (let k = 0; k < (size[b] as number); k++) {
      const e = b * span * span + k * span + k;
      if (b * outer + k * inner < penalised) data[e] = (data[e] as number) + 1 / fit.c;
      trace += data[e] as number;
    }
  }
  work.jitter = (JITTER * trace) / fit.free;
  for (let b = 0; b < blocks.count; b++) factor(data, b * span * span, span, size[b] as number, work.jitter);
}

/** In-place Cholesky of the size x size matrix at `o` (row stride `span`, lower triangle), its diagonal shifted. */
function factor(data: Float64Array, o: number, span: number, size: number, shift: number): void {
  for (let b = 0; b < size; b++) {
    for (let a = b; a < size; a++) {
      let s = (data[o + a * span + b] as number) + (a === b ? shift : 0);
      for (let k = 0; k < b; k++) s -= (data[o + a * span + k] as number) * (data[o + b * span + k] as number);
      if (a === b) {
        if (!(s > 0)) fail(`internal error: the Hessian is not positive definite (pivot ${b} = ${s})`);
        data[o + b * span + b] = Math.sqrt(s);
      } else data[o + a * span + b] = s / (data[o + b * span + b] as number);
    }
  }
}

/** out = M^{-1} v by the factored blocks; pinned entries 0. */
function precondition(blocks: Blocks, v: Float64Array, out: Float64Array): void {
  const { data, span, outer, inner, size } = blocks;
  out.fill(0);
  for (let b = 0; b < blocks.count; b++) {
    const o = b * span * span;
    const e = b * outer;
    const m = size[b] as number;
    for (let a = 0; a < m; a++) {
      let s = v[e + a * inner] as number;
      for (let k = 0; k < a; k++) s -= (data[o + a * span + k] as number) * (out[e + k * inner] as number);
      out[e + a * inner] = s / (data[o + a * span + a] as number);
    }
    for (let a = m - 1; a >= 0; a--) {
      let s = out[e + a * inner] as number;
      for (let k = a + 1; k < m; k++) s -= (data[o + k * span + a] as number) * (out[e + k * inner] as number);
      out[e + a * inner] = s / (data[o + a * span + a] as number);
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
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
 * The Newton step: H d = -g by preconditioned conjugate gradients, until the residual's inf-norm is below
 * `target` or after `budget` iterations (then not converged).
 */
function newtonStep(
  fit: Fit,
  work: Work,
  g: Float64Array,
  target: number,
  budget: number,
): { d: Float64Array; converged: boolean } {
  const { res, pre, dir, hdir, blocks } = work;
  const d = new Float64Array(g.length);
  for (let a = 0; a < g.length; a++) res[a] = a < fit.free ? -(g[a] as number) : 0;
  precondition(blocks, res, pre);
  dir.set(pre);
  let rz = dot(res, pre);
  for (let it = 0; infNorm(res) > target; it++) {
    if (it === budget) return { d, converged: false };
    hessianTimes(fit, work, dir, hdir);
    const curvature = dot(dir, hdir);
    if (!(curvature > 0)) break;
    const alpha = rz / curvature;
    for (let a = 0; a < d.length; a++) {
      d[a] = (d[a] as number) + alpha * (dir[a] as number);
      res[a] = (res[a] as number) - alpha * (hdir[a] as number);
    }
    precondition(blocks, res, pre);
    const next = dot(res, pre);
    const beta = next / rz;
    rz = next;
    for (let a = 0; a < d.length; a++) dir[a] = (pre[a] as number) + beta * (dir[a] as number);
  }
  return { d, converged: true };
}

/**
 * The step, preconditioned by the cheap coordinate blocks; when they need more than COORDINATE_BUDGET
 * iterations, by the class blocks instead, for this and every later step of the fit. Those run to at most
 * MAX_CG_FACTOR times the unknowns, a guard against a loop: the line search copes with an inexact step.
 */
function preconditionedStep(fit: Fit, work: Work, g: Float64Array, target: number): Float64Array {
  prepareBlocks(fit, work);
  const coordinate = work.blocks.mode === 'coordinate';
  const step = newtonStep(fit, work, g, target, coordinate ? COORDINATE_BUDGET : MAX_CG_FACTOR * fit.free);
  if (step.converged || !coordinate) return step.d;
  work.blocks = newBlocks(fit, 'class');
  return preconditionedStep(fit, work, g, target);
}

/** Armijo backtracking from the full Newton step; null when no step length decreases f. */
function lineSearch(
  fit: Fit,
  work: Work,
  x: Float64Array,
  f: number,
  g: Float64Array,
  d: Float64Array,
): { x: Float64Array; f: number } | null {
  const slope = dot(g, d);
  if (!(slope < 0)) return null;
  const slack = ROUNDING_SLACK * Math.max(1, Math.abs(f));
  const trial = new Float64Array(x.length);
  for (let halvings = 0, t = 1; halvings <= MAX_HALVINGS; halvings++, t /= 2) {
    for (let a = 0; a < d.length; a++) trial[a] = (x[a] as number) + t * (d[a] as number);
    const ft = objective(fit, trial, work.f);
    if (ft <= f + ARMIJO * t * slope + slack) return { x: trial, f: ft };
  }
  return null;
}

/** Eisenstat-Walker state: the previous gradient norm (0 before the first step) and forcing term. */
interface Forcing {
  gradNorm: number;
  eta: number;
}

/**
 * The residual a Newton step is solved to, by Eisenstat and Walker's choice 2 (gamma = 0.9, alpha = 2):
 * relative eta = 0.9 (|g| / |g_prev|)^2, at most 1/2. Quadratic near the optimum, yet loose while the line
 * search still damps the steps; never below a fraction of the final tolerance.
 */
function residualTarget(state: Forcing, gradNorm: number, tol: number): number {
  let eta = MAX_FORCING;
  if (state.gradNorm > 0) {
    eta = FORCING_GAMMA * (gradNorm / state.gradNorm) ** 2;
    // Their safeguard: eta falls no faster than its own square while it is still large.
    const slow = FORCING_GAMMA * state.eta ** 2;
    eta = Math.min(MAX_FORCING, slow > 0.1 ? Math.max(eta, slow) : eta);
  }
  state.gradNorm = gradNorm;
  state.eta = eta;
  return Math.max(RESIDUAL_FLOOR * tol, eta * gradNorm);
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
  const forcing: Forcing = { gradNorm: 0, eta: MAX_FORCING };
  for (let iterations = 0; ; iterations++) {
    const g = gradient(fit, x, work);
    const gradNorm = infNorm(g);
    if (gradNorm < tol || iterations === MAX_ITERATIONS) return { x, iterations, gradNorm };
    // Relative to the free entries: the pinned one may dominate, and conjugate gradients start from them.
    const target = residualTarget(forcing, infNorm(g.subarray(0, fit.free)), tol);
    const d = preconditionedStep(fit, work, g, target);
    const next = lineSearch(fit, work, x, f, g, d);
    if (!next) return { x, iterations, gradNorm };
    ({ x, f } = next);
  }
}

/**
 * m x w query logits Zq W + b for the parameters x ((r + 1) x w), as cross (U_r L_r^{-1/2} W) + b: the
 * n x w product first, so Zq (m x r) is never formed.
 */
function queryLogits(p: ProbeProblem, basis: Basis, x: Float64Array, w: number): Float64Array {
  const { vectors, invRoot, r } = basis;
  const n = p.n;
  const back = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) {
      const u = (vectors[i * n + j] as number) * (invRoot[j] as number);
      for (let k = 0; k < w; k++) back[i * w + k] = (back[i * w + k] as number) + u * (x[j * w + k] as number);
    }
  }
  const out = new Float64Array(p.m * w);
  for (let q = 0; q < p.m; q++) {
    for (let k = 0; k < w; k++) out[q * w + k] = x[r * w + k] as number;
    for (let i = 0; i < n; i++) {
      const c = p.cross[q * n + i] as number;
      for (let k = 0; k < w; k++) out[q * w + k] = (out[q * w + k] as number) + c * (back[i * w + k] as number);
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
  return { logits: queryLogits(p, basis, x, k), iterations, gradNorm, rank: r };
}

/** All labels in one fit: the objective is their sum, and `gradNorm` the worst label's. */
function solveMultilabel(p: ProbeProblem, basis: Basis, tol: number): ProbeSolution {
  const k = p.classes;
  const r = basis.r;
  const fit: Fit = { z: basis.z, n: p.n, r, link: logisticLink(p.labels, k), c: p.c, free: (r + 1) * k };
  const { x, iterations, gradNorm } = minimise(fit, tol);
  return { logits: queryLogits(p, basis, x, k), iterations, gradNorm, rank: r };
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
