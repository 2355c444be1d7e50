import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { RunWasm } from '../../core/results/environment';
import { useSharedIdentity } from '../wasm-simd/identity-kernel';
import { prepareSimdKernels } from '../wasm-simd/instance';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let configured = false;

/**
 * Point tfjs-wasm at the binaries Vite serves and size its thread pool. Emscripten sizes the pool from
 * navigator.hardwareConcurrency / 2, so on a 2-core machine it would run ONE thread whatever
 * setThreadsCount says: we report twice the wanted count to the pool, then ask for the wanted count.
 */
export function configureWasm(threads = navigator.hardwareConcurrency || 1): void {
  if (configured) return;
  configured = true;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  const wanted = Math.max(1, Math.floor(threads));
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: wanted * 2, configurable: true });
  } catch {
    // Not redefinable here: the pool keeps its default size, and the report shows the real count.
  }
  setThreadsCount(wanted);
  useSharedIdentity();
}

/** What runs on wasm; with the wasm backend active, also sets up ProtoBench's own kernels and their threads. */
export async function wasmReport(): Promise<RunWasm> {
  const [simd, threadsSupported] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  const report: RunWasm = {
    simd: Boolean(simd),
    threadsSupported: Boolean(threadsSupported),
    threads: getThreadsCount(),
  };
  if (tf.getBackend() === 'wasm') report.ownKernels = await prepareSimdKernels(tf.backend() as BackendWasm);
  return report;
}
