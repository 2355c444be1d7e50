import { cos, sin } from './fmath';
import { W, WP } from './raster';

/**
 * The shape vocabulary shared by the radiograph, dermoscopy and clinical-photo demo domains: the class
 * factor that makes those domains close.
 */
export const SHAPES = ['round', 'triangular', 'square', 'stellate'] as const;
export type Shape = (typeof SHAPES)[number];

export const ROUND = 0;
export const TRIANGULAR = 1;
export const SQUARE = 2;
export const STELLATE = 3;

const SQRT3 = Math.sqrt(3);
/**
 * Unit gauge functions g (shape = {g <= 1}), each with outer radius 1 so that a shape's size r is its
 * half-diameter, as lesions are measured: round sqrt(u^2+v^2); triangular 2 max(n_i . p) (equilateral,
 * circumradius 1); square sqrt(2) max(|u|,|v|) (corners at 1); stellate (sqrt|u| + sqrt|v|)^2 (a concave
 * four-pointed star, tips at 1). At equal r their areas differ (relative to the disc: triangular 0.41,
 * square 0.64, stellate 0.21), a weak pixel-level cue on top of the outline itself.
 */
const SQUARE_SCALE = Math.sqrt(2);

export interface ShapeParams {
  shape: number;
  /** Centre, pixels. */
  cx: number;
  cy: number;
  /** Size: the outer radius (half the largest diameter), pixels. */
  r: number;
  /** Rotation, radians. */
  theta: number;
  /** Width / height before rotation (1 = undistorted). */
  aspect: number;
  /** Edge blur, pixels. */
  soft: number;
  /** Optional smooth work-grid field (WP long, about unit scale) that roughens the border by wobble * field. */
  field?: Float32Array;
  wobble?: number;
}

/** Writes the shape's coverage (0..1) into every pixel of the work-grid plane `mask`. */
export function shapeMask(mask: Float32Array, p: ShapeParams): void {
  mask.fill(0);
  const k = p.shape | 0;
  if (!(k >= 0 && k < SHAPES.length)) throw new Error(`shapeMask: unknown shape ${p.shape}`);
  const scale = k === SQUARE ? SQUARE_SCALE : 1;
  // Work-grid units (see raster.ts): half the output resolution.
  const cx = p.cx * 0.5 - 0.25;
  const cy = p.cy * 0.5 - 0.25;
  const r = p.r * 0.5;
  const soft = p.soft * 0.5;
  const sa = Math.sqrt(p.aspect);
  const wob = p.field && p.wobble ? p.wobble : 0;
  const R = r * Math.max(sa, 1 / sa) * (1 + 2 * wob) + soft + 2;
  const x0 = Math.max(0, Math.floor(cx - R));
  const x1 = Math.min(W - 1, Math.ceil(cx + R));
  const y0 = Math.max(0, Math.floor(cy - R));
  const y1 = Math.min(W - 1, Math.ceil(cy + R));
  const cs = cos(p.theta);
  const sn = sin(p.theta);
  const iu = scale / (r * sa);
  const iv = (scale * sa) / r;
  const edge = r / Math.max(0.35, soft);
  const field = p.field;
  if (field && field.length !== WP) throw new Error('shapeMask: field must be a work-grid plane');
  for (let y = y0; y <= y1; y++) {
    const dy = y - cy;
    const o = y * W;
    for (let x = x0; x <= x1; x++) {
      const dx = x - cx;
      const u = (dx * cs + dy * sn) * iu;
      const v = (dy * cs - dx * sn) * iv;
      let g: number;
      switch (k) {
        case ROUND:
          g = Math.sqrt(u * u + v * v);
          break;
        case TRIANGULAR: {
          const a = 0.5 * v;
          const b = 0.5 * SQRT3 * u;
          g = 2 * Math.max(-v, b + a, a - b);
          break;
        }
        case SQUARE:
          g = Math.max(Math.abs(u), Math.abs(v));
          break;
        default: {
          const s = Math.sqrt(Math.abs(u)) + Math.sqrt(Math.abs(v));
          g = s * s;
        }
      }
      if (wob !== 0 && field) g += wob * (field[o + x] as number);
      let c = 0.5 + (1 - g) * edge;
      if (c <= 0) continue;
      if (c > 1) c = 1;
      mask[o + x] = c;
    }
  }
}
