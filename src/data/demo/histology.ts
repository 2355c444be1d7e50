import { ellipse, plane, smoothField, strokeCurve, WP, writeRgb } from './raster';
import { labelList, type DemoDef } from './spec';

/**
 * "Synthetic histology" domain (C = 3): H&E-like tissue, eosin-pink stroma with fibres and
 * haematoxylin-purple nuclei. Class factor: nuclear *density* (a texture frequency), an ordinal grade;
 * nucleus size, clustering, stain colour and stain strength vary independently, so total purple
 * coverage overlaps between neighbouring grades and the count, not the mean colour, tells them apart.
 */

/** Ordinal grade values (non-contiguous, like MedIMeta's Clarity 1, 4, 6, 8, 10). */
const GRADES = [0, 2, 5, 7];
/** Mean nucleus count per grade (about x1.7 per step). */
const DENSITY = [42, 72, 122, 205];

/** e^(-k/256) for k = 0..2047, by repeated multiplication (engine-independent, unlike Math.exp). */
const EXP = (() => {
  const t = new Float32Array(2048);
  let v = 1;
  for (let k = 0; k < t.length; k++) {
    t[k] = v;
    v *= 0.9961013694701175;
  }
  return t;
})();

/** Haematoxylin and eosin optical-density colours (R, G, B), after Ruifrok & Johnston. */
const H_OD = [0.65, 0.7, 0.29];
const E_OD = [0.07, 0.99, 0.11];

export const histo: DemoDef = {
  id: 'demo_histo',
  name: 'Synthetic demo: Histology (cellularity)',
  summary:
    'Procedurally generated H&E-like RGB tissue patches: pink stroma with fibres and purple nuclei. ' +
    'Class factor: nuclear density (ordinal cellularity grade 0, 2, 5, 7); nucleus size, clustering and ' +
    'stain vary independently.',
  domain: 'Synthetic histology',
  channels: 3,
  numImages: 480,
  splitPercent: [50, 25, 25],
  mainClasses: 4,
  factors: ['grade'],
  drawFactors() {},
  tasks: [
    {
      kind: 'single',
      factor: 'nuclear density (mean nuclei per patch 42 / 72 / 122 / 205, +-25%)',
      info: {
        name: 'Cellularity grade',
        target: 'ORDINAL_REGRESSION',
        labels: labelList(GRADES, ['Grade 0 (sparse)', 'Grade 2', 'Grade 5', 'Grade 7 (dense)']),
      },
      value: (f) => GRADES[f[0] as number] as number,
    },
    {
      kind: 'single',
      factor: 'nuclear density: grade 5 or 7 = high',
      info: { name: 'High cellularity', target: 'BINARY_CLASSIFICATION', labels: labelList([0, 1], ['low', 'high']) },
      value: (f) => ((f[0] as number) >= 2 ? 1 : 0),
    },
  ],
  render(f, rng, out) {
    const H = plane(3);
    const E = plane(4);
    const fib = plane(5);
    // Stroma: eosin density with smooth variation and fibres.
    E.fill(rng.uniform(0.22, 0.42));
    smoothField(rng, 10, 0.07, E);
    fib.fill(0);
    const fibres = 3 + rng.int(6);
    for (let k = 0; k < fibres; k++) {
      const x0 = rng.uniform(-20, 244);
      const y0 = rng.uniform(-20, 244);
      strokeCurve(
        fib,
        x0,
        y0,
        rng.uniform(0, 224),
        rng.uniform(0, 224),
        rng.uniform(-20, 244),
        rng.uniform(-20, 244),
        rng.uniform(2, 5),
        rng.uniform(0.15, 0.3),
      );
    }
    for (let i = 0; i < WP; i++) E[i] = (E[i] as number) + (fib[i] as number);
    // Nuclei: count from the grade, size and clustering are nuisances.
    H.fill(0);
    const grade = f[0] as number;
    const n = Math.round((DENSITY[grade] as number) * rng.uniform(0.78, 1.25));
    const rn = rng.uniform(3.8, 6);
    const clusters: [number, number][] = [];
    for (let c = 0; c < 3; c++) clusters.push([rng.uniform(30, 194), rng.uniform(30, 194)]);
    const clustered = rng.uniform(0, 0.6);
    for (let k = 0; k < n; k++) {
      let x: number;
      let y: number;
      if (rng.float() < clustered) {
        const c = clusters[rng.int(3)] as [number, number];
        x = c[0] + 40 * (rng.float() + rng.float() - 1);
        y = c[1] + 40 * (rng.float() + rng.float() - 1);
      } else {
        x = rng.uniform(-4, 228);
        y = rng.uniform(-4, 228);
      }
      const a = rn * rng.uniform(0.85, 1.2);
      ellipse(H, x, y, a, a * rng.uniform(0.6, 1), rng.uniform(0, 3.14159), rng.uniform(0.75, 1.15), 1.3, true);
    }
    // Stain: per-image strength and colour drift, then Beer-Lambert through the exp table.
    const hs = rng.uniform(0.75, 1.3) * 1.9;
    const es = rng.uniform(0.75, 1.3) * 1.4;
    const hc = H_OD.map((v) => v * hs * rng.uniform(0.88, 1.12) * 256);
    const ec = E_OD.map((v) => v * es * rng.uniform(0.88, 1.12) * 256);
    const bright = rng.uniform(235, 255);
    const outs = [plane(0), plane(1), plane(2)];
    for (let ch = 0; ch < 3; ch++) {
      const P = outs[ch] as Float32Array;
      const h = hc[ch] as number;
      const e = ec[ch] as number;
      for (let i = 0; i < WP; i++) {
        let k = ((H[i] as number) * h + (E[i] as number) * e) | 0;
        if (k < 0) k = 0;
        else if (k > 2047) k = 2047;
        P[i] = bright * (EXP[k] as number);
      }
    }
    const sigma = rng.uniform(2, 4.5);
    writeRgb(outs[0] as Float32Array, outs[1] as Float32Array, outs[2] as Float32Array, out, rng, sigma);
  },
};
