import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KERNELS_SHARED, KERNELS_UNSHARED } from './kernels-binary';
import type { RunWasm } from '../../core/results/environment';
import { KernelThreads } from './threads';

/** The kernels assembly/ exports; every argument is an i32 (byte offsets into the heap, sizes), documented there. */
export const KERNEL_NAMES = [
  'filterGrad3x3',
  'channelSums',
  'bnPoolRelu',
  'bnPoolReluGradSums',
  'bnPoolReluGrad',
  'winogradWeights',
  'winogradConv3x3',
  'winogradFilterGrad3x3',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
export type SimdExports = Record<KernelName, (...args: number[]) => void>;

/** ProtoBench's own SIMD kernels (assembly/), instantiated on tfjs-wasm's heap: pointers are tensor offsets. */
export interface SimdKernels {
  memory: WebAssembly.Memory;
  exports: SimdExports;
  /** As many threads as tfjs-wasm's pool (getThreadsCount()), where the heap is shared and this is a worker. */
  threads: KernelThreads;
}

interface EmscriptenModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

/**
 * tfjs-wasm's WebAssembly.Memory. The threaded build creates it in JS and keeps it as Module.wasmMemory; the
 * single-threaded builds export it from the module (Module.asm.memory).
 */
export function wasmHeapMemory(backend: BackendWasm): WebAssembly.Memory {
  const m = backend.wasm as unknown as EmscriptenModule;
  const memory = m.wasmMemory ?? m.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('tfjs-wasm: its WebAssembly.Memory was not found');
  return memory;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * The kernels bound to this backend's heap, compiled on first use (a few KB: synchronous compilation is
 * allowed). Throws where the browser lacks (relaxed) SIMD; callers then keep tfjs's own kernels.
 */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const memory = wasmHeapMemory(backend);
  let k = instances.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(decode(shared ? KERNELS_SHARED : KERNELS_UNSHARED));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
    k = { memory, exports, threads: new KernelThreads(module, memory, [...KERNEL_NAMES], getThreadsCount()) };
    instances.set(memory, k);
  }
  return k;
}

let failure: string | undefined;

/** The kernels, or undefined where they cannot run here (the first failure's reason: simdKernelsFailure()). */
export function trySimdKernels(backend: BackendWasm): SimdKernels | undefined {
  if (failure !== undefined) return undefined;
  try {
    return simdKernels(backend);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
    return undefined;
  }
}

/** Whether the current backend is wasm and our kernels run on it. */
export function simdKernelsReady(): boolean {
  return tf.getBackend() === 'wasm' && trySimdKernels(tf.backend() as BackendWasm) !== undefined;
}

/**
 * Run kernel `name` over C channels split into 16-channel groups (one 64-byte cache line per pixel), each
 * ready thread a contiguous run of groups: args(c0, c1) gives a part's arguments. Parts write disjoint
 * outputs and each sum has one order, whichever thread runs it.
 */
export function runByChannelGroups(
  k: SimdKernels,
  name: KernelName,
  C: number,
  args: (c0: number, c1: number) => number[],
): void {
  runByParts(k, name, C / 16, (a, b) => args(16 * a, 16 * b));
}

/**
 * Run kernel `name` over `units` independent units of work, each ready thread a contiguous run of them:
 * args(u0, u1, part) gives a part's arguments (part: which thread's scratch to use). `parts` fixed by the
 * caller sizes scratch safely: helpers that are not ready (yet) leave their parts to the calling thread.
 */
export function runByParts(
  k: SimdKernels,
  name: KernelName,
  units: number,
  args: (u0: number, u1: number, part: number) => number[],
  parts = partsFor(k, units),
): void {
  const range = (p: number): number[] =>
    args(Math.floor((p * units) / parts), Math.floor(((p + 1) * units) / parts), p);
  k.threads.run(name, parts, range, (a) => k.exports[name](...a));
}

/** How many parts runByParts splits `units` into now (scratch per part is sized by it). */
export function partsFor(k: SimdKernels, units: number): number {
  return Math.max(1, Math.min(units, k.threads.available()));
}

/** f(at) with `bytes` of tfjs-wasm heap at `at`, 16-byte aligned (v128), freed afterwards even if f throws. */
export function withHeapScratch<T>(backend: BackendWasm, bytes: number, f: (at: number) => T): T {
  const raw = backend.wasm._malloc(bytes + 16) >>> 0;
  try {
    return f((raw + 15) & ~15);
  } finally {
    backend.wasm._free(raw);
  }
}

/** What the environment report records of our kernels: the threads they run on, or why they do not run. */
export type SimdKernelsReport = NonNullable<RunWasm['ownKernels']>;

/**
 * Set the kernels up for the current wasm backend and wait for their helper threads. Call once the wasm
 * backend is ready (kernels used before this still work, on fewer threads until the helpers have started).
 */
export async function prepareSimdKernels(backend: BackendWasm): Promise<SimdKernelsReport> {
  const k = trySimdKernels(backend);
  if (!k) return { threads: 0, error: failure ?? 'unknown' };
  return { threads: await k.threads.whenReady() };
}
