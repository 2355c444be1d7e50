/**
 * More threads for our SIMD kernels: helper workers, each with its own instance of the kernels on tfjs-wasm's
 * shared heap, driven through a small shared control block (Atomics), so a kernel call stays synchronous as
 * tfjs kernels must be. XNNPACK runs on tfjs-wasm's own pthreads; those idle while ours run, and ours idle
 * (blocked in Atomics.wait) while XNNPACK runs.
 *
 * Callers split work into disjoint parts whose results do not depend on who computes them, so a helper that
 * is not ready yet (workers start asynchronously) only costs speed: the caller computes its part itself.
 */

// Control block, Int32 slots.
const SEQ = 0; // bumped by the caller to post a job
const DONE = 1; // set to SEQ by the helper when the job is finished
const FN = 2; // index into the helper's export names
const ARGC = 3;
const READY = 4;
const FAILED = 5;
const ARGS = 8;
const SLOTS = 32;

/** The helper, as plain JS: instantiate, say ready, then loop forever on the control block. */
const HELPER_SOURCE = `
onmessage = (e) => {
  const { module, memory, ctrl, names } = e.data;
  const c = new Int32Array(ctrl);
  let fns;
  try {
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
    fns = names.map((n) => ex[n]);
  } catch (err) {
    Atomics.store(c, ${FAILED}, 1);
    throw err;
  }
  Atomics.store(c, ${READY}, 1);
  let seen = Atomics.load(c, ${SEQ});
  for (;;) {
    Atomics.wait(c, ${SEQ}, seen);
    seen = Atomics.load(c, ${SEQ});
    try {
      fns[c[${FN}]](...c.subarray(${ARGS}, ${ARGS} + c[${ARGC}]));
    } catch (err) {
      Atomics.store(c, ${FAILED}, 1);
    }
    Atomics.store(c, ${DONE}, seen);
    Atomics.notify(c, ${DONE});
  }
};
`;

/** Whether this thread may block in Atomics.wait (dedicated workers may; a page's main thread may not). */
function canBlock(): boolean {
  return typeof WorkerGlobalScope !== 'undefined' && typeof SharedArrayBuffer !== 'undefined';
}

interface Helper {
  worker: Worker;
  ctrl: Int32Array;
  seq: number;
}

function isReady(h: Helper): boolean {
  return Atomics.load(h.ctrl, READY) === 1 && Atomics.load(h.ctrl, FAILED) === 0;
}

export class KernelThreads {
  private readonly helpers: Helper[] = [];
  private readonly names: string[];

  /** `threads` in all, the calling thread included; 1 (or an unshared heap, or the main thread): no helpers. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, names: string[], threads: number) {
    this.names = names;
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    if (!shared || !canBlock()) return;
    const url = URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
    for (let i = 1; i < threads; i++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
      const worker = new Worker(url, { name: `protobench-simd-${i}` });
      worker.postMessage({ module, memory, ctrl: ctrl.buffer, names });
      this.helpers.push({ worker, ctrl, seq: 0 });
    }
  }

  /** Helpers asked for (ready or not). */
  helperCount(): number {
    return this.helpers.length;
  }

  /**
   * Resolves when every helper is ready (or failed), or after `timeoutMs`. A worker only starts once its
   * creator's event loop turns, which a synchronous training loop may not do for a long time: await this
   * where the backend is set up.
   */
  async whenReady(timeoutMs = 10_000): Promise<number> {
    const t0 = Date.now();
    const settled = (): boolean =>
      this.helpers.every((h) => Atomics.load(h.ctrl, READY) === 1 || Atomics.load(h.ctrl, FAILED) === 1);
    while (!settled() && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 5));
    return this.available();
  }

  /** Threads that would take part in a call now (1 + ready helpers). */
  available(): number {
    return 1 + this.helpers.filter(isReady).length;
  }

  /**
   * Run export `name` once per part: part i's arguments from args(i, parts). Parts beyond the first go to
   * ready helpers; the calling thread runs part 0, then waits for the others.
   */
  run(name: string, parts: number, args: (part: number) => number[], local: (a: number[]) => void): void {
    const fn = this.names.indexOf(name);
    if (fn < 0) throw new Error(`KernelThreads: no export "${name}"`);
    const ready = this.helpers.filter(isReady);
    const posted: Helper[] = [];
    for (let p = 1; p < parts; p++) {
      const h = ready[p - 1];
      const a = args(p);
      if (!h) {
        local(a);
        continue;
      }
      h.ctrl[FN] = fn;
      h.ctrl[ARGC] = a.length;
      h.ctrl.set(a, ARGS);
      h.seq++;
      Atomics.store(h.ctrl, SEQ, h.seq);
      Atomics.notify(h.ctrl, SEQ);
      posted.push(h);
    }
    local(args(0));
    for (const h of posted) {
      for (;;) {
        const done = Atomics.load(h.ctrl, DONE);
        if (done === h.seq) break;
        if (Atomics.wait(h.ctrl, DONE, done, 60_000) === 'timed-out')
          throw new Error(`KernelThreads: helper thread gave no answer to ${name} within 60 s`);
      }
      if (Atomics.load(h.ctrl, FAILED) !== 0) throw new Error(`KernelThreads: ${name} failed on a helper thread`);
    }
  }

  dispose(): void {
    for (const h of this.helpers) h.worker.terminate();
    this.helpers.length = 0;
  }
}
