/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { ComputeService, type ImageSource } from '../src/engine/compute-service';
import type { ComputeApi, DataApi } from './protocol';

const service = new ComputeService();

const api: ComputeApi = {
  init: (requested, opts) => service.init(requested, opts),
  environment: () => service.environment(),
  setSource: () => {
    throw new Error('use connectData(port)');
  },
  memory: () => service.memory(),
  streamToDevice: (id, indices, opts) => service.streamToDevice(id, indices, opts),
  preprocessImages: async (id, indices, opts) => {
    const out = await service.preprocessImages(id, indices, opts);
    return Comlink.transfer(out, [out.buffer]);
  },
  connectData: (port) => {
    const data = Comlink.wrap<DataApi>(port);
    const source: ImageSource = {
      getDataset: (id) => data.getDataset(id),
      openStream: (id, indices, batchSize, prefetch) => data.openStream(id, indices, batchSize, prefetch),
      nextBatch: (sid) => data.nextBatch(sid),
      closeStream: (sid) => data.closeStream(sid),
    };
    service.setSource(source);
  },
};

Comlink.expose(api);
