import { describe, expect, it } from 'vitest';
import { Checker } from '../config/checker';
import { browserFromUserAgent, checkEnvironment } from './environment';
import { smallRecord } from './test-record';

describe('environment', () => {
  it('names the browser briefly', () => {
    expect(browserFromUserAgent(smallRecord().environment.userAgent)).toBe('Chrome 126');
    expect(browserFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox 128',
    );
    expect(
      browserFromUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).toBe('Safari 17.5');
    expect(browserFromUserAgent('Node.js/20')).toBe('Node 20');
  });
});

describe('checkEnvironment: wasm.ownKernels', () => {
  const wasmEnv = (ownKernels?: unknown): unknown => ({
    ...smallRecord().environment,
    backend: 'wasm',
    wasm: { simd: true, threadsSupported: true, threads: 2, ...(ownKernels === undefined ? {} : { ownKernels }) },
  });

  it('keeps the threads our kernels ran on, or why they did not run; results from before them still load', () => {
    for (const k of [{ threads: 2 }, { threads: 0, error: 'CompileError: relaxed SIMD' }, undefined]) {
      const c = new Checker();
      const env = checkEnvironment(c, wasmEnv(k), 'environment');
      expect(c.errors).toEqual([]);
      expect(env?.wasm?.ownKernels).toEqual(k);
    }
  });

  it('names the field and what it found when ownKernels is malformed', () => {
    const c = new Checker();
    expect(checkEnvironment(c, wasmEnv({ threads: '2' }), 'environment')).toBeUndefined();
    expect(c.errors.map((e) => e.path)).toEqual(['environment.wasm.ownKernels.threads']);
  });
});
