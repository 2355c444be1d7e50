/**
 * Cancelling engine calls (evaluateCell, trainEncoder) in the compute worker.
 *
 * The engine awaits at its step boundaries (data batches, embedding chunks, episode blocks, training
 * steps) and calls `checkpoint()` there: it yields one macrotask, so a `cancel` message that comlink has
 * queued behind the running computation gets delivered, then throws an `AbortError` when the call was
 * cancelled. The engine's existing `finally` blocks dispose whatever the call had allocated.
 *
 * Latency: a cancel takes effect at the next checkpoint after the worker's current synchronous stretch
 * of tfjs work. On wasm/cpu the longest such stretch is one training step (forward and backward run in
 * one `optimizer.minimize`, which cannot be split) or one embedding chunk.
 */

export class AbortError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** One macrotask: lets queued messages (a cancel) run. MessageChannel is not clamped like nested timers. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel === 'undefined') {
      setTimeout(resolve, 0);
      return;
    }
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** The cancellation state of one engine call. */
export class AbortFlag {
  aborted = false;
  constructor(readonly token: string | undefined) {}

  throwIfAborted(): void {
    if (this.aborted) throw new AbortError();
  }

  /** Yield to the event loop (so a pending cancel is delivered), then throw if the call was cancelled. */
  async checkpoint(): Promise<void> {
    this.throwIfAborted();
    await yieldToEventLoop();
    this.throwIfAborted();
  }
}

/**
 * The engine calls in flight and their flags. A call started while a cancelled one is still unwinding
 * waits for it to finish, so a new run never shares the worker with a zombie computation.
 */
export class AbortRegistry {
  private readonly live = new Map<AbortFlag, Promise<unknown>>();

  /** Run `fn` under a fresh flag (cancellable by `token`, or by a cancel of everything). */
  async run<T>(token: string | undefined, fn: (flag: AbortFlag) => Promise<T>): Promise<T> {
    const flag = new AbortFlag(token);
    const zombies = [...this.live].filter(([f]) => f.aborted).map(([, p]) => p);
    const p = (async () => {
      if (zombies.length > 0) await Promise.all(zombies);
      flag.throwIfAborted();
      return fn(flag);
    })();
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.live.set(flag, settled);
    void settled.then(() => this.live.delete(flag));
    return p;
  }

  /** Flag the calls started with `token` (every call when undefined); returns how many were flagged. */
  cancel(token?: string): number {
    let n = 0;
    for (const f of this.live.keys()) {
      if (f.aborted || (token !== undefined && f.token !== token)) continue;
      f.aborted = true;
      n++;
    }
    return n;
  }

  /** Calls in flight (cancelled ones still unwinding included). */
  get active(): number {
    return this.live.size;
  }
}
