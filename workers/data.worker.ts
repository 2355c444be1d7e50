/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { DataService } from '../src/data/data-service';
import type { DataApi } from './protocol';

const service = new DataService();

const api: DataApi = {
  init: () => service.init(),
  listDatasets: () => service.listDatasets(),
  getDataset: (id) => service.getDataset(id),
  getLabels: async (id, task) => {
    const l = await service.getLabels(id, task);
    return Comlink.transfer(l, [l.buffer]);
  },
  getSplits: (id) => service.getSplits(id),
  classCounts: (id) => service.classCounts(id),
  thumbnails: async (id, perClass) => {
    const t = await service.thumbnails(id, perClass);
    return Comlink.transfer(
      t,
      t.classes.flatMap((c) => c.images.map((i) => i.buffer as ArrayBuffer)),
    );
  },
  deleteDataset: (id) => service.deleteDataset(id),
  audit: () => service.audit(),
  generateDemo: (seed, opts, onProgress) => service.generateDemo(seed, opts, onProgress),
  writePattern: (spec, onProgress) => service.writePattern(spec, onProgress),
  importDatasets: (jobId, inputs, options, onProgress, onConflict) =>
    service.importDatasets(jobId, inputs, options, onProgress, onConflict),
  cancelImport: (jobId) => service.cancelImport(jobId),
  readImages: async (id, indices) => {
    const px = await service.readImages(id, indices);
    return Comlink.transfer(px, [px.buffer]);
  },
  openStream: (id, indices, batchSize, prefetch) => service.openStream(id, indices, batchSize, prefetch),
  nextBatch: async (sid) => {
    const b = await service.nextBatch(sid);
    return b ? Comlink.transfer(b, [b.pixels.buffer]) : null;
  },
  closeStream: (sid) => service.closeStream(sid),
  readRaw: (id, shardsPerTx) => service.readRaw(id, shardsPerTx),
  readBlob: (blob) => service.readBlob(blob),
  putRun: (record) => service.putRun(record),
  getRun: (id) => service.getRun(id),
  listRuns: () => service.listRuns(),
  runsForConfig: (hash) => service.runsForConfig(hash),
  deleteRun: (id) => service.deleteRun(id),
  putWeights: (record) => service.putWeights(record),
  getStoredWeights: async (key) => {
    const r = await service.getStoredWeights(key);
    // Transferred, not copied (each buffer once: views may share one).
    return r ? Comlink.transfer(r, [...new Set(r.weights.tensors.map((t) => t.values.buffer as ArrayBuffer))]) : r;
  },
  weightsInfo: (key) => service.weightsInfo(key),
  listWeights: () => service.listWeights(),
  weightsOfDataset: (id) => service.weightsOfDataset(id),
  deleteWeights: (key) => service.deleteWeights(key),
  auditWeights: () => service.auditWeights(),
  exportWeights: async (key) => {
    const bytes = await service.exportWeights(key);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  importWeightsFile: (bytes) => service.importWeightsFile(bytes),
  connect: (port) => Comlink.expose(api, port),
};

Comlink.expose(api);
