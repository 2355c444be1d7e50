import type { EnvironmentReport } from '../environment';
import type { EncoderCost } from './encoders/types';

/**
 * The largest tensor (bytes) the running backend can hold safely. Going over is not always an error:
 * WebGPU returns zeros silently above maxBufferSize (browser-notes.md), WebGL fails on textures over its
 * maximum side, wasm runs out of its 4 GiB heap.
 * - webgpu: min(maxBufferSize, maxStorageBufferBindingSize) of the device.
 * - webgl: MAX_TEXTURE_SIZE^2 floats (one per texel: the unpacked worst case).
 * - wasm: 1.5 GB, so a 100-image 224x224 Conv-4 batch (1.28 GB conv output) still runs in one go.
 * - cpu: 1 GB of JS typed arrays.
 */
export function maxTensorBytes(env: EnvironmentReport | undefined): number {
  switch (env?.backend) {
    case 'webgpu': {
      const l = env.adapter?.limits;
      return l ? Math.min(l.maxBufferSize, l.maxStorageBufferBindingSize) : 128 * 2 ** 20;
    }
    case 'webgl': {
      const m = /max texture (\d+)/.exec(env.adapter?.description ?? '');
      const side = m ? Number(m[1]) : 4096;
      return side * side * 4;
    }
    case 'wasm':
      return 1.5e9;
    default:
      return 1e9;
  }
}

/** Floats one image needs in the encoder's largest tensor on this backend (WebGL materialises im2col). */
export function peakPerImage(cost: EncoderCost, env: EnvironmentReport | undefined): number {
  return env?.backend === 'webgl' ? Math.max(cost.peakActivation, cost.peakIm2col) : cost.peakActivation;
}

/** Images per embedding call: at most `wanted`, and small enough for the backend's largest tensor. */
export function embedChunk(cost: EncoderCost, env: EnvironmentReport | undefined, wanted: number): number {
  const fit = Math.floor(maxTensorBytes(env) / (4 * peakPerImage(cost, env)));
  return Math.max(1, Math.min(wanted, fit));
}

/**
 * Episodes per evaluated block: at most `wanted`, and few enough that the gathered support and query
 * rows ([E, S+Q, D] floats) stay under a quarter of the largest tensor (there are several such tensors).
 */
export function episodeBlock(
  rowsPerEpisode: number,
  dim: number,
  env: EnvironmentReport | undefined,
  wanted: number,
): number {
  const fit = Math.floor(maxTensorBytes(env) / 4 / (4 * Math.max(1, rowsPerEpisode) * dim));
  return Math.max(1, Math.min(wanted, fit));
}
