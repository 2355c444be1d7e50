import * as Comlink from 'comlink';
import type { ComputeApi, DataApi } from '../../workers/protocol';

export interface Workers {
  data: Comlink.Remote<DataApi>;
  compute: Comlink.Remote<ComputeApi>;
}

/** Start both workers and give the compute worker its own channel to the data worker. */
export async function startWorkers(): Promise<Workers> {
  const dataWorker = new Worker(new URL('../../workers/data.worker.ts', import.meta.url), {
    type: 'module',
    name: 'protobench-data',
  });
  const computeWorker = new Worker(new URL('../../workers/compute.worker.ts', import.meta.url), {
    type: 'module',
    name: 'protobench-compute',
  });
  // A worker whose module fails to load never answers: turn its error event into a rejection.
  const failed = Promise.race([loadError(dataWorker, 'data'), loadError(computeWorker, 'compute')]);
  const data = Comlink.wrap<DataApi>(dataWorker);
  const compute = Comlink.wrap<ComputeApi>(computeWorker);
  const { port1, port2 } = new MessageChannel();
  await Promise.race([data.connect(Comlink.transfer(port1, [port1])), failed]);
  await Promise.race([compute.connectData(Comlink.transfer(port2, [port2])), failed]);
  return { data, compute };
}

function loadError(w: Worker, name: string): Promise<never> {
  return new Promise((_, reject) => {
    w.addEventListener(
      'error',
      (e) => reject(new Error(`The ${name} worker failed to start: ${e.message || 'its script did not load'}`)),
      { once: true },
    );
  });
}
