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
  evaluateCell: (req, onProgress) => service.evaluateCell(req, onProgress),
  predictEpisodes: (req) => service.predictEpisodes(req),
  trainEncoder: (req, onProgress) => service.trainEncoder(req, onProgress),
  cancel: (token) => service.cancel(token),
  encoderInfo: (config) => service.encoderInfo(config),
  initialWeights: (config) => service.initialWeights(config),
  timeEmbedding: (config, batch, rounds) => service.timeEmbedding(config, batch, rounds),
  timeTrainStep: (config, episode, rounds) => service.timeTrainStep(config, episode, rounds),
  encoderGradients: (config, opts) => service.encoderGradients(config, opts),
  protonetOnEmbeddings: (embeddings, dim, episodes) => service.protonetOnEmbeddings(embeddings, dim, episodes),
  connectData: (port) => {
    const data = Comlink.wrap<DataApi>(port);
    const source: ImageSource = {
      getDataset: (id) => data.getDataset(id),
      listDatasets: () => data.listDatasets(),
      getLabels: (id, task) => data.getLabels(id, task),
      getSplits: (id) => data.getSplits(id),
      openStream: (id, indices, batchSize, prefetch) => data.openStream(id, indices, batchSize, prefetch),
      nextBatch: (sid) => data.nextBatch(sid),
      closeStream: (sid) => data.closeStream(sid),
    };
    service.setSource(source);
  },
};

Comlink.expose(api);
