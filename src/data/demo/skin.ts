import type { Rng } from '../../core/rng';
import { cos, sin } from './fmath';
import { addRamp, plane, RADIUS, smoothField, strokeCurve, WP, writeRgb } from './raster';
import { SHAPES, shapeMask, STELLATE, TRIANGULAR } from './shapes';
import { labelList, type DemoDef, type DemoTaskDef } from './spec';

/**
 * Skin lesions (C = 3) in two domains that image the same subjects, like MedIMeta's skinl_derm and
 * skinl_photo: "Synthetic dermoscopy" (large, centred lesion, dermoscope vignette, hairs) and
 * "Synthetic clinical skin photo" (smaller, fainter lesion, uneven lighting, colour cast, skin creases).
 * Class factor: lesion *shape*, the vocabulary of the radiograph domain in another style.
 */

const COHORT = 'demo_skin_cohort';

const TAU = 6.283185307179586;

/** Factor row: shape, pigment (0 light .. 1 dark), aspect, size, skin tone (0 light .. 1 dark), hue. */
const FACTORS = ['shape', 'pigment', 'aspect', 'size', 'skin tone', 'hue'] as const;

function drawSkinSubject(f: Float64Array, rng: Rng): void {
  f[1] = rng.float();
  f[2] = rng.uniform(0.78, 1.28);
  f[3] = rng.uniform(0.88, 1.12);
  f[4] = rng.float();
  f[5] = rng.uniform(-1, 1);
}

const TASKS: DemoTaskDef[] = [
  {
    kind: 'single',
    factor: 'lesion shape',
    info: { name: 'Lesion shape', target: 'MULTICLASS_CLASSIFICATION', labels: labelList([0, 1, 2, 3], SHAPES) },
    value: (f) => f[0] as number,
  },
  {
    kind: 'single',
    factor: 'lesion shape: triangular or stellate = malignant',
    info: { name: 'Malignancy', target: 'BINARY_CLASSIFICATION', labels: labelList([0, 1], ['benign', 'malignant']) },
    value: (f) => (f[0] === TRIANGULAR || f[0] === STELLATE ? 1 : 0),
  },
];

const SUBJECT = {
  numImages: 480,
  splitPercent: [50, 25, 25] as const,
  mainClasses: 4,
  cohort: COHORT,
  factors: FACTORS,
  drawFactors: drawSkinSubject,
  tasks: TASKS,
};

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Skin base colour of a subject's tone. */
function skinColour(tone: number): [number, number, number] {
  return [lerp(238, 172, tone), lerp(204, 122, tone), lerp(184, 96, tone)];
}

/** Lesion colour from pigment and hue: tan to dark brown, the hue shifting red/grey. */
function lesionColour(pigment: number, hue: number): [number, number, number] {
  return [lerp(158, 70, pigment) + 12 * hue, lerp(104, 42, pigment), lerp(76, 38, pigment) - 6 * hue];
}

/**
 * Composites skin, lesion and dark strokes into the RGB planes 0..2.
 * illum: multiplicative lighting (plane); mask: lesion coverage; tex: lesion texture; strokes: dark lines.
 */
function composite(
  skin: [number, number, number],
  lesion: [number, number, number],
  gains: [number, number, number],
  illum: Float32Array,
  mask: Float32Array,
  tex: Float32Array,
  strokes: Float32Array,
  strokeDark: number,
): void {
  const R = plane(0);
  const G = plane(1);
  const B = plane(2);
  const [sr, sg, sb] = skin;
  const [lr, lg, lb] = lesion;
  const [gr, gg, gb] = gains;
  for (let i = 0; i < WP; i++) {
    const m = mask[i] as number;
    const l = 1 + (illum[i] as number);
    const t = (1 + (tex[i] as number)) * m;
    const k = l * (1 - strokeDark * (strokes[i] as number));
    R[i] = gr * k * (sr * (1 - m) + lr * t);
    G[i] = gg * k * (sg * (1 - m) + lg * t);
    B[i] = gb * k * (sb * (1 - m) + lb * t);
  }
}

export const derm: DemoDef = {
  ...SUBJECT,
  id: 'demo_derm',
  name: 'Synthetic demo: Dermoscopy (lesion shape)',
  summary:
    'Procedurally generated dermoscopy-like RGB images: one pigmented lesion on skin, with hairs and the ' +
    'dermoscope vignette. Class factor: lesion shape (round, triangular, square, stellate). Same subjects ' +
    'as demo_skin_photo.',
  domain: 'Synthetic dermoscopy',
  channels: 3,
  render(f, rng, out) {
    const illum = plane(3);
    const mask = plane(4);
    const tex = plane(5);
    const strokes = plane(6);
    smoothField(rng, 4, 0.05, illum, false);
    smoothField(rng, 7, 1, tex, false);
    const size = f[3] as number;
    shapeMask(mask, {
      shape: f[0] as number,
      cx: 112 + rng.uniform(-12, 12),
      cy: 112 + rng.uniform(-12, 12),
      r: rng.uniform(34, 42) * size,
      theta: rng.uniform(0, TAU),
      aspect: f[2] as number,
      soft: rng.uniform(2, 5),
      field: tex,
      wobble: 0.07,
    });
    smoothField(rng, 12, 0.14, tex, false);
    strokes.fill(0);
    const hairs = rng.int(6);
    for (let h = 0; h < hairs; h++) {
      const x0 = rng.uniform(-20, 244);
      const y0 = rng.uniform(-20, 244);
      const x1 = rng.uniform(-20, 244);
      const y1 = rng.uniform(-20, 244);
      strokeCurve(
        strokes,
        x0,
        y0,
        (x0 + x1) / 2 + rng.uniform(-40, 40),
        (y0 + y1) / 2 + rng.uniform(-40, 40),
        x1,
        y1,
        rng.uniform(1.2, 2.2),
        1,
      );
    }
    const tone = (f[4] as number) * 0.8 + rng.uniform(0, 0.2);
    const g = rng.uniform(0.94, 1.06);
    composite(
      skinColour(tone),
      lesionColour(f[1] as number, f[5] as number),
      [g * rng.uniform(0.97, 1.03), g, g * rng.uniform(0.97, 1.03)],
      illum,
      mask,
      tex,
      strokes,
      0.7,
    );
    // Dermoscope field of view: black outside a circle.
    const r0 = rng.uniform(104, 116);
    const R = plane(0);
    const G = plane(1);
    const B = plane(2);
    for (let i = 0; i < WP; i++) {
      let v = (r0 - (RADIUS[i] as number)) / 5;
      if (v >= 1) continue;
      if (v < 0) v = 0;
      R[i] = (R[i] as number) * v;
      G[i] = (G[i] as number) * v;
      B[i] = (B[i] as number) * v;
    }
    const sigma = rng.uniform(2, 5);
    writeRgb(R, G, B, out, rng, sigma);
  },
};

export const skinPhoto: DemoDef = {
  ...SUBJECT,
  id: 'demo_skin_photo',
  name: 'Synthetic demo: Clinical skin photo (lesion shape)',
  summary:
    'Procedurally generated clinical-photo-like RGB images of the same lesions as demo_derm: a smaller, ' +
    'fainter lesion, uneven lighting, colour casts and skin creases. Class factor: lesion ' +
    'shape (round, triangular, square, stellate).',
  domain: 'Synthetic clinical skin photo',
  channels: 3,
  render(f, rng, out) {
    const illum = plane(3);
    const mask = plane(4);
    const tex = plane(5);
    const strokes = plane(6);
    smoothField(rng, 3, 0.07, illum, false);
    addRamp(illum, rng.uniform(0, TAU), rng.uniform(0.1, 0.3));
    smoothField(rng, 7, 1, tex, false);
    const size = f[3] as number;
    shapeMask(mask, {
      shape: f[0] as number,
      cx: 112 + rng.uniform(-12, 12),
      cy: 112 + rng.uniform(-12, 12),
      r: rng.uniform(26, 32) * size,
      theta: rng.uniform(0, TAU),
      aspect: f[2] as number,
      soft: rng.uniform(2.5, 4.5),
      field: tex,
      wobble: 0.06,
    });
    smoothField(rng, 10, 0.08, tex, false);
    // Skin creases: long, faint, roughly parallel dark lines.
    strokes.fill(0);
    const creases = 2 + rng.int(4);
    const dir = rng.uniform(0, TAU);
    const ux = 170 * cos(dir);
    const uy = 170 * sin(dir);
    for (let c = 0; c < creases; c++) {
      const px = rng.uniform(20, 204);
      const py = rng.uniform(20, 204);
      const bend = rng.uniform(-0.15, 0.15);
      strokeCurve(
        strokes,
        px - ux,
        py - uy,
        px - bend * uy,
        py + bend * ux,
        px + ux,
        py + uy,
        rng.uniform(1, 2),
        rng.uniform(0.3, 0.6),
      );
    }
    const skin = skinColour(f[4] as number);
    const les = lesionColour(f[1] as number, f[5] as number);
    const fade = rng.uniform(0.2, 0.4); // photos show less lesion contrast than dermoscopy
    const lesion: [number, number, number] = [
      lerp(les[0], skin[0], fade),
      lerp(les[1], skin[1], fade),
      lerp(les[2], skin[2], fade),
    ];
    composite(
      skin,
      lesion,
      [rng.uniform(0.88, 1.12), rng.uniform(0.92, 1.08), rng.uniform(0.85, 1.15)],
      illum,
      mask,
      tex,
      strokes,
      0.35,
    );
    const R = plane(0);
    const G = plane(1);
    const B = plane(2);
    const sigma = rng.uniform(3, 6);
    writeRgb(R, G, B, out, rng, sigma);
  },
};
