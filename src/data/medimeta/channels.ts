/**
 * Pixel conversions for images that do not match info.yaml's input_size.
 *
 * Channels follow the reference reader, which opens each image with PIL and converts it to the mode of
 * input_size[0]:
 * - RGB -> L: PIL's ITU-R 601-2 luma in fixed point, L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
 * - L -> RGB: the gray value replicated into R, G and B.
 *
 * Size: `resizeTo224` (and `resizeBilinear`) implement PIL's Image.resize(..., BILINEAR) (Pillow >= 2.7,
 * ImagingResample): a separable triangle filter whose support grows with the scale factor when
 * shrinking (so it antialiases, unlike plain 4-tap bilinear), horizontal pass first, coefficients
 * normalised then rounded to 22-bit fixed point, each pass rounded and clamped to uint8. Not the
 * reference's behaviour (MedIMeta's images are all 224 x 224 already): it is the "resize instead of
 * rejecting" option, and is recorded in the dataset's provenance when used.
 */

/** RGB (HWC) -> L, PIL's formula. */
export function rgbToL(rgb: Uint8Array, pixels = rgb.length / 3): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    out[i] =
      ((rgb[j] as number) * 19595 + (rgb[j + 1] as number) * 38470 + (rgb[j + 2] as number) * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/** L -> RGB (HWC) by replication. */
export function lToRgb(gray: Uint8Array, pixels = gray.length): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    const v = gray[i] as number;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
  }
  return out;
}

export function convertChannels(pixels: Uint8Array, from: 1 | 3, to: 1 | 3): Uint8Array {
  if (from === to) return pixels;
  return from === 3 ? rgbToL(pixels) : lToRgb(pixels);
}

const PRECISION_BITS = 32 - 8 - 2;

interface Coeffs {
  /** First input index per output index. */
  start: Int32Array;
  /** Taps per output index. */
  size: Int32Array;
  /** ksize fixed-point weights per output index. */
  k: Int32Array;
  ksize: number;
}

/** PIL's precompute_coeffs for the bilinear (triangle) filter, then normalize_coeffs_8bpc. */
function coeffs(inSize: number, outSize: number): Coeffs {
  const support = 1; // bilinear
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const sup = support * filterscale;
  const ksize = Math.ceil(sup) * 2 + 1;
  const start = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - sup + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + sup + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const v = t < 1 ? 1 - t : 0;
      w[x] = v;
      total += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = total !== 0 ? (w[x] as number) / total : 0;
      // PIL: (int)(0.5 + v * (1 << PRECISION_BITS)) for v >= 0, (int)(-0.5 + ...) otherwise
      k[xx * ksize + x] =
        v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    size[xx] = xmax;
  }
  return { start, size, k, ksize };
}

function clip8(v: number): number {
  const x = v >> PRECISION_BITS;
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

/** Resize HWC uint8 with PIL's BILINEAR resampling (see the file comment). */
export function resizeBilinear(
  src: Uint8Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Uint8Array {
  if (h === outH && w === outW) return src;
  const half = 1 << (PRECISION_BITS - 1);
  let cur = src;
  let curW = w;
  if (w !== outW) {
    const { start, size, k, ksize } = coeffs(w, outW);
    const out = new Uint8Array(h * outW * c);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const x0 = start[xx] as number;
        const n = size[xx] as number;
        for (let ch = 0; ch < c; ch++) {
          let ss = half;
          for (let x = 0; x < n; x++)
            ss += (cur[(y * curW + x0 + x) * c + ch] as number) * (k[xx * ksize + x] as number);
          out[(y * outW + xx) * c + ch] = clip8(ss);
        }
      }
    }
    cur = out;
    curW = outW;
  }
  if (h !== outH) {
    const { start, size, k, ksize } = coeffs(h, outH);
    const out = new Uint8Array(outH * curW * c);
    for (let yy = 0; yy < outH; yy++) {
      const y0 = start[yy] as number;
      const n = size[yy] as number;
      for (let x = 0; x < curW; x++) {
        for (let ch = 0; ch < c; ch++) {
          let ss = half;
          for (let y = 0; y < n; y++)
            ss += (cur[((y0 + y) * curW + x) * c + ch] as number) * (k[yy * ksize + y] as number);
          out[(yy * curW + x) * c + ch] = clip8(ss);
        }
      }
    }
    cur = out;
  }
  return cur;
}

export function resizeTo224(src: Uint8Array, h: number, w: number, c: number): Uint8Array {
  return resizeBilinear(src, h, w, c, 224, 224);
}
