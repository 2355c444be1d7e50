/**
 * The whole worker protocol. The UI thread talks to two module workers through comlink; the compute
 * worker talks to the data worker directly over a MessageChannel, so pixels never pass through the UI
 * thread. Big buffers are transferred, never copied.
 *
 *   UI ──comlink──▶ data worker    (DataApi)      owns IndexedDB
 *   UI ──comlink──▶ compute worker (ComputeApi)   owns TensorFlow.js
 *   compute ──MessagePort/comlink──▶ data          (ImageSource: dataset info + pixel streams)
 */
import type { DataService } from '../src/data/data-service';
import type { ComputeService } from '../src/engine/compute-service';

/** Methods of a service class, as comlink exposes them (every call becomes async). */
type Api<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] };

export type DataApi = Api<DataService> & {
  /** Serve DataApi on a second port too (for the compute worker). Transfer the port. */
  connect(port: MessagePort): void;
};

export type ComputeApi = Api<ComputeService> & {
  /** Use the data worker behind `port` as the image source. Transfer the port. */
  connectData(port: MessagePort): void;
};
