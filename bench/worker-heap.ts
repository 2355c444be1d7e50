import type { CDPSession, Page } from '@playwright/test';

/**
 * JS heap of a dedicated worker, read over CDP (Runtime.getHeapUsage). Playwright gives CDP sessions for
 * pages only, so we auto-attach to the page's workers (non-flattened) and talk to the worker's target
 * through Target.sendMessageToTarget.
 */
/** Runtime.getHeapUsage: V8 heap, plus (Chromium 1xx+) the ArrayBuffer backing stores that hold pixels. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/** What we hold the worker to: JS objects plus every ArrayBuffer it keeps alive. */
export function heapWithBuffers(u: HeapUsage): number {
  return u.usedSize + (u.embedderHeapUsedSize ?? 0) + (u.backingStorageSize ?? 0);
}

export class WorkerHeap {
  private nextId = 1;
  private readonly waiting = new Map<number, (v: HeapUsage) => void>();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly sessionId: string,
  ) {}

  static async attach(page: Page, urlPart: RegExp): Promise<WorkerHeap> {
    const cdp = await page.context().newCDPSession(page);
    const found = new Promise<string>((resolve) => {
      cdp.on('Target.attachedToTarget', (e) => {
        if (e.targetInfo.type === 'worker' && urlPart.test(e.targetInfo.url)) resolve(e.sessionId);
      });
    });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    const heap = new WorkerHeap(cdp, await found);
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      if (e.sessionId !== heap.sessionId) return;
      const msg = JSON.parse(e.message) as { id?: number; result?: HeapUsage };
      if (msg.id !== undefined && msg.result) heap.waiting.get(msg.id)?.(msg.result);
    });
    return heap;
  }

  usage(): Promise<HeapUsage> {
    const id = this.nextId++;
    const p = new Promise<HeapUsage>((r) => this.waiting.set(id, r));
    void this.cdp.send('Target.sendMessageToTarget', {
      sessionId: this.sessionId,
      message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
    });
    return p;
  }

  /** Sample the heap every `everyMs` while `work` runs; returns the work's result and the peak used size. */
  async peakDuring<T>(
    work: Promise<T>,
    everyMs = 25,
  ): Promise<{ result: T; peak: number; peakJs: number; sawBuffers: boolean; samples: number }> {
    let peak = 0;
    let peakJs = 0;
    let sawBuffers = false;
    let samples = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const u = await this.usage();
        peak = Math.max(peak, heapWithBuffers(u));
        peakJs = Math.max(peakJs, u.usedSize);
        sawBuffers ||= u.backingStorageSize !== undefined;
        samples++;
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
    const result = await work.finally(() => (done = true));
    await sampler;
    return { result, peak, peakJs, sawBuffers, samples };
  }
}
