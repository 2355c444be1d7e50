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
  const data = Comlink.wrap<DataApi>(dataWorker);
  const compute = Comlink.wrap<ComputeApi>(computeWorker);
  const { port1, port2 } = new MessageChannel();
  await data.connect(Comlink.transfer(port1, [port1]));
  await compute.connectData(Comlink.transfer(port2, [port2]));
  return { data, compute };
}
