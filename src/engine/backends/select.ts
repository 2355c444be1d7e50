import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  AUTO_ORDER,
  type BackendAttempt,
  type BackendName,
  type BackendRequest,
  type EnvironmentReport,
} from '../environment';
import { configureWasm, wasmReport } from './wasm';
import { webglAdapter } from './webgl';
import { registerWebGPU, webgpuAdapter } from './webgpu';

/** Read before configureWasm() redefines it for the thread pool. */
const realConcurrency = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 1;

export class BackendError extends Error {
  constructor(
    message: string,
    readonly attempts: BackendAttempt[],
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** Start one backend; the error says why it could not (tfjs itself only logs a warning and returns false). */
async function start(name: BackendName): Promise<void> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    warn(...args);
  };
  try {
    const ok = await tf.setBackend(name);
    if (!ok)
      throw new Error(
        warnings.filter((w) => !/^Initialization of backend/.test(w)).join(' | ') ||
          `tf.setBackend('${name}') returned false`,
      );
    await tf.ready();
    // A backend can register yet fail on first use (no kernels, lost context): run one op.
    const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)));
    const v = await probe.data();
    probe.dispose();
    if (v[0] !== 2 || v[1] !== 3) throw new Error(`probe op returned [${v[0]}, ${v[1]}], expected [2, 3]`);
  } finally {
    console.warn = warn;
  }
}

/**
 * Initialise TensorFlow.js with the requested backend and report what actually runs. A named backend
 * that cannot start is an error (never a silent switch). `auto` tries webgpu, wasm, webgl, cpu in order,
 * passes over software GPU adapters (SwiftShader would be 40-100x slower than wasm), and records why.
 */
export async function initBackend(
  requested: BackendRequest,
  opts: { wasmThreads?: number } = {},
): Promise<EnvironmentReport> {
  registerWebGPU();
  configureWasm(opts.wasmThreads ?? realConcurrency);
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      await start(name);
    } catch (e) {
      attempts.push({ backend: name, ok: false, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const adapter = name === 'webgpu' ? webgpuAdapter() : name === 'webgl' ? webglAdapter() : null;
    if (requested === 'auto' && adapter?.isFallbackAdapter && name !== AUTO_ORDER[AUTO_ORDER.length - 1]) {
      attempts.push({
        backend: name,
        ok: false,
        reason: `skipped: software adapter (${adapter.vendor} ${adapter.architecture} ${adapter.device})`.trim(),
      });
      continue;
    }
    attempts.push({ backend: name, ok: true });
    return {
      requested,
      backend: name,
      attempts,
      adapter,
      softwareFallback: adapter?.isFallbackAdapter ?? false,
      wasm: name === 'wasm' ? await wasmReport() : null,
      tfjsVersion: tf.version.tfjs,
      userAgent: navigator.userAgent,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hardwareConcurrency: realConcurrency,
    };
  }
  const detail = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new BackendError(
    requested === 'auto'
      ? `No TensorFlow.js backend could start (${detail})`
      : `The requested backend "${requested}" could not start: ${detail}`,
    attempts,
  );
}
