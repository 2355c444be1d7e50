/**
 * One TIFF (images/NNNNNN.tiff) into HWC uint8, with utif (UTIF.decode + UTIF.decodeImage, which leaves
 * the decoded strips in `ifd.data`: for 8-bit chunky L or RGB that IS the HWC pixel array, so gray
 * images never go through RGBA / toRGBA8).
 *
 * Accepted: 8 bits per sample; 1 sample (PhotometricInterpretation BlackIsZero, or WhiteIsZero,
 * inverted) or 3 samples (RGB), chunky; strips or tiles; uncompressed, LZW, Deflate
 * (8 and 32946) or PackBits, with or without horizontal predictor. JPEG-in-TIFF, palette, alpha and
 * planar layout and other bit depths are rejected by name: the reference reader (PIL) would decode JPEG differently.
 * Truncation is checked explicitly (utif would silently fill missing bytes with zeros).
 */
import UTIF from 'utif';
import { Problems, fail, show } from './problems';

export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** HWC uint8, height * width * channels bytes. */
  pixels: Uint8Array;
}

export interface TiffHeader {
  width: number;
  height: number;
  /** Samples per pixel as stored (1 or 3 when valid). */
  samples: number;
  bitsPerSample: number[];
  compression: number;
  photometric: number;
  planar: number;
}

const COMPRESSIONS: Record<number, string> = { 1: 'none', 5: 'LZW', 8: 'Deflate', 32946: 'Deflate', 32773: 'PackBits' };

type Ifd = UTIF.IFD;

function tag(ifd: Ifd, t: number): number[] | undefined {
  const v = ifd[`t${t}`];
  return Array.isArray(v) ? (v as number[]) : undefined;
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer)
    return bytes.buffer;
  return bytes.slice().buffer;
}

function firstIfd(buf: ArrayBuffer, file: string, size: number): Ifd {
  const b = new Uint8Array(buf);
  const order = String.fromCharCode(b[0] ?? 0, b[1] ?? 0);
  if (size < 8 || (order !== 'II' && order !== 'MM')) {
    fail(file, 'header', 'a TIFF file (II* or MM*)', size < 8 ? `${size} bytes` : 'other bytes', 'not a TIFF file');
  }
  let ifds: Ifd[];
  try {
    ifds = UTIF.decode(buf);
  } catch (e) {
    fail(file, 'header', 'a readable TIFF directory', 'an unreadable one', e instanceof Error ? e.message : String(e));
  }
  const ifd = ifds[0];
  if (!ifd || tag(ifd, 256) === undefined || tag(ifd, 257) === undefined)
    fail(file, 'header', 'an image directory with width and height', 'none');
  return ifd;
}

/** Read the first image directory's geometry without decoding pixels (cheap pre-check). */
export function readTiffHeader(bytes: Uint8Array, file: string): TiffHeader {
  const ifd = firstIfd(arrayBufferOf(bytes), file, bytes.length);
  const h = headerOf(ifd);
  checkHeader(ifd, h, bytes.length, file);
  return h;
}

function headerOf(ifd: Ifd): TiffHeader {
  const width = tag(ifd, 256)?.[0] ?? 0;
  const height = tag(ifd, 257)?.[0] ?? 0;
  const samples = tag(ifd, 277)?.[0] ?? 1;
  const bitsPerSample = tag(ifd, 258) ?? [1];
  const compression = tag(ifd, 259)?.[0] ?? 1;
  const photometric = tag(ifd, 262)?.[0] ?? (samples >= 3 ? 2 : 1);
  const planar = tag(ifd, 284)?.[0] ?? 1;
  return { width, height, samples, bitsPerSample, compression, photometric, planar };
}

/** Every reason this TIFF cannot be decoded as 8-bit L or RGB, all at once. */
function checkHeader(ifd: Ifd, h: TiffHeader, size: number, file: string): void {
  const problems = new Problems(25);
  if (h.bitsPerSample.some((b) => b !== 8))
    problems.add(file, 'tag BitsPerSample', '8 bits per sample', show(h.bitsPerSample));
  if (h.samples !== 1 && h.samples !== 3) {
    problems.add(
      file,
      'tag SamplesPerPixel',
      '1 (mode L) or 3 (mode RGB)',
      String(h.samples),
      h.samples === 4 ? 'alpha or CMYK' : h.samples === 2 ? 'LA' : undefined,
    );
  }
  if (h.samples === 1 && h.photometric !== 0 && h.photometric !== 1) {
    problems.add(
      file,
      'tag PhotometricInterpretation',
      '1 (BlackIsZero) for a 1-sample image',
      String(h.photometric),
      h.photometric === 3 ? 'palette images are not supported' : undefined,
    );
  }
  if (h.samples === 3 && h.photometric !== 2)
    problems.add(file, 'tag PhotometricInterpretation', '2 (RGB) for a 3-sample image', String(h.photometric));
  // utif lays planar strips out as if they were chunky rows; PIL writes chunky (1).
  if (h.samples > 1 && h.planar !== 1)
    problems.add(
      file,
      'tag PlanarConfiguration',
      '1 (chunky, as PIL writes)',
      String(h.planar),
      'planar TIFFs are not supported',
    );
  if (!(h.compression in COMPRESSIONS)) {
    problems.add(
      file,
      'tag Compression',
      'none (1), LZW (5), Deflate (8) or PackBits (32773)',
      String(h.compression),
      h.compression === 6 || h.compression === 7 ? 'JPEG' : undefined,
    );
  }
  const offsets = tag(ifd, 273) ?? tag(ifd, 324);
  const counts = tag(ifd, 279) ?? tag(ifd, 325);
  if (!offsets || offsets.length === 0) problems.add(file, 'tag StripOffsets', 'strip or tile offsets', 'none');
  else if (!counts || counts.length !== offsets.length)
    problems.add(file, 'tag StripByteCounts', `${offsets.length} byte counts`, show(counts?.length ?? 0));
  else {
    for (let i = 0; i < offsets.length; i++) {
      const end = (offsets[i] as number) + (counts[i] as number);
      if (end > size) {
        problems.add(file, 'data', `strip ${i} to end at byte ${end}`, `a file of ${size} bytes`, 'truncated file');
        break;
      }
    }
    if (h.compression === 1 && h.samples >= 1 && tag(ifd, 322) === undefined) {
      const need = h.width * h.height * h.samples * ((h.bitsPerSample[0] ?? 8) / 8);
      const total = counts.reduce((a, b) => a + b, 0);
      if (total < need)
        problems.add(
          file,
          'data',
          `${need} bytes of uncompressed pixels`,
          `${total} bytes in the strips`,
          'truncated or short strips',
        );
    }
  }
  problems.check();
}

/** Decode a TIFF into HWC uint8 (see the file comment for what is accepted). */
export function decodeTiff(bytes: Uint8Array, file: string): DecodedImage {
  const buf = arrayBufferOf(bytes);
  const ifd = firstIfd(buf, file, bytes.length);
  const h = headerOf(ifd);
  checkHeader(ifd, h, bytes.length, file);
  try {
    UTIF.decodeImage(buf, ifd);
  } catch (e) {
    fail(file, 'data', 'decodable pixel data', 'data utif cannot decode', e instanceof Error ? e.message : String(e));
  }
  const channels = h.samples as 1 | 3;
  const n = h.width * h.height * channels;
  const data = ifd.data;
  if (!(data instanceof Uint8Array) || data.length < n) {
    fail(
      file,
      'data',
      `${n} bytes of pixels`,
      `${data instanceof Uint8Array ? data.length : 0} bytes after decoding`,
      'truncated or corrupt data',
    );
  }
  let pixels = data.length === n ? data : data.subarray(0, n);
  if (channels === 1 && h.photometric === 0) {
    pixels = pixels.slice();
    for (let i = 0; i < n; i++) pixels[i] = 255 - (pixels[i] as number);
  }
  return { width: h.width, height: h.height, channels, pixels };
}
