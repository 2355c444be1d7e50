// The small real-image config of e2e/real-images.spec.ts as a URL query, its training budget overridden by argv[2] (JSON).
import { configToQuery, defaultConfig, type RunConfig } from '../../../src/core/config';
const t = JSON.parse(process.argv[2] ?? '{}');
const c = defaultConfig('wasm', []);
const cfg: RunConfig = {
  ...c,
  sources: [{ kind: 'all-except-target' }, { kind: 'untrained' }, { kind: 'pixels' }],
  targets: [
    { dataset: 'fashion', task: 'garment class' },
    { dataset: 'textures', task: 'texture class' },
    { dataset: 'ihc_dab', task: 'DAB-stained area' },
    { dataset: 'brain_human', task: 'slice orientation' },
  ],
  mode: 'medimeta',
  shots: [1, 5],
  query: 10,
  episodes: 100,
  training: { steps: 30, way: 3, shot: 1, query: 5, lr: 1e-3, valEvery: 10, patience: 3, seeds: 3, ...t },
  seed: 0,
};
process.stdout.write(configToQuery(cfg));
