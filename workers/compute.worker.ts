/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { ComputeService, type ImageSource } from '../src/engine/compute-service';
import type { EncoderWeights } from '../src/engine/fewshot/encoders/types';
import type { ComputeApi, DataApi } from './protocol';

/** Each tensor buffer of some weights once (transfer lists refuse duplicates). */
const buffers = (w: EncoderWeights): ArrayBuffer[] => [
  ...new Set(w.tensors.map((t) => t.values.buffer as ArrayBuffer)),
];

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
  trainEncoder: async (req, onProgress) => {
    const r = await service.trainEncoder(req, onProgress);
    return Comlink.transfer(r, buffers(r.weights));
  },
  loadStoredWeights: async (key) => {
    const r = await service.loadStoredWeights(key);
    return r ? Comlink.transfer(r, buffers(r.weights)) : r;
  },
  checkWeights: (weights) => service.checkWeights(weights),
  cancel: (token) => service.cancel(token),
  encoderInfo: (config) => service.encoderInfo(config),
  initialWeights: (config) => service.initialWeights(config),
  timeEmbedding: (config, batch, rounds, opts) => service.timeEmbedding(config, batch, rounds, opts),
  convPoolCheck: (cases) => service.convPoolCheck(cases),
  filterGradCheck: (cases) => service.filterGradCheck(cases),
  winogradCheck: (cases) => service.winogradCheck(cases),
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
      getStoredWeights: (key) => data.getStoredWeights(key),
      // The record is the service's own copy: its buffers go to the data worker, not copied again.
      putWeights: (record) => data.putWeights(Comlink.transfer(record, buffers(record.weights))),
    };
    service.setSource(source);
  },
};

Comlink.expose(api);
