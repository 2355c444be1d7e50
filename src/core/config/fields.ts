/**
 * The field table: every field of the run config, once. The validator, the URL (`query.ts`), the run
 * form (`form-spec.ts`), the defaults and the sweep file all walk it, so adding a field is one entry here
 * plus its use. Order matters: it is the URL's parameter order and the order errors are reported in.
 */

import { EPISODE_MODES } from '../sampling/types';
import { everywhere, type ConfigField } from './field';
import { checkSources, checkTargets } from './part-checks';
import {
  BACKEND_CHOICES,
  CONFIG_LIMITS as L,
  DEFAULT_FINETUNE,
  DEFAULT_SUPERVISED,
  DEFAULT_METHODS,
  DEFAULT_PATIENCE,
  DEFAULT_TRAINING_SEEDS,
  ENCODER_CHOICES,
  EVAL_SPLITS,
  HEAD_INITS,
  METHOD_CHOICES,
  RESOLUTIONS,
} from './types';
import { SOURCES_CODEC, TARGETS_CODEC } from './url-codecs';

export const DEFAULT_QUERY = 10;
export const DEFAULT_WAY = 5;

/** The CPU backends (and `auto` before it resolves) train briefly: the demo must finish on a laptop. */
const cpuGpu = <T>(cpu: T, wasm: T, webgl: T, webgpu: T): Record<(typeof BACKEND_CHOICES)[number], T> => ({
  auto: wasm,
  wasm,
  cpu,
  webgl,
  webgpu,
});

const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;

export const FIELDS: readonly ConfigField[] = [
  {
    path: 'sources',
    param: 'src',
    rule: { kind: 'custom', check: checkSources },
    codec: SOURCES_CODEC,
    label: 'Sources (rows)',
    sweep: { key: 'grid.sources', list: 'source keys (or lists of them)', tag: 'src-' },
    defaults: everywhere([{ kind: 'all-except-target' }, { kind: 'untrained' }, { kind: 'pixels' }]),
  },
  {
    path: 'targets',
    param: 't',
    rule: { kind: 'custom', check: checkTargets },
    codec: TARGETS_CODEC,
    label: 'Targets (columns)',
    sweep: { key: 'grid.targets', list: 'target keys (or lists of them)', tag: 't-' },
  },
  {
    path: 'encoder',
    param: 'enc',
    rule: { kind: 'oneOf', options: ENCODER_CHOICES },
    label: 'Encoder',
    form: { id: 'run-encoder', ariaLabel: 'Encoder', group: 'run' },
    sweep: { key: 'grid.encoders', list: 'encoders', tag: '' },
    defaults: everywhere('conv4'),
  },
  {
    path: 'resolution',
    param: 'res',
    rule: { kind: 'oneOf', options: RESOLUTIONS },
    label: 'Resolution',
    form: { id: 'run-resolution', ariaLabel: 'Resolution', group: 'run' },
    sweep: { key: 'grid.resolutions', list: 'resolutions', tag: 'r' },
    defaults: cpuGpu(84, 84, 112, 224),
  },
  {
    path: 'mode',
    param: 'mode',
    rule: { kind: 'oneOf', options: EPISODE_MODES },
    label: 'Protocol',
    form: { id: 'run-mode', ariaLabel: 'Episode mode', group: 'run' },
    sweep: { key: 'grid.modes', list: 'episode modes', tag: '' },
    defaults: everywhere('medimeta'),
  },
  {
    path: 'way',
    param: 'n',
    rule: int(L.minWay, L.maxWay),
    label: 'N',
    form: { id: 'run-way', ariaLabel: 'N (classes per episode, fixed mode)', group: 'run' },
    sweep: { key: 'grid.ways', tag: 'n', optional: 'N (classes per episode)' },
    defaults: everywhere(DEFAULT_WAY),
    modes: ['fixed'],
  },
  {
    path: 'shots',
    param: 'k',
    rule: { kind: 'intList', min: 1, max: L.maxShot, maxItems: L.shots, item: 'K' },
    label: 'K values',
    form: { id: 'run-k', ariaLabel: 'K values (comma-separated)', group: 'run', size: 8 },
    sweep: { key: 'grid.shots', list: 'K values (or K lists)', tag: 'k' },
    defaults: cpuGpu([1, 5], [1, 5], [1, 5, 10], [1, 5, 10]),
    modes: ['fixed', 'medimeta'],
  },
  {
    path: 'query',
    param: 'q',
    rule: int(1, L.maxQuery),
    label: 'Q',
    form: { id: 'run-query', ariaLabel: 'Q (query images per class)', group: 'run' },
    sweep: { key: 'grid.queries', tag: 'q' },
    defaults: everywhere(DEFAULT_QUERY),
    modes: ['fixed', 'medimeta'],
  },
  {
    path: 'episodes',
    param: 'ep',
    rule: int(1, L.maxEpisodes),
    label: 'Episodes per cell',
    form: { id: 'run-episodes', ariaLabel: 'Episodes per cell', group: 'run' },
    sweep: { key: 'grid.episodes', tag: 'ep' },
    defaults: cpuGpu(50, 100, 100, 100),
  },
  {
    path: 'methods',
    param: 'm',
    rule: { kind: 'nameList', options: METHOD_CHOICES, maxItems: METHOD_CHOICES.length, item: 'method' },
    label: 'Methods',
    form: { id: 'run-methods', ariaLabel: 'Evaluation methods (comma-separated)', group: 'run', size: 20 },
    sweep: { key: 'grid.methods', list: 'method names (or lists of them)', tag: 'm-' },
    defaults: everywhere([...DEFAULT_METHODS]),
    absent: [...DEFAULT_METHODS],
  },
  ...finetuneFields(),
  ...supervisedFields(),
  {
    path: 'evalSplit',
    param: 'split',
    rule: { kind: 'oneOf', options: EVAL_SPLITS },
    label: 'Split',
    form: { id: 'run-split', ariaLabel: 'Evaluation split', group: 'run' },
    sweep: { key: 'evalSplit' },
    defaults: everywhere('test'),
  },
  ...trainingFields(),
  {
    path: 'seed',
    param: 'seed',
    rule: int(0, L.maxSeed),
    label: 'Seed',
    form: { id: 'run-seed', ariaLabel: 'Seed', group: 'run' },
    sweep: { key: 'grid.seeds', tag: 's' },
    defaults: everywhere(0),
  },
  {
    path: 'backend',
    param: 'backend',
    rule: { kind: 'oneOf', options: BACKEND_CHOICES },
    label: 'Backend',
    sweep: { key: 'backend' },
    defaults: { auto: 'auto', wasm: 'wasm', cpu: 'cpu', webgl: 'webgl', webgpu: 'webgpu' },
  },
];

/** The `finetune` method's settings (a sweep file's `finetune` holds the same object). */
function finetuneFields(): ConfigField[] {
  const D = DEFAULT_FINETUNE;
  const field = (key: string, param: string, label: string, ariaLabel: string, rest: Partial<ConfigField>) =>
    ({
      path: `finetune.${key}`,
      param,
      label,
      form: { id: `run-ft-${key.toLowerCase()}`, ariaLabel, group: 'finetune' },
      sweep: { key: `finetune.${key}` },
      defaults: everywhere((D as unknown as Record<string, unknown>)[key]),
      absent: (D as unknown as Record<string, unknown>)[key],
      ...rest,
    }) as ConfigField;
  return [
    field('steps', 'fts', 'fine-tune steps', 'Fine-tune steps (finetune method)', { rule: int(1, L.maxFinetuneSteps) }),
    field('lr', 'ftlr', 'fine-tune lr', 'Fine-tune learning rate (Adam)', {
      rule: { kind: 'number', min: 0, max: L.maxLr, exclusiveMin: true },
    }),
    field('headInit', 'fthead', 'head init', 'Fine-tune head initialisation', {
      rule: { kind: 'oneOf', options: HEAD_INITS },
    }),
  ];
}

/** The `supervised` and `mm-pt` rows' training (a sweep file's `supervised` holds the same object). */
function supervisedFields(): ConfigField[] {
  const D = DEFAULT_SUPERVISED as unknown as Record<string, unknown>;
  const field = (key: string, param: string, label: string, ariaLabel: string, rule: ConfigField['rule']) =>
    ({
      path: `supervised.${key}`,
      param,
      label,
      rule,
      form: { id: `run-sup-${key.toLowerCase()}`, ariaLabel, group: 'supervised' },
      sweep: { key: `supervised.${key}` },
      defaults: everywhere(D[key]),
      absent: D[key],
    }) as ConfigField;
  return [
    field('steps', 'sst', 'supervised steps', 'Supervised training: most steps', int(1, L.maxSteps)),
    field('lr', 'slr', 'supervised lr', 'Supervised training: learning rate (Adam)', {
      kind: 'number',
      min: 0,
      max: L.maxLr,
      exclusiveMin: true,
    }),
    field('batch', 'sbs', 'batch', 'Supervised training: batch size', int(1, L.maxBatch)),
    field('valEvery', 'sve', 'validate every', 'Supervised training: validate every N steps', int(1, L.maxSteps)),
    field('patience', 'spat', 'patience', 'Supervised training: early-stopping patience (validations)', int(0, 1000)),
  ];
}

/** The training budget (a sweep file's `training` holds the same object). */
function trainingFields(): ConfigField[] {
  const field = (
    key: string,
    param: string,
    label: string,
    id: string,
    ariaLabel: string,
    rest: Pick<ConfigField, 'rule' | 'defaults'> & Partial<ConfigField>,
  ): ConfigField => ({
    path: `training.${key}`,
    param,
    label,
    form: { id, ariaLabel, group: 'training' },
    sweep: { key: `training.${key}` },
    ...rest,
  });
  return [
    field('steps', 'steps', 'Training steps', 'run-steps', 'Training steps', {
      rule: int(0, L.maxSteps),
      defaults: cpuGpu(20, 60, 300, 1000),
    }),
    field('way', 'tway', 'way', 'run-train-way', 'Training way', {
      rule: int(L.minWay, L.maxWay),
      defaults: everywhere(5),
    }),
    field('shot', 'tshot', 'shot', 'run-train-shot', 'Training shot', {
      rule: int(1, L.maxShot),
      defaults: cpuGpu(1, 1, 5, 5),
    }),
    field('query', 'tq', 'query', 'run-train-query', 'Training query', {
      rule: int(1, L.maxQuery),
      defaults: cpuGpu(5, 5, 10, 10),
    }),
    field('lr', 'lr', 'lr', 'run-lr', 'Learning rate (Adam)', {
      rule: { kind: 'number', min: 0, max: L.maxLr, exclusiveMin: true },
      defaults: everywhere(0.001),
    }),
    field('valEvery', 'val', 'validate every', 'run-val', 'Validate every (steps; 0 = never)', {
      rule: int(0, L.maxSteps),
      refine: (c, v, path, { steps }) =>
        typeof steps === 'number' && (v as number) > steps
          ? c.fail(path, `0 (never) or an integer in [1, steps = ${steps}]`, v)
          : v,
      defaults: cpuGpu(10, 30, 100, 200),
    }),
    field('patience', 'pat', 'patience', 'run-patience', 'Early stopping patience (validations; 0 = never)', {
      rule: int(0, L.maxSteps),
      defaults: everywhere(DEFAULT_PATIENCE),
      absent: DEFAULT_PATIENCE,
    }),
    field('seeds', 'tseeds', 'training seeds', 'run-train-seeds', 'Training seeds (repeats of every training)', {
      rule: int(1, L.maxTrainingSeeds),
      defaults: everywhere(1),
      absent: DEFAULT_TRAINING_SEEDS,
    }),
  ];
}
