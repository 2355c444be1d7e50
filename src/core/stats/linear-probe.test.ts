import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { DEFAULT_PROBE_C, solveLinearProbe, type ProbeProblem } from './linear-probe';

// ---- An independent primal reference: explicit features, damped Newton in feature space. ----

/** Solves a x = b by Gaussian elimination with partial pivoting. */
function gaussSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[piv]![col]!)) piv = r;
    [m[col], m[piv]] = [m[piv]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** Damped Newton (step 1 / (1 + Newton decrement)) until the gradient's largest entry is below 1e-12. */
function dampedNewton(size: number, derivatives: (theta: number[]) => { g: number[]; h: number[][] }): number[] {
  const theta = new Array<number>(size).fill(0);
  for (let it = 0; it < 1000; it++) {
    const { g, h } = derivatives(theta);
    if (Math.max(...g.map(Math.abs)) < 1e-12) return theta;
    const d = gaussSolve(
      h,
      g.map((v) => -v),
    );
    const decrement = Math.sqrt(Math.max(0, -d.reduce((s, v, i) => s + v * g[i]!, 0)));
    d.forEach((v, i) => (theta[i]! += v / (1 + decrement)));
  }
  throw new Error('primal reference did not converge');
}

function softmax(f: number[]): number[] {
  const max = Math.max(...f);
  const e = f.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const sigmoid = (f: number): number => 1 / (1 + Math.exp(-f));
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * Softmax regression on features x (n x d): CE + ||W||^2 / (2C) + (sum_k b_k)^2 / 2. The last term only picks
 * one of the equivalent bias shifts, so the probabilities are those of the problem without it. Returns the
 * query probabilities.
 */
function primalSoftmax(x: number[][], y: number[], k: number, c: number, xq: number[][]): number[][] {
  const d = x[0]!.length;
  const size = (d + 1) * k;
  const logits = (theta: number[], row: number[]): number[] =>
    Array.from({ length: k }, (_, a) => theta[d * k + a]! + row.reduce((s, v, j) => s + v * theta[j * k + a]!, 0));
  const theta = dampedNewton(size, (theta) => {
    const g = theta.map((v, idx) => (idx < d * k ? v / c : 0));
    const h = Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => (i === j && i < d * k ? 1 / c : 0)),
    );
    const bias = theta.slice(d * k).reduce((s, v) => s + v, 0);
    for (let a = 0; a < k; a++) {
      g[d * k + a]! += bias;
      for (let b = 0; b < k; b++) h[d * k + a]![d * k + b]! += 1;
    }
    x.forEach((row, i) => {
      const p = softmax(logits(theta, row));
      const zt = [...row, 1];
      for (let j = 0; j <= d; j++) {
        for (let a = 0; a < k; a++) {
          g[j * k + a]! += zt[j]! * (p[a]! - (y[i] === a ? 1 : 0));
          for (let jj = 0; jj <= d; jj++) {
            for (let b = 0; b < k; b++)
              h[j * k + a]![jj * k + b]! += zt[j]! * zt[jj]! * p[a]! * ((a === b ? 1 : 0) - p[b]!);
          }
        }
      }
    });
    return { g, h };
  });
  return xq.map((row) => softmax(logits(theta, row)));
}

/** One binary logistic regression per label, BCE + ||w||^2 / (2C); returns the query probabilities (m x L). */
function primalLogistic(x: number[][], t: number[][], c: number, xq: number[][]): number[][] {
  const d = x[0]!.length;
  const labels = t[0]!.length;
  const out = xq.map(() => new Array<number>(labels).fill(0));
  for (let l = 0; l < labels; l++) {
    const theta = dampedNewton(d + 1, (theta) => {
      const g = theta.map((v, j) => (j < d ? v / c : 0));
      const h = Array.from({ length: d + 1 }, (_, i) =>
        Array.from({ length: d + 1 }, (_, j) => (i === j && i < d ? 1 / c : 0)),
      );
      x.forEach((row, i) => {
        const zt = [...row, 1];
        const s = sigmoid(dot(zt, theta));
        for (let j = 0; j <= d; j++) {
          g[j]! += zt[j]! * (s - t[i]![l]!);
          for (let jj = 0; jj <= d; jj++) h[j]![jj]! += zt[j]! * zt[jj]! * s * (1 - s);
        }
      });
      return { g, h };
    });
    xq.forEach((row, q) => (out[q]![l] = sigmoid(dot([...row, 1], theta))));
  }
  return out;
}

// ---- Synthetic episodes. ----

interface Case {
  name: string;
  kind: 'single' | 'multilabel';
  /** Classes or labels. */
  k: number;
  d: number;
  n: number;
  m: number;
  /** Far-apart class means (single) or noise-free labels (multilabel). */
  separable: boolean;
  c: number;
  /** Repeat the first two support rows at the end (rank-deficient Gram). */
  duplicates?: boolean;
  seed: number;
}

interface Episode {
  x: number[][];
  xq: number[][];
  y: number[];
  t: number[][];
}

function episode(cs: Case): Episode {
  const rng = new Rng(cs.seed);
  const gauss = (len: number, scale: number): number[] => Array.from({ length: len }, () => scale * rng.normal());
  const spread = cs.separable ? 6 : 0.3;
  const means = Array.from({ length: cs.k }, () => gauss(cs.d, spread));
  const dirs = Array.from({ length: cs.k }, () => gauss(cs.d, 1));
  const offset = gauss(cs.d, 2);
  const draw = (cls: number): number[] =>
    cs.kind === 'single' ? gauss(cs.d, 1).map((v, j) => v + means[cls]![j]! + offset[j]!) : gauss(cs.d, 1.5);
  for (;;) {
    const rows = cs.n - (cs.duplicates ? 2 : 0);
    const y = Array.from({ length: rows }, (_, i) => i % cs.k);
    const x = y.map(draw);
    const xq = Array.from({ length: cs.m }, () => draw(rng.int(cs.k)));
    const noise = cs.separable ? 0 : 1.5;
    const t = x.map((row) => dirs.map((u) => (dot(row, u) + noise * rng.normal() > 0 ? 1 : 0)));
    if (cs.duplicates) {
      x.push([...x[0]!], [...x[1]!]);
      y.push(y[0]!, y[1]!);
      t.push([...t[0]!], [...t[1]!]);
    }
    const bothSides = dirs.every((_, l) => t.some((r) => r[l] === 1) && t.some((r) => r[l] === 0));
    if (cs.kind === 'single' || bothSides) return { x, xq, y, t };
  }
}

const gramOf = (a: number[][], b: number[][]): Float64Array =>
  Float64Array.from(a.flatMap((r) => b.map((s) => dot(r, s))));

function problem(cs: Case, e: Episode, x = e.x, xq = e.xq): ProbeProblem {
  return {
    gram: gramOf(x, x),
    n: x.length,
    cross: gramOf(xq, x),
    m: xq.length,
    kind: cs.kind,
    labels: cs.kind === 'single' ? e.y : e.t.flat(),
    classes: cs.k,
    c: cs.c,
  };
}

/** Query probabilities from the solver's logits: softmax rows, or each label's sigmoid. */
function probabilities(kind: 'single' | 'multilabel', logits: Float64Array, k: number): number[][] {
  const rows = Array.from({ length: logits.length / k }, (_, q) => Array.from(logits.subarray(q * k, q * k + k)));
  return kind === 'single' ? rows.map(softmax) : rows.map((r) => r.map(sigmoid));
}

function maxDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));
}

const shift = (rows: number[][], v: number[]): number[][] => rows.map((r) => r.map((x, j) => x + v[j]!));

function makeCase(
  kind: Case['kind'],
  k: number,
  d: number,
  n: number,
  separable: boolean,
  c: number,
  seed: number,
  duplicates = false,
): Case {
  const what = `${k} ${kind === 'single' ? 'classes' : 'labels'}, D = ${d}, n = ${n}`;
  const name = `${what}, ${separable ? 'separable' : 'overlapping'}${duplicates ? ', duplicate rows' : ''}, C = ${c}`;
  return { name, kind, k, d, n, m: 9, separable, c, duplicates, seed };
}

// D = 30 > n: the reduced basis has n (or fewer) dimensions and every labelling is separable.
const cases: Case[] = [
  makeCase('single', 2, 5, 12, true, 1, 1),
  makeCase('single', 2, 5, 30, false, 0.01, 2),
  makeCase('single', 3, 5, 30, false, 1, 3),
  makeCase('single', 3, 5, 15, true, 0.01, 4),
  makeCase('single', 5, 5, 20, true, 1, 5),
  makeCase('single', 5, 5, 40, false, 0.01, 6),
  makeCase('single', 3, 30, 8, false, 1, 7),
  makeCase('single', 5, 30, 10, false, 0.01, 8),
  makeCase('single', 2, 30, 8, false, 1, 9, true),
  makeCase('single', 3, 5, 30, false, 0.01, 10, true),
  makeCase('multilabel', 3, 5, 24, false, 1, 11),
  makeCase('multilabel', 3, 5, 16, true, 1, 12),
  makeCase('multilabel', 3, 5, 16, true, 0.01, 13),
  makeCase('multilabel', 3, 30, 10, false, 1, 14, true),
];

describe('solveLinearProbe against a primal feature-space reference', () => {
  for (const cs of cases) {
    it(`${cs.name}: same query probabilities raw, centred and shifted`, () => {
      const e = episode(cs);
      const reference =
        cs.kind === 'single' ? primalSoftmax(e.x, e.y, cs.k, cs.c, e.xq) : primalLogistic(e.x, e.t, cs.c, e.xq);
      const mean = Array.from({ length: cs.d }, (_, j) => -e.x.reduce((s, r) => s + r[j]!, 0) / e.x.length);
      const away = Array.from({ length: cs.d }, (_, j) => 3 * Math.cos(j + cs.seed));
      const variants = [
        problem(cs, e),
        problem(cs, e, shift(e.x, mean), shift(e.xq, mean)),
        problem(cs, e, shift(e.x, away), shift(e.xq, away)),
      ];
      for (const p of variants) {
        const s = solveLinearProbe(p);
        expect(s.logits.length).toBe(cs.m * cs.k);
        expect(maxDiff(probabilities(cs.kind, s.logits, cs.k), reference)).toBeLessThan(1e-7);
        expect(s.gradNorm).toBeLessThan(1e-9 * cs.n);
        expect(s.iterations).toBeGreaterThan(0);
        expect(s.iterations).toBeLessThan(100);
      }
    });
  }

  it('the separable cases are: the weakly regularised reference classifies its support perfectly', () => {
    for (const cs of cases.filter((c) => c.separable)) {
      const e = episode(cs);
      if (cs.kind === 'single') {
        const probs = primalSoftmax(e.x, e.y, cs.k, 1e3, e.x);
        probs.forEach((row, i) => expect(row.indexOf(Math.max(...row))).toBe(e.y[i]));
      } else {
        const probs = primalLogistic(e.x, e.t, 1e3, e.x);
        probs.forEach((row, i) => row.forEach((v, l) => expect(v > 0.5 ? 1 : 0).toBe(e.t[i]![l])));
      }
    }
  });

  it('the overlapping cases in D = 5 are not: even the weakly regularised reference misclassifies support rows', () => {
    for (const cs of cases.filter((c) => !c.separable && c.d === 5)) {
      const e = episode(cs);
      let wrong = 0;
      if (cs.kind === 'single') {
        const probs = primalSoftmax(e.x, e.y, cs.k, 1e3, e.x);
        probs.forEach((row, i) => (wrong += row.indexOf(Math.max(...row)) === e.y[i] ? 0 : 1));
      } else {
        const probs = primalLogistic(e.x, e.t, 1e3, e.x);
        probs.forEach((row, i) => row.forEach((v, l) => (wrong += (v > 0.5 ? 1 : 0) === e.t[i]![l] ? 0 : 1)));
      }
      expect(wrong).toBeGreaterThan(0);
    }
  });

  it('the reference is not trivial: probabilities differ between C = 1 and C = 0.01, and from uniform', () => {
    const cs = cases[2]!;
    const e = episode(cs);
    const strong = primalSoftmax(e.x, e.y, cs.k, 0.01, e.xq);
    const weak = primalSoftmax(e.x, e.y, cs.k, 1, e.xq);
    expect(maxDiff(strong, weak)).toBeGreaterThan(0.05);
    expect(
      maxDiff(
        weak,
        weak.map((r) => r.map(() => 1 / cs.k)),
      ),
    ).toBeGreaterThan(0.1);
  });
});

describe('solveLinearProbe, properties of the solution', () => {
  it('reports the rank of the Gram it kept', () => {
    // 8 rows in D = 30 with 2 repeated: rank 6; centred, one less.
    const cs = cases[8]!;
    const e = episode(cs);
    expect(solveLinearProbe(problem(cs, e)).rank).toBe(6);
    const mean = Array.from({ length: cs.d }, (_, j) => -e.x.reduce((s, r) => s + r[j]!, 0) / e.x.length);
    expect(solveLinearProbe(problem(cs, e, shift(e.x, mean), e.xq)).rank).toBe(5);
    expect(solveLinearProbe(problem(cases[2]!, episode(cases[2]!))).rank).toBe(5);
  });

  it('satisfies the optimality conditions: logits = -C K G + b at the support (G = p - y)', () => {
    // Stationarity in W gives W = -C X^T G, so the support logits X W + b are -C K G plus a constant per column.
    for (const cs of [cases[4]!, cases[7]!, cases[12]!]) {
      const e = episode(cs);
      const p = problem(cs, e);
      const s = solveLinearProbe({ ...p, cross: p.gram, m: p.n });
      const probs = probabilities(cs.kind, s.logits, cs.k);
      const k = cs.k;
      const g = probs.map((row, i) =>
        row.map((v, a) => v - (cs.kind === 'single' ? (e.y[i] === a ? 1 : 0) : e.t[i]![a]!)),
      );
      for (let a = 0; a < k; a++) {
        const bias = Array.from({ length: p.n }, (_, i) => {
          let kg = 0;
          for (let j = 0; j < p.n; j++) kg += (p.gram[i * p.n + j] as number) * g[j]![a]!;
          return (s.logits[i * k + a] as number) + cs.c * kg;
        });
        const spread = Math.max(...bias) - Math.min(...bias);
        expect(spread).toBeLessThan(1e-7);
        // Stationarity in b: the residuals of each column sum to 0.
        expect(Math.abs(g.reduce((sum, row) => sum + row[a]!, 0))).toBeLessThan(1e-9 * p.n);
      }
    }
  });

  it('centres softmax logits (a query row sums to 0)', () => {
    const cs = cases[5]!;
    const s = solveLinearProbe(problem(cs, episode(cs)));
    for (let q = 0; q < cs.m; q++) {
      const row = Array.from(s.logits.subarray(q * cs.k, (q + 1) * cs.k));
      expect(Math.abs(row.reduce((a, b) => a + b, 0))).toBeLessThan(1e-8);
    }
  });

  it('fits only the bias when the Gram is zero: class frequencies, label prevalences', () => {
    const zero = { gram: new Float64Array(36), n: 6, cross: new Float64Array(12), m: 2, c: DEFAULT_PROBE_C };
    const single = solveLinearProbe({ ...zero, kind: 'single', labels: [0, 0, 0, 1, 2, 2], classes: 3 });
    expect(single.rank).toBe(0);
    const expected = [1 / 2, 1 / 6, 1 / 3];
    probabilities('single', single.logits, 3).forEach((row) =>
      row.forEach((v, a) => expect(v).toBeCloseTo(expected[a]!, 8)),
    );
    const targets = [1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0];
    const multi = solveLinearProbe({ ...zero, kind: 'multilabel', labels: targets, classes: 2 });
    probabilities('multilabel', multi.logits, 2).forEach((row) => {
      expect(row[0]).toBeCloseTo(4 / 6, 8);
      expect(row[1]).toBeCloseTo(2 / 6, 8);
    });
  });
});

describe('solveLinearProbe input validation', () => {
  const base: ProbeProblem = {
    gram: new Float64Array([2, 1, 0, 1, 2, 1, 0, 1, 2]),
    n: 3,
    cross: new Float64Array([1, 0, 1]),
    m: 1,
    kind: 'single',
    labels: [0, 1, 1],
    classes: 2,
    c: 1,
  };
  const run = (patch: Partial<ProbeProblem>) => () => solveLinearProbe({ ...base, ...patch });

  it('accepts the base problem', () => {
    expect(solveLinearProbe(base).logits.length).toBe(2);
  });

  it('names the field, the expectation and the value', () => {
    expect(run({ labels: [0, 7, 1] })).toThrow('solveLinearProbe: labels[1] = 7 is not in [0, 2)');
    expect(run({ labels: [0, 1.5, 1] })).toThrow('labels[1] = 1.5 is not in [0, 2)');
    expect(run({ labels: [0, 1] })).toThrow('solveLinearProbe: labels has 2 values, expected n = 3 = 3');
    expect(run({ labels: [1, 1, 1] })).toThrow('solveLinearProbe: class 0 has no support example');
    expect(run({ gram: new Float64Array(8) })).toThrow('gram has 8 values, expected n x n = 3 x 3 = 9');
    expect(run({ cross: new Float64Array(4) })).toThrow('cross has 4 values, expected m x n = 1 x 3 = 3');
    expect(run({ gram: new Float64Array([2, 1, 0, 1, NaN, 1, 0, 1, 2]) })).toThrow(
      'solveLinearProbe: gram[4] (row 1, column 1) = NaN is not finite',
    );
    expect(run({ cross: new Float64Array([1, Infinity, 1]) })).toThrow(
      'cross[1] (row 0, column 1) = Infinity is not finite',
    );
    expect(run({ gram: new Float64Array([2, 1, 0, 5, 2, 1, 0, 1, 2]) })).toThrow(
      'gram is not symmetric: gram[1] (row 0, column 1) = 1 but (row 1, column 0) = 5',
    );
    expect(run({ c: 0 })).toThrow('solveLinearProbe: c = 0 is not a finite number > 0');
    expect(run({ c: -1 })).toThrow('c = -1 is not a finite number > 0');
    expect(run({ c: Infinity })).toThrow('c = Infinity is not a finite number > 0');
    expect(run({ n: 0, gram: new Float64Array(0), cross: new Float64Array(0), labels: [] })).toThrow(
      'n = 0 is not a positive integer',
    );
    expect(run({ m: -1 })).toThrow('m = -1 is not a non-negative integer');
    expect(run({ classes: 1, labels: [0, 0, 0] })).toThrow('classes = 1 is not an integer >= 2');
    expect(run({ kind: 'multi' as 'single' })).toThrow("kind = multi is not 'single' or 'multilabel'");
  });

  it('checks multilabel targets', () => {
    const multi = { kind: 'multilabel' as const, classes: 2 };
    expect(run({ ...multi, labels: [1, 0, 0, 1, 1] })).toThrow('labels has 5 values, expected n x classes = 3 x 2 = 6');
    expect(run({ ...multi, labels: [1, 0, 0, 2, 1, 1] })).toThrow('labels[3] = 2 is not 0 or 1');
    expect(run({ ...multi, labels: [1, 0, 0, 0, 1, 0] })).toThrow('label 1 has no positive support example');
    expect(run({ ...multi, labels: [1, 1, 1, 0, 1, 1] })).toThrow('label 0 has no negative support example');
    expect(solveLinearProbe({ ...base, ...multi, labels: [1, 0, 0, 1, 1, 1] }).logits.length).toBe(2);
  });

  it('allows an empty query set', () => {
    expect(solveLinearProbe({ ...base, cross: new Float64Array(0), m: 0 }).logits.length).toBe(0);
  });
});
