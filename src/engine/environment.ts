/** What actually ran: recorded with every result, shown in the backend panel. Plain data (serialisable). */

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
/** `auto` tries these in order and records why each earlier one was passed over. */
export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export type BackendRequest = BackendName | 'auto';

export function isBackendRequest(x: unknown): x is BackendRequest {
  return x === 'auto' || (typeof x === 'string' && (BACKEND_NAMES as readonly string[]).includes(x));
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** From the adapter itself (GPUAdapterInfo.isFallbackAdapter) or, for WebGL, the renderer string. */
  isFallbackAdapter: boolean;
  limits?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it was not used (failed to start, or skipped by `auto`). */
  reason?: string;
}

export interface EnvironmentReport {
  requested: BackendRequest;
  backend: BackendName;
  attempts: BackendAttempt[];
  /** GPU adapter for webgpu / webgl; null for wasm and cpu, which run on the CPU. */
  adapter: AdapterReport | null;
  /** True when the computation does not run on a hardware GPU adapter it asked for (a software adapter). */
  softwareFallback: boolean;
  wasm: { simd: boolean; threadsSupported: boolean; threads: number } | null;
  tfjsVersion: string;
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}
