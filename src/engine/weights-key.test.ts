import { describe, expect, it } from 'vitest';
import { TRAINER_VERSION, keyDatasets, weightsKey, weightsKeyInput, type KeyedTrainRequest } from './weights-key';

const req = (): KeyedTrainRequest => ({
  encoder: { name: 'conv4', inputSize: 84, channels: 3, seed: 7 },
  sources: [
    { datasetId: 'oct', taskName: 'disease' },
    { datasetId: 'cxr', taskName: 'finding' },
    { datasetId: 'oct', taskName: 'laterality' },
  ],
  steps: 100,
  way: 5,
  shot: 5,
  query: 15,
  lr: 0.001,
  seed: 7,
  valEvery: 10,
});
const FPS = { oct: 'sha256:aa', cxr: 'sha256:bb', unused: 'sha256:cc' };
const key = (r: KeyedTrainRequest, backend = 'wasm', fps: Record<string, string> = FPS): Promise<string> =>
  weightsKey(weightsKeyInput(r, backend, fps));

describe('stored-weights key', () => {
  it('is stable: the same input gives the same key, whatever the order of object fields', async () => {
    const a = await key(req());
    expect(a).toMatch(/^w1-[0-9a-f]{64}$/);
    expect(await key(req())).toBe(a);
    const r = req();
    const shuffled: KeyedTrainRequest = {
      valEvery: r.valEvery,
      seed: r.seed,
      lr: r.lr,
      query: r.query,
      shot: r.shot,
      way: r.way,
      steps: r.steps,
      sources: r.sources,
      encoder: { seed: 7, channels: 3, inputSize: 84, name: 'conv4' },
    };
    expect(await key(shuffled, 'wasm', { cxr: 'sha256:bb', oct: 'sha256:aa' })).toBe(a);
    // Fingerprints of datasets not trained on do not count; resolved defaults equal explicit values.
    expect(await key(req(), 'wasm', { oct: 'sha256:aa', cxr: 'sha256:bb' })).toBe(a);
    const noVal = { ...req(), valEvery: undefined };
    expect(await key(noVal)).toBe(await key({ ...req(), valEvery: 10, valEpisodes: 20, keepBest: true }));
    // A fixed value, so that an accidental change of the canonical form shows up here.
    const input = weightsKeyInput(req(), 'wasm', FPS);
    expect(input.trainer).toBe(TRAINER_VERSION);
    expect(input.resolution).toBe(84);
    expect(keyDatasets(input)).toEqual(['cxr', 'oct']);
  });

  it('changes when any input changes', async () => {
    const base = await key(req());
    const variants: [string, Promise<string>][] = [
      ['encoder', key({ ...req(), encoder: { name: 'resnet12', inputSize: 84, channels: 3, seed: 7 } })],
      ['width', key({ ...req(), encoder: { name: 'conv4', inputSize: 84, channels: 3, seed: 7, width: 32 } })],
      ['channels', key({ ...req(), encoder: { name: 'conv4', inputSize: 84, channels: 1, seed: 7 } })],
      ['resolution', key({ ...req(), encoder: { name: 'conv4', inputSize: 224, channels: 3, seed: 7 } })],
      ['init seed', key({ ...req(), encoder: { name: 'conv4', inputSize: 84, channels: 3, seed: 8 } })],
      ['a source less', key({ ...req(), sources: req().sources.slice(1) })],
      ['source order', key({ ...req(), sources: [...req().sources].reverse() })],
      ['a task name', key({ ...req(), sources: [{ datasetId: 'oct', taskName: 'other' }, ...req().sources.slice(1)] })],
      ['steps', key({ ...req(), steps: 101 })],
      ['way', key({ ...req(), way: 4 })],
      ['shot', key({ ...req(), shot: 1 })],
      ['query', key({ ...req(), query: 10 })],
      ['lr', key({ ...req(), lr: 0.0011 })],
      ['valEvery', key({ ...req(), valEvery: 0 })],
      ['valEpisodes', key({ ...req(), valEpisodes: 30 })],
      ['keepBest', key({ ...req(), keepBest: false })],
      ['seed', key({ ...req(), seed: 8 })],
      ['backend', key(req(), 'webgpu')],
      ['fingerprint', key(req(), 'wasm', { ...FPS, cxr: 'sha256:bc' })],
    ];
    const keys = await Promise.all(variants.map(([, k]) => k));
    variants.forEach(([what], i) => expect(keys[i], what).not.toBe(base));
    expect(new Set(keys).size, 'every variant has its own key').toBe(variants.length);
  });

  it('refuses a source without a fingerprint, an empty source list and a missing backend', () => {
    expect(() => weightsKeyInput(req(), 'wasm', { oct: 'sha256:aa' })).toThrow(
      /no fingerprint for source dataset "cxr"/,
    );
    expect(() => weightsKeyInput({ ...req(), sources: [] }, 'wasm', FPS)).toThrow(/no source task/);
    expect(() => weightsKeyInput(req(), '', FPS)).toThrow(/no backend/);
  });
});
