import { Rng } from '../../core/rng';
import { cos, normal, sin } from './fmath';

/**
 * Raster primitives shared by the demo renderers. Images are drawn on a half-resolution work grid
 * (W x W floats; the content is smooth: blurred shapes, smooth fields, soft-edged primitives), then one
 * fused pass upsamples it 2x, adds full-resolution pixel noise, rounds and clamps to uint8. That keeps
 * the whole meta-dataset to about 10 full-resolution float passes per image.
 *
 * Coordinates and lengths passed to these functions are in output pixels (0..SIZE); they convert to the
 * work grid themselves. Only + - * /, sqrt, floor/round/min/max and integer ops touch pixels (see fmath.ts).
 */

/** Every demo image is SIZE x SIZE (MedIMeta's 224). */
export const SIZE = 224;
export const PIXELS = SIZE * SIZE;
/** The work grid: W x W, half the output resolution. */
export const W = SIZE / 2;
export const WP = W * W;

/** Output-pixel coordinate of the centre of work pixel i (work pixel i covers output pixels 2i, 2i+1). */
export function outCoord(i: number): number {
  return 2 * i + 0.5;
}
/** Work-grid coordinate of output coordinate x. */
function work(x: number): number {
  return x * 0.5 - 0.25;
}

/**
 * Work planes reused across render calls (a render fills every plane it reads before reading it, so
 * results never depend on an earlier call). JavaScript is single-threaded per worker, so sharing is safe.
 */
const planes: Float32Array[] = [];
export function plane(i: number): Float32Array {
  while (planes.length <= i) planes.push(new Float32Array(WP));
  return planes[i] as Float32Array;
}

/** 1024 (approximately) standard-normal values from a fixed stream: smooth fields index this table. */
const NORMALS = (() => {
  const t = new Float32Array(1024);
  const rng = new Rng(0x5eed_0001);
  for (let i = 0; i < t.length; i++) t[i] = normal(rng);
  return t;
})();

/**
 * Pixel noise: a fixed tile of TILE + PIXELS standard-normal values; each plane reads consecutive values
 * from a random offset. One RNG draw per plane instead of one per pixel.
 */
const TILE = 1 << 18;
const NOISE = (() => {
  const t = new Float32Array(TILE + PIXELS);
  const rng = new Rng(0x5eed_0002);
  for (let i = 0; i < TILE; i++) t[i] = NORMALS[rng.u32() >>> 22] as number;
  t.copyWithin(TILE, 0, PIXELS);
  return t;
})();

/** Multiplies every work pixel by (1 + rel * N(0,1)): the speckle of coherent imaging, 2 px grains. */
export function multiplyNoise(rng: Rng, buf: Float32Array, rel: number): void {
  const off = rng.u32() >>> 14;
  for (let i = 0; i < WP; i++) buf[i] = (buf[i] as number) * (1 + rel * (NOISE[off + i] as number));
}

/** Per grid size: for each work coordinate the lower grid cell and the (smoothstep) interpolation weight. */
const lerpTables = new Map<number, { i0: Int32Array; w: Float32Array }>();
function lerpTable(grid: number): { i0: Int32Array; w: Float32Array } {
  let t = lerpTables.get(grid);
  if (!t) {
    const i0 = new Int32Array(W);
    const w = new Float32Array(W);
    for (let x = 0; x < W; x++) {
      const g = ((x + 0.5) / W) * (grid - 1);
      const k = Math.min(grid - 2, Math.floor(g));
      i0[x] = k;
      const f = g - k;
      w[x] = f * f * (3 - 2 * f); // smoothstep: no visible grid creases
    }
    t = { i0, w };
    lerpTables.set(grid, t);
  }
  return t;
}

const MAX_GRID = 64;
const rowScratch = new Float32Array(MAX_GRID * W);
const gridScratch = new Float32Array(MAX_GRID * MAX_GRID);
/**
 * Smooth random field: a grid x grid array of N(0, amp^2) values upsampled over the image, added to
 * `buf` (or written, with `add` false). grid in [2, 64]; larger grids give finer texture.
 */
export function smoothField(rng: Rng, grid: number, amp: number, buf: Float32Array, add = true): void {
  if (!(grid >= 2 && grid <= MAX_GRID)) throw new Error(`smoothField: grid must be in [2, ${MAX_GRID}], got ${grid}`);
  const { i0, w } = lerpTable(grid);
  const g = gridScratch;
  for (let i = 0; i < grid * grid; i++) g[i] = amp * (NORMALS[rng.u32() & 1023] as number);
  // Horizontal pass: one upsampled row per grid row.
  for (let gy = 0; gy < grid; gy++) {
    const base = gy * grid;
    const ro = gy * W;
    for (let x = 0; x < W; x++) {
      const k = base + (i0[x] as number);
      const a = g[k] as number;
      rowScratch[ro + x] = a + ((g[k + 1] as number) - a) * (w[x] as number);
    }
  }
  // Vertical pass.
  for (let y = 0; y < W; y++) {
    const r0 = (i0[y] as number) * W;
    const r1 = r0 + W;
    const wy = w[y] as number;
    const o = y * W;
    if (add) {
      for (let x = 0; x < W; x++) {
        const a = rowScratch[r0 + x] as number;
        buf[o + x] = (buf[o + x] as number) + a + ((rowScratch[r1 + x] as number) - a) * wy;
      }
    } else {
      for (let x = 0; x < W; x++) {
        const a = rowScratch[r0 + x] as number;
        buf[o + x] = a + ((rowScratch[r1 + x] as number) - a) * wy;
      }
    }
  }
}

/** A 1-D smooth random profile over the W work columns (grid points upsampled), N(0, amp^2). */
export function smoothProfile(rng: Rng, grid: number, amp: number, out: Float32Array): void {
  if (!(grid >= 2 && grid <= MAX_GRID)) throw new Error(`smoothProfile: grid must be in [2, ${MAX_GRID}], got ${grid}`);
  const { i0, w } = lerpTable(grid);
  const g = gridScratch;
  for (let i = 0; i < grid; i++) g[i] = amp * (NORMALS[rng.u32() & 1023] as number);
  for (let x = 0; x < W; x++) {
    const k = i0[x] as number;
    const a = g[k] as number;
    out[x] = a + ((g[k + 1] as number) - a) * (w[x] as number);
  }
}

/** Adds a linear ramp: `amp` times the signed distance from the centre along direction `angle`, / SIZE. */
export function addRamp(buf: Float32Array, angle: number, amp: number): void {
  const dx = (cos(angle) * amp) / SIZE;
  const dy = (sin(angle) * amp) / SIZE;
  const c = SIZE / 2;
  for (let y = 0; y < W; y++) {
    const o = y * W;
    let v = (outCoord(0) - c) * dx + (outCoord(y) - c) * dy;
    for (let x = 0; x < W; x++) {
      buf[o + x] = (buf[o + x] as number) + v;
      v += 2 * dx;
    }
  }
}

/** Distance of every work pixel from the image centre, in output pixels (for vignettes). */
export const RADIUS: Float32Array = (() => {
  const r = new Float32Array(WP);
  const c = SIZE / 2;
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const dx = outCoord(x) - c;
      const dy = outCoord(y) - c;
      r[y * W + x] = Math.sqrt(dx * dx + dy * dy);
    }
  }
  return r;
})();

/**
 * Soft-edged filled ellipse (centre cx, cy; semi-axes a, b; rotated by theta), combined into `buf` as
 * max(buf, amount * coverage) when `max`, else added. The edge ramps over about `soft` pixels.
 */
export function ellipse(
  buf: Float32Array,
  cx: number,
  cy: number,
  a: number,
  b: number,
  theta: number,
  amount: number,
  soft: number,
  max = false,
): void {
  const wx = work(cx);
  const wy = work(cy);
  const wa = a * 0.5;
  const wb = b * 0.5;
  const ws = soft * 0.5;
  const R = Math.max(wa, wb) + ws + 1;
  const x0 = Math.max(0, Math.floor(wx - R));
  const x1 = Math.min(W - 1, Math.ceil(wx + R));
  const y0 = Math.max(0, Math.floor(wy - R));
  const y1 = Math.min(W - 1, Math.ceil(wy + R));
  const cs = cos(theta);
  const sn = sin(theta);
  const ia = 1 / wa;
  const ib = 1 / wb;
  // Coverage from the normalised radius q: 0.5 + (1 - q) * k, clamped to 0..1 (edge ~ws work px wide).
  const k = Math.min(wa, wb) / Math.max(0.35, ws);
  // Coverage is 0 beyond q = 1 + 0.5/k and 1 inside q = 1 - 0.5/k: no sqrt needed there.
  const qOut = 1 + 0.5 / k;
  const qIn = Math.max(0, 1 - 0.5 / k);
  const out2 = qOut * qOut;
  const in2 = qIn * qIn;
  for (let y = y0; y <= y1; y++) {
    const dy = y - wy;
    const o = y * W;
    for (let x = x0; x <= x1; x++) {
      const dx = x - wx;
      const u = (dx * cs + dy * sn) * ia;
      const v = (dy * cs - dx * sn) * ib;
      const q2 = u * u + v * v;
      if (q2 >= out2) continue;
      const val = amount * (q2 <= in2 ? 1 : 0.5 + (1 - Math.sqrt(q2)) * k);
      if (max) {
        if (val > (buf[o + x] as number)) buf[o + x] = val;
      } else buf[o + x] = (buf[o + x] as number) + val;
    }
  }
}

/**
 * Strokes a quadratic Bezier curve p0 -> (control c) -> p1 of the given width into `mask` as
 * max(mask, coverage * amount), by stamping soft discs along it.
 */
export function strokeCurve(
  mask: Float32Array,
  p0x: number,
  p0y: number,
  cx: number,
  cy: number,
  p1x: number,
  p1y: number,
  width: number,
  amount: number,
): void {
  const ax = cx - p0x;
  const ay = cy - p0y;
  const bx = p1x - cx;
  const by = p1y - cy;
  const len = 0.5 * (Math.sqrt(ax * ax + ay * ay) + Math.sqrt(bx * bx + by * by));
  const steps = Math.max(2, Math.ceil(len * 1.5));
  // Thin lines keep a minimum drawn width and fade instead, so they do not alias on the work grid.
  const hw = Math.max(0.5, width * 0.25);
  const fade = Math.min(1, (width * 0.25) / hw);
  const R = Math.ceil(hw + 1);
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const it = 1 - t;
    const px = work(it * it * p0x + 2 * it * t * cx + t * t * p1x);
    const py = work(it * it * p0y + 2 * it * t * cy + t * t * p1y);
    const xi = Math.round(px);
    const yi = Math.round(py);
    for (let y = yi - R; y <= yi + R; y++) {
      if (y < 0 || y >= W) continue;
      const dy = y - py;
      const o = y * W;
      for (let x = xi - R; x <= xi + R; x++) {
        if (x < 0 || x >= W) continue;
        const dx = x - px;
        let c = hw + 0.5 - Math.sqrt(dx * dx + dy * dy);
        if (c <= 0) continue;
        if (c > 1) c = 1;
        const v = c * fade * amount;
        if (v > (mask[o + x] as number)) mask[o + x] = v;
      }
    }
  }
}

/** Linear contrast about `pivot`, then offset: v -> (v - pivot) * gain + pivot + offset. */
export function contrast(buf: Float32Array, pivot: number, gain: number, offset: number): void {
  const add = pivot * (1 - gain) + offset;
  for (let i = 0; i < buf.length; i++) buf[i] = (buf[i] as number) * gain + add;
}

/**
 * Rounds half up and clamps to 0..255 with integer bit tricks: no branches, so noisy black regions
 * cost no mispredictions (3x faster there than Math.min/max or a Uint8ClampedArray store). NaN gives 0.
 */
function byte(x: number): number {
  let v = (x + 0.5) | 0;
  v &= ~(v >> 31); // negative -> 0
  return (v | ((255 - v) >> 31)) & 255; // above 255 -> 255
}

/**
 * Vertical half of the 2x bilinear upsampling: output row y lies a quarter work pixel from work row
 * y >> 1, towards its neighbour (clamped at the border). Writes W values to `dst`.
 */
function blendRow(src: Float32Array, y: number, dst: Float32Array): void {
  const j = y >> 1;
  const n = y & 1 ? Math.min(W - 1, j + 1) : Math.max(0, j - 1);
  const a = j * W;
  const b = n * W;
  for (let x = 0; x < W; x++) dst[x] = 0.75 * (src[a + x] as number) + 0.25 * (src[b + x] as number);
}

const rowR = new Float32Array(W);
const rowG = new Float32Array(W);
const rowB = new Float32Array(W);

/** Upsamples a work plane 2x, adds N(0, sigma^2) pixel noise, rounds and clamps into `out` (PIXELS bytes). */
export function writeGray(buf: Float32Array, out: Uint8Array, rng: Rng, sigma: number): void {
  const off = rng.u32() >>> 14;
  for (let y = 0; y < SIZE; y++) {
    blendRow(buf, y, rowR);
    const o = y * SIZE;
    const no = off + o;
    let prev = rowR[0] as number;
    let cur = prev;
    for (let x = 0; x < W; x++) {
      const next = x + 1 < W ? (rowR[x + 1] as number) : cur;
      const i = 2 * x;
      out[o + i] = byte(0.75 * cur + 0.25 * prev + sigma * (NOISE[no + i] as number));
      out[o + i + 1] = byte(0.75 * cur + 0.25 * next + sigma * (NOISE[no + i + 1] as number));
      prev = cur;
      cur = next;
    }
  }
}

/**
 * Upsamples three work planes 2x, adds independent N(0, sigma^2) noise per channel, rounds, clamps and
 * interleaves them into `out` (3 * PIXELS bytes, HWC).
 */
export function writeRgb(
  r: Float32Array,
  g: Float32Array,
  b: Float32Array,
  out: Uint8Array,
  rng: Rng,
  sigma: number,
): void {
  const o0 = rng.u32() >>> 14;
  const o1 = rng.u32() >>> 14;
  const o2 = rng.u32() >>> 14;
  for (let y = 0; y < SIZE; y++) {
    blendRow(r, y, rowR);
    blendRow(g, y, rowG);
    blendRow(b, y, rowB);
    const p = y * SIZE;
    for (let x = 0; x < W; x++) {
      const xp = x > 0 ? x - 1 : 0;
      const xn = x + 1 < W ? x + 1 : x;
      const i = p + 2 * x;
      const j = 3 * i;
      const cr = 0.75 * (rowR[x] as number);
      const cg = 0.75 * (rowG[x] as number);
      const cb = 0.75 * (rowB[x] as number);
      out[j] = byte(cr + 0.25 * (rowR[xp] as number) + sigma * (NOISE[o0 + i] as number));
      out[j + 1] = byte(cg + 0.25 * (rowG[xp] as number) + sigma * (NOISE[o1 + i] as number));
      out[j + 2] = byte(cb + 0.25 * (rowB[xp] as number) + sigma * (NOISE[o2 + i] as number));
      out[j + 3] = byte(cr + 0.25 * (rowR[xn] as number) + sigma * (NOISE[o0 + i + 1] as number));
      out[j + 4] = byte(cg + 0.25 * (rowG[xn] as number) + sigma * (NOISE[o1 + i + 1] as number));
      out[j + 5] = byte(cb + 0.25 * (rowB[xn] as number) + sigma * (NOISE[o2 + i + 1] as number));
    }
  }
}
