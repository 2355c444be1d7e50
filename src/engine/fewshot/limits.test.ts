import { describe, expect, it } from 'vitest';
import type { EnvironmentReport } from '../environment';
import { encoderCost } from './encoders/registry';
import { embedChunk, episodeBlock } from './limits';

function env(backend: EnvironmentReport['backend'], adapter: EnvironmentReport['adapter'] = null): EnvironmentReport {
  return {
    requested: backend,
    backend,
    attempts: [],
    adapter,
    softwareFallback: false,
    wasm: null,
    tfjsVersion: '4.22.0',
    userAgent: '',
    crossOriginIsolated: true,
    hardwareConcurrency: 2,
  };
}

const GIB = 2 ** 30;
const conv4at224 = encoderCost({ name: 'conv4', inputSize: 224, channels: 3, seed: 0 });

describe('chunking by backend limits', () => {
  it('WebGPU: a 224x224 Conv-4 batch stays under maxBufferSize (100 images would need 1.28 GB)', () => {
    const gpu = env('webgpu', {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
      limits: { maxBufferSize: GIB, maxStorageBufferBindingSize: GIB },
    });
    const n = embedChunk(conv4at224, gpu, 100);
    expect(n * 224 * 224 * 64 * 4).toBeLessThanOrEqual(GIB);
    expect(n).toBe(83);
    // The binding size limits too when smaller.
    const small = env('webgpu', {
      ...gpu.adapter!,
      limits: { maxBufferSize: GIB, maxStorageBufferBindingSize: 128 * 2 ** 20 },
    });
    expect(embedChunk(conv4at224, small, 100)).toBe(10);
  });

  it('WebGL: the im2col matrix must fit a max-size texture (8192: fewer than 25 images at 224)', () => {
    const gl = env('webgl', {
      vendor: 'x',
      architecture: 'WebGL 2.0',
      device: 'SwiftShader',
      description: 'max texture 8192',
      isFallbackAdapter: true,
    });
    const n = embedChunk(conv4at224, gl, 100);
    expect(n).toBeLessThan(25);
    expect(n).toBeGreaterThan(0);
  });

  it('wasm keeps batches of 100 at 224x224; at 84x84 only WebGL limits them', () => {
    expect(embedChunk(conv4at224, env('wasm'), 100)).toBe(100);
    const at84 = encoderCost({ name: 'conv4', inputSize: 84, channels: 3, seed: 0 });
    expect(embedChunk(at84, env('cpu'), 100)).toBe(100);
    const gl = env('webgl', {
      vendor: 'x',
      architecture: 'WebGL 2.0',
      device: 'SwiftShader',
      description: 'max texture 8192',
      isFallbackAdapter: true,
    });
    expect(embedChunk(at84, gl, 100)).toBe(66);
  });

  it('episode blocks shrink when the gathered rows would not fit', () => {
    expect(episodeBlock(100, 1600, env('wasm'), 100)).toBe(100);
    const gpu = env('webgpu', {
      vendor: '',
      architecture: '',
      device: '',
      description: '',
      isFallbackAdapter: true,
      limits: { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 28 },
    });
    const e = episodeBlock(100, 12544, gpu, 100);
    expect(e * 100 * 12544 * 4).toBeLessThanOrEqual(2 ** 28 / 4);
  });
});
