/**
 * The backend truth every result carries. The engine's `EnvironmentReport` (src/engine/environment.ts)
 * is this type: the compute worker fills it in, results and share links carry it.
 */

import { Checker, joinPath } from '../config/checker';
import { BACKEND_CHOICES, type BackendChoice } from '../config/types';

export type RunBackend = Exclude<BackendChoice, 'auto'>;
export const RUN_BACKENDS: readonly RunBackend[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export interface RunAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  limits?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

export interface RunWasm {
  simd: boolean;
  threadsSupported: boolean;
  /** tfjs-wasm's thread pool (XNNPACK). */
  threads: number;
  /**
   * ProtoBench's own SIMD kernels (src/engine/wasm-simd: the training step's weight gradients): the threads
   * they ran on, or 0 and why they could not run (then tfjs's kernels ran). Absent in results from before them.
   */
  ownKernels?: { threads: number; error?: string };
}

export interface RunEnvironment {
  requested: BackendChoice;
  backend: RunBackend;
  attempts: { backend: RunBackend; ok: boolean; reason?: string }[];
  adapter: RunAdapter | null;
  softwareFallback: boolean;
  wasm: RunWasm | null;
  tfjsVersion: string;
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

const TEXT = { minLength: 0, maxLength: 1024, allowControl: true };

/** Validates an environment read from a file; a fresh copy on success. */
export function checkEnvironment(c: Checker, v: unknown, path: string): RunEnvironment | undefined {
  const o = c.object(v, path, [
    'requested',
    'backend',
    'attempts',
    'adapter',
    'softwareFallback',
    'wasm',
    'tfjsVersion',
    'userAgent',
    'crossOriginIsolated',
    'hardwareConcurrency',
  ]);
  if (!o) return undefined;
  const p = (k: string): string => joinPath(path, k);
  const n0 = c.errors.length;
  const requested = c.oneOf(o.requested, p('requested'), BACKEND_CHOICES);
  const backend = c.oneOf(o.backend, p('backend'), RUN_BACKENDS);
  const list = c.array(o.attempts, p('attempts'), 0, 16);
  const attempts =
    list &&
    c.items(list, p('attempts'), (x, q) => {
      const a = c.object(x, q, ['backend', 'ok'], ['reason']);
      if (!a) return undefined;
      const b = c.oneOf(a.backend, joinPath(q, 'backend'), RUN_BACKENDS);
      const ok = c.boolean(a.ok, joinPath(q, 'ok'));
      const reason = a.reason === undefined ? undefined : c.string(a.reason, joinPath(q, 'reason'), TEXT);
      if (b === undefined || ok === undefined || (a.reason !== undefined && reason === undefined)) return undefined;
      return reason === undefined ? { backend: b, ok } : { backend: b, ok, reason };
    });
  let adapter: RunAdapter | null | undefined = null;
  if (o.adapter !== null) {
    const a = c.object(
      o.adapter,
      p('adapter'),
      ['vendor', 'architecture', 'device', 'description', 'isFallbackAdapter'],
      ['limits'],
    );
    if (a) {
      const q = (k: string): string => joinPath(p('adapter'), k);
      const vendor = c.string(a.vendor, q('vendor'), TEXT);
      const architecture = c.string(a.architecture, q('architecture'), TEXT);
      const device = c.string(a.device, q('device'), TEXT);
      const description = c.string(a.description, q('description'), TEXT);
      const isFallbackAdapter = c.boolean(a.isFallbackAdapter, q('isFallbackAdapter'));
      let limits: RunAdapter['limits'];
      if (a.limits !== undefined) {
        const l = c.object(a.limits, q('limits'), ['maxBufferSize', 'maxStorageBufferBindingSize']);
        const mb = l && c.int(l.maxBufferSize, joinPath(q('limits'), 'maxBufferSize'), 0, Number.MAX_SAFE_INTEGER);
        const ms =
          l &&
          c.int(
            l.maxStorageBufferBindingSize,
            joinPath(q('limits'), 'maxStorageBufferBindingSize'),
            0,
            Number.MAX_SAFE_INTEGER,
          );
        if (mb !== undefined && ms !== undefined) limits = { maxBufferSize: mb, maxStorageBufferBindingSize: ms };
      }
      adapter =
        vendor !== undefined &&
        architecture !== undefined &&
        device !== undefined &&
        description !== undefined &&
        isFallbackAdapter !== undefined
          ? { vendor, architecture, device, description, isFallbackAdapter, ...(limits ? { limits } : {}) }
          : undefined;
    } else adapter = undefined;
  }
  const softwareFallback = c.boolean(o.softwareFallback, p('softwareFallback'));
  let wasm: RunEnvironment['wasm'] | undefined = null;
  if (o.wasm !== null) {
    const w = c.object(o.wasm, p('wasm'), ['simd', 'threadsSupported', 'threads'], ['ownKernels']);
    const simd = w && c.boolean(w.simd, joinPath(p('wasm'), 'simd'));
    const threadsSupported = w && c.boolean(w.threadsSupported, joinPath(p('wasm'), 'threadsSupported'));
    const threads = w && c.int(w.threads, joinPath(p('wasm'), 'threads'), 0, 1024);
    let ownKernels: RunWasm['ownKernels'];
    if (w && w.ownKernels !== undefined) {
      const q = joinPath(p('wasm'), 'ownKernels');
      const k = c.object(w.ownKernels, q, ['threads'], ['error']);
      const kt = k && c.int(k.threads, joinPath(q, 'threads'), 0, 1024);
      const ke = k && k.error !== undefined ? c.string(k.error, joinPath(q, 'error'), TEXT) : undefined;
      if (kt !== undefined) ownKernels = ke === undefined ? { threads: kt } : { threads: kt, error: ke };
    }
    wasm =
      simd !== undefined && threadsSupported !== undefined && threads !== undefined
        ? { simd, threadsSupported, threads, ...(ownKernels ? { ownKernels } : {}) }
        : undefined;
  }
  const tfjsVersion = c.string(o.tfjsVersion, p('tfjsVersion'), { minLength: 0, maxLength: 64 });
  const userAgent = c.string(o.userAgent, p('userAgent'), TEXT);
  const crossOriginIsolated = c.boolean(o.crossOriginIsolated, p('crossOriginIsolated'));
  const hardwareConcurrency = c.int(o.hardwareConcurrency, p('hardwareConcurrency'), 0, 4096);
  if (
    c.errors.length > n0 ||
    requested === undefined ||
    backend === undefined ||
    attempts === undefined ||
    adapter === undefined ||
    softwareFallback === undefined ||
    wasm === undefined ||
    tfjsVersion === undefined ||
    userAgent === undefined ||
    crossOriginIsolated === undefined ||
    hardwareConcurrency === undefined
  )
    return undefined;
  return {
    requested,
    backend,
    attempts,
    adapter,
    softwareFallback,
    wasm,
    tfjsVersion,
    userAgent,
    crossOriginIsolated,
    hardwareConcurrency,
  };
}

/** "Chrome 126", "Firefox 128", "Safari 17.5", "Node 20": a short browser name for tables and share links. */
export function browserFromUserAgent(ua: string): string {
  const rules: [RegExp, string][] = [
    [/Edg\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/Chrome\/(\d+)/, 'Chrome'],
    [/Version\/([\d.]+)[^/]*Safari\//, 'Safari'],
    [/Node\.js\/v?(\d+)|^Node\/v?(\d+)/, 'Node'],
  ];
  for (const [re, name] of rules) {
    const m = re.exec(ua);
    if (m) return `${name} ${m[1] ?? m[2] ?? ''}`.trim();
  }
  return ua.slice(0, 64) || 'unknown';
}
