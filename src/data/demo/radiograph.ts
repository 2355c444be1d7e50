import type { Rng } from '../../core/rng';
import { contrast, ellipse, outCoord, plane, SIZE, smoothField, strokeCurve, W, writeGray } from './raster';
import { ROUND, SHAPES, shapeMask, STELLATE, TRIANGULAR } from './shapes';
import { labelList, type DemoDef } from './spec';

/**
 * "Synthetic radiograph" domain (C = 1): chest-film-like images, a body silhouette with two dark lung
 * fields, ribs and a mediastinum, carrying one soft bright opacity whose *shape* is the class factor
 * (the shape vocabulary shared with the skin domains). Two datasets in two film styles.
 */

const DOMAIN = 'Synthetic radiograph';
const ANY = 0.3; // prior of each finding in demo_xray_a
/** Patient position jitter (both datasets), pixels. */
const SHIFT = 8;

/** Periodic rib profile at height y: a narrow bump (0..1) once per period. */
function ribRow(y: number, period: number, phase: number): number {
  const t = (y + phase) / period;
  const f = t - Math.floor(t);
  const d = f < 0.5 ? f : 1 - f; // distance to the nearest rib centre, in periods
  const v = 1 - d * 5;
  return v > 0 ? v : 0;
}

/**
 * Draws the shared anatomy into img (grey levels) and the lung mask into lung.
 * Returns the patient offset so that callers can place findings relative to it.
 */
function anatomy(
  rng: Rng,
  img: Float32Array,
  lung: Float32Array,
  scratch: Float32Array,
  style: { tissue: number; lungDark: number; sep: number; heart: boolean },
): { ox: number; oy: number; sep: number; la: number; lb: number } {
  const ox = rng.uniform(-SHIFT, SHIFT);
  const oy = rng.uniform(-SHIFT, SHIFT);
  const bg = rng.uniform(15, 35);
  img.fill(bg);
  // Body silhouette and soft-tissue mottling.
  ellipse(
    img,
    112 + ox,
    128 + oy,
    rng.uniform(98, 116),
    rng.uniform(125, 145),
    rng.uniform(-0.05, 0.05),
    style.tissue - bg,
    10,
  );
  smoothField(rng, 5, 7, img);
  // Mediastinum / spine.
  ellipse(img, 112 + ox, 118 + oy, rng.uniform(13, 20), rng.uniform(95, 120), 0, rng.uniform(18, 32), 8);
  // Lungs.
  lung.fill(0);
  const sep = style.sep + rng.uniform(-5, 5);
  const la = rng.uniform(30, 38);
  const lb = rng.uniform(62, 78);
  const tilt = rng.uniform(0, 0.12);
  ellipse(lung, 112 + ox - sep, 104 + oy, la, lb, tilt, 1, 8, true);
  ellipse(lung, 112 + ox + sep, 104 + oy, la, lb, -tilt, 1, 8, true);
  // Ribs: curved bright bands inside the lungs.
  const period = rng.uniform(17, 25);
  const phase = rng.uniform(0, 25);
  const ribAmp = rng.uniform(8, 16);
  const curve = rng.uniform(10, 20);
  const dark = style.lungDark + rng.uniform(-8, 8);
  for (let y = 0; y < W; y++) {
    const o = y * W;
    const Y = outCoord(y);
    for (let x = 0; x < W; x++) {
      const m = lung[o + x] as number;
      if (m === 0) continue;
      const dx = (outCoord(x) - 112 - ox) / 100;
      const rib = ribRow(Y - curve * dx * dx, period, phase);
      img[o + x] = (img[o + x] as number) + m * (ribAmp * rib - dark);
    }
  }
  // Heart shadow (portable AP films show it large): it hides the lower lung next to the mediastinum.
  if (style.heart) {
    scratch.fill(0);
    ellipse(
      scratch,
      112 + ox + 24,
      150 + oy,
      rng.uniform(32, 40),
      rng.uniform(24, 30),
      0.35,
      dark * rng.uniform(0.6, 0.9),
      8,
    );
    for (let i = 0; i < scratch.length; i++) img[i] = (img[i] as number) + (scratch[i] as number) * (lung[i] as number);
  }
  return { ox, oy, sep, la, lb };
}

function finish(rng: Rng, img: Float32Array, gain: [number, number], sigma: [number, number], out: Uint8Array): void {
  contrast(img, 100, rng.uniform(gain[0], gain[1]), rng.uniform(-15, 15));
  writeGray(img, out, rng, rng.uniform(sigma[0], sigma[1]));
}

export const xrayA: DemoDef = {
  id: 'demo_xray_a',
  name: 'Synthetic demo: Radiograph A (opacity shape, findings)',
  summary:
    'Procedurally generated chest-film-like grey images. Class factor: the shape of one soft opacity ' +
    '(round, triangular, square, stellate); findings: small nodules, a catheter line, basal haze.',
  domain: DOMAIN,
  channels: 1,
  numImages: 480,
  splitPercent: [50, 25, 25],
  mainClasses: 4,
  factors: ['shape', 'nodule', 'line', 'haze'],
  drawFactors(f, rng) {
    f[1] = rng.float() < ANY ? 1 : 0;
    f[2] = rng.float() < ANY ? 1 : 0;
    f[3] = rng.float() < ANY ? 1 : 0;
  },
  tasks: [
    {
      kind: 'single',
      factor: 'opacity shape',
      info: { name: 'Opacity shape', target: 'MULTICLASS_CLASSIFICATION', labels: labelList([0, 1, 2, 3], SHAPES) },
      value: (f) => f[0] as number,
    },
    {
      kind: 'multi',
      factor: 'presence of small nodules / a catheter line / basal haze (independent, p = 0.3 each)',
      info: {
        name: 'Findings',
        target: 'MULTILABEL_CLASSIFICATION',
        labels: labelList([0, 1, 2], ['Nodule', 'Catheter line', 'Basal haze']),
      },
      row(f, out) {
        out[0] = f[1] as number;
        out[1] = f[2] as number;
        out[2] = f[3] as number;
      },
    },
  ],
  render(f, rng, out) {
    const img = plane(0);
    const lung = plane(1);
    const mask = plane(2);
    const aux = plane(3);
    const a = anatomy(rng, img, lung, aux, { tissue: rng.uniform(100, 125), lungDark: 55, sep: 50, heart: false });
    // The opacity: the class shape, with pose, size, aspect, blur, contrast and border roughness as nuisances.
    smoothField(rng, 8, 1, aux, false);
    shapeMask(mask, {
      shape: f[0] as number,
      cx: 112 + a.ox + rng.uniform(-16, 16),
      cy: 108 + a.oy + rng.uniform(-16, 16),
      r: rng.uniform(36, 44),
      theta: rng.uniform(-0.4, 0.4),
      aspect: rng.uniform(0.8, 1.25),
      soft: rng.uniform(1.5, 4),
      field: aux,
      wobble: 0.05,
    });
    const amt = rng.uniform(45, 90);
    for (let i = 0; i < img.length; i++) img[i] = (img[i] as number) + amt * (mask[i] as number);
    if (f[1]) {
      const n = 1 + rng.int(3);
      for (let k = 0; k < n; k++) {
        const side = rng.float() < 0.5 ? -1 : 1;
        const r = rng.uniform(3, 5.5);
        ellipse(
          img,
          112 + a.ox + side * a.sep + rng.uniform(-0.6, 0.6) * a.la,
          104 + a.oy + rng.uniform(-0.7, 0.7) * a.lb,
          r,
          r,
          0,
          rng.uniform(35, 55),
          1.2,
        );
      }
    }
    if (f[2]) {
      aux.fill(0);
      const x0 = rng.uniform(50, 174);
      strokeCurve(
        aux,
        x0,
        0,
        x0 + rng.uniform(-40, 40),
        rng.uniform(40, 80),
        rng.uniform(70, 154),
        rng.uniform(100, 160),
        rng.uniform(2.5, 3.5),
        1,
      );
      const amp = rng.uniform(55, 80);
      for (let i = 0; i < img.length; i++) img[i] = (img[i] as number) + amp * (aux[i] as number);
    }
    if (f[3]) {
      const yh = 104 + a.oy + rng.uniform(0, 0.4) * a.lb;
      const amp = rng.uniform(30, 45);
      for (let y = 0; y < W; y++) {
        const Y = outCoord(y);
        if (Y <= yh) continue;
        const t = (amp * (Y - yh)) / (SIZE - yh);
        const o = y * W;
        for (let x = 0; x < W; x++) img[o + x] = (img[o + x] as number) + t * (lung[o + x] as number);
      }
    }
    finish(rng, img, [0.8, 1.2], [3, 8], out);
  },
};

const SIZE_BINS: readonly [number, number][] = [
  [29, 33],
  [34, 38],
  [39, 43],
];
/** demo_xray_b's three classes, in the shared vocabulary. */
const B_SHAPES = [ROUND, TRIANGULAR, STELLATE];

export const xrayB: DemoDef = {
  id: 'demo_xray_b',
  name: 'Synthetic demo: Radiograph B (portable film)',
  summary:
    'Procedurally generated portable-film-like grey images: low contrast, coarse grain, collimation ' +
    'borders, a heart shadow and a side marker. Class factor: the shape of one blurred opacity (round, ' +
    'triangular, stellate), drawn in three size grades.',
  domain: DOMAIN,
  channels: 1,
  numImages: 450,
  splitPercent: [60, 20, 20],
  mainClasses: 3,
  factors: ['shape', 'size grade'],
  drawFactors(f, rng) {
    f[1] = rng.int(3);
  },
  tasks: [
    {
      kind: 'single',
      factor: 'opacity shape',
      info: {
        name: 'Opacity shape',
        target: 'MULTICLASS_CLASSIFICATION',
        labels: labelList(
          [0, 1, 2],
          B_SHAPES.map((k) => SHAPES[k] as string),
        ),
      },
      value: (f) => f[0] as number,
    },
    {
      kind: 'single',
      factor: 'opacity size (outer radius 29-33 / 34-38 / 39-43 px, uniform)',
      info: {
        name: 'Opacity size',
        target: 'ORDINAL_REGRESSION',
        labels: labelList([1, 2, 4], ['Small', 'Medium', 'Large']),
      },
      value: (f) => [1, 2, 4][f[1] as number] as number,
    },
  ],
  render(f, rng, out) {
    const img = plane(0);
    const lung = plane(1);
    const mask = plane(2);
    const aux = plane(3);
    const a = anatomy(rng, img, lung, aux, { tissue: rng.uniform(105, 130), lungDark: 40, sep: 46, heart: true });
    const bin = SIZE_BINS[f[1] as number] as [number, number];
    smoothField(rng, 8, 1, aux, false);
    shapeMask(mask, {
      shape: B_SHAPES[f[0] as number] as number,
      cx: 112 + a.ox + rng.uniform(-14, 14),
      cy: 112 + a.oy + rng.uniform(-14, 14),
      r: rng.uniform(bin[0], bin[1]),
      theta: rng.uniform(-0.5, 0.5),
      aspect: rng.uniform(0.8, 1.25),
      soft: rng.uniform(3, 6),
      field: aux,
      wobble: 0.05,
    });
    const amt = rng.uniform(40, 72);
    for (let i = 0; i < img.length; i++) img[i] = (img[i] as number) + amt * (mask[i] as number);
    // Coarse film grain.
    smoothField(rng, 48, 4, img);
    // Side marker: a small bright block in one corner.
    const mx = rng.float() < 0.5 ? rng.uniform(20, 40) : rng.uniform(170, 190);
    const my = rng.float() < 0.5 ? rng.uniform(20, 40) : rng.uniform(170, 190);
    // Collimation: dark borders of random width.
    const l = rng.int(18);
    const r = SIZE - rng.int(18);
    const t = rng.int(18);
    const b = SIZE - rng.int(18);
    for (let y = 0; y < W; y++) {
      const o = y * W;
      const Y = outCoord(y);
      const outside = Y < t || Y >= b;
      const inMarker = Y >= my && Y < my + 14;
      for (let x = 0; x < W; x++) {
        const X = outCoord(x);
        if (outside || X < l || X >= r) img[o + x] = 8;
        else if (inMarker && X >= mx && X < mx + 10) img[o + x] = 245;
      }
    }
    finish(rng, img, [0.55, 0.9], [6, 11], out);
  },
};
