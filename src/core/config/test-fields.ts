/**
 * The field table with one more field, for tests that show a new entry reaches the URL, the form and
 * the sweep file with nothing else written for it.
 */

import { everywhere, type ConfigField } from './field';
import { FIELDS } from './fields';

/** Learning-rate warm-up steps: a training field the real config does not have. */
export const WARMUP: ConfigField = {
  path: 'training.warmup',
  param: 'twarm',
  rule: { kind: 'int', min: 0, max: 1000 },
  label: 'warm-up',
  form: { id: 'run-warmup', ariaLabel: 'Warm-up steps', group: 'training' },
  sweep: { key: 'grid.warmups', tag: 'w' },
  defaults: everywhere(0),
};

/** The real table with `WARMUP` after the training seeds. */
export function tableWithWarmup(): ConfigField[] {
  const at = FIELDS.findIndex((f) => f.path === 'training.seeds') + 1;
  return [...FIELDS.slice(0, at), WARMUP, ...FIELDS.slice(at)];
}
