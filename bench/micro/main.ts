import * as Comlink from 'comlink';
import type { MicroApi } from './worker';

declare global {
  interface Window {
    micro: Comlink.Remote<MicroApi>;
  }
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
// A worker that fails to load would leave every call hanging: say so.
worker.onerror = (e) => console.log('micro worker error:', e.message);
window.micro = Comlink.wrap<MicroApi>(worker);
document.body.dataset.ready = 'true';
