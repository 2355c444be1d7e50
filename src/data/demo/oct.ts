import { bump, sin } from './fmath';
import { multiplyNoise, outCoord, plane, smoothProfile, W, writeGray } from './raster';
import { labelList, type DemoDef } from './spec';

/**
 * "Synthetic OCT" domain (C = 1): retinal cross-section B-scans, a stack of bright and dark layer
 * bands under dark vitreous, with speckle. Class factor: the *curvature profile* of the layer stack
 * (flat, one dome, undulating), a factor no other domain uses. Nuisances: depth, tilt, a foveal dip,
 * layer thicknesses and brightness, vessel shadows, speckle.
 */

const TAU = 6.283185307179586;
/** Depth lookup at 4 sub-steps per pixel, covering -OFF/4 .. (LEN-OFF)/4 pixels around the surface. */
const SUB = 4;
const OFF = 240 * SUB;
const LEN = 480 * SUB;
const lut = new Float32Array(LEN);
const tmp = new Float32Array(LEN);
/** Per work column: the surface depth (output pixels) and the shadow factor. */
const surface = new Float32Array(W);
const shade = new Float32Array(W);

function constant(thickness: number, intensity: number): [number, number, number] {
  return [thickness, intensity, intensity];
}

export const oct: DemoDef = {
  id: 'demo_oct',
  name: 'Synthetic demo: OCT (layer profile)',
  summary:
    'Procedurally generated OCT-like grey B-scans: retinal layer bands with speckle. Class factor: the ' +
    'curvature profile of the layers (flat, dome-shaped elevation, undulating).',
  domain: 'Synthetic OCT',
  channels: 1,
  numImages: 450,
  splitPercent: [60, 20, 20],
  mainClasses: 3,
  factors: ['profile'],
  drawFactors() {},
  tasks: [
    {
      kind: 'single',
      factor: 'layer curvature profile',
      info: {
        name: 'Layer profile',
        target: 'MULTICLASS_CLASSIFICATION',
        labels: labelList([0, 1, 2], ['Normal (flat)', 'Elevation (dome)', 'Undulating (drusen-like)']),
      },
      value: (f) => f[0] as number,
    },
    {
      kind: 'single',
      factor: 'layer curvature profile: dome = urgent',
      info: { name: 'Urgent referral', target: 'BINARY_CLASSIFICATION', labels: labelList([0, 1], ['no', 'yes']) },
      value: (f) => (f[0] === 1 ? 1 : 0),
    },
  ],
  render(f, rng, out) {
    // Layer intensities along depth (sub-pixel steps), then a small box blur.
    const vitreous = rng.uniform(8, 20);
    const layers: [number, number, number][] = [
      // [thickness px, intensity at top, intensity at bottom]: NFL, GCL/IPL, INL, OPL, ONL, IS/OS, gap, RPE, choroid
      constant(rng.uniform(6, 12), rng.uniform(140, 190)),
      constant(rng.uniform(12, 20), rng.uniform(80, 110)),
      constant(rng.uniform(6, 10), rng.uniform(38, 60)),
      constant(rng.uniform(4, 7), rng.uniform(100, 130)),
      constant(rng.uniform(16, 26), rng.uniform(28, 48)),
      constant(rng.uniform(3, 5), rng.uniform(170, 210)),
      constant(rng.uniform(2, 4), rng.uniform(50, 70)),
      constant(rng.uniform(6, 10), rng.uniform(190, 235)),
      [rng.uniform(25, 45), rng.uniform(110, 140), 40],
    ];
    const deep = rng.uniform(22, 34);
    let k = 0;
    for (; k < OFF; k++) tmp[k] = vitreous;
    for (const [t, top, bottom] of layers) {
      const end = Math.min(LEN, k + Math.round(t * SUB));
      const n = end - k;
      for (let j = 0; k < end; k++, j++) tmp[k] = top + ((bottom - top) * j) / n;
    }
    for (; k < LEN; k++) tmp[k] = deep;
    const w = 2 * SUB;
    let acc = 0;
    for (let j = 0; j < LEN; j++) {
      acc += tmp[j] as number;
      if (j >= w) acc -= tmp[j - w] as number;
      lut[j] = acc / Math.min(j + 1, w);
    }
    // Surface: depth + tilt + roughness + foveal dip + the class profile.
    const base = rng.uniform(74, 92);
    const tilt = rng.uniform(-0.18, 0.18);
    smoothProfile(rng, 5, 2.5, surface);
    const dip = rng.uniform(0, 12);
    const xf = rng.uniform(80, 144);
    const wf = rng.uniform(25, 40);
    const cls = f[0] as number;
    const A = cls === 1 ? rng.uniform(14, 26) : rng.uniform(3.5, 7);
    const xc = rng.uniform(88, 136);
    const wc = rng.uniform(28, 48);
    const lambda = rng.uniform(28, 50);
    const phase = rng.uniform(0, TAU);
    for (let i = 0; i < W; i++) {
      const x = outCoord(i);
      let y = base + tilt * (x - 112) + (surface[i] as number) + dip * bump((x - xf) / wf);
      if (cls === 1) y -= A * bump((x - xc) / wc);
      else if (cls === 2) y += A * sin((TAU * x) / lambda + phase);
      surface[i] = y;
    }
    // Vessel shadows below the surface.
    shade.fill(1);
    const shadows = rng.int(4);
    for (let s = 0; s < shadows; s++) {
      const xs = rng.uniform(0, 224);
      const ws = rng.uniform(3, 8);
      const depth = rng.uniform(0.35, 0.6);
      for (let i = 0; i < W; i++) shade[i] = (shade[i] as number) * (1 - depth * bump((outCoord(i) - xs) / ws));
    }
    const img = plane(0);
    const gain = rng.uniform(0.75, 1.2);
    for (let y = 0; y < W; y++) {
      const o = y * W;
      const Y = outCoord(y);
      for (let x = 0; x < W; x++) {
        let d = ((Y - (surface[x] as number)) * SUB + OFF) | 0;
        if (d < 0) d = 0;
        else if (d >= LEN) d = LEN - 1;
        const s = d > OFF + 10 * SUB ? (shade[x] as number) : 1;
        img[o + x] = gain * s * (lut[d] as number);
      }
    }
    multiplyNoise(rng, img, rng.uniform(0.28, 0.4));
    writeGray(img, out, rng, rng.uniform(3, 6));
  },
};
